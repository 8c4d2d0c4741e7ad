// Unit tests for the price calculator: pure functions, no I/O, microseconds each. This is the
// wide base of the pyramid, and the place to enumerate edge cases with test.each tables.
import { describe, expect, test } from 'qa-lanes';
import {
  COUPONS,
  discountFor,
  FLAT_SHIPPING_CENTS,
  lineTotal,
  priceCart,
  PricingError,
  roundCents,
  shippingFor,
  taxFor,
  type CartLine,
  type Region,
} from '../app/pricing.js';

const mug: CartLine = { sku: 'MUG-001', unitPriceCents: 1450, quantity: 1 };
const lamp: CartLine = { sku: 'LAMP-006', unitPriceCents: 6500, quantity: 1 };

describe('pricing', { marks: ['smoke'] }, () => {
  test('an empty cart costs nothing, not even shipping', () => {
    expect(priceCart([], 'US-CA')).toEqual({ subtotalCents: 0, discountCents: 0, shippingCents: 0, taxCents: 0, totalCents: 0 });
  });

  test('a single mug in California', () => {
    expect(priceCart([mug], 'US-CA')).toEqual({
      subtotalCents: 1450,
      discountCents: 0,
      shippingCents: FLAT_SHIPPING_CENTS,
      taxCents: 105, // 7.25 % of 14.50 = 1.05125
      totalCents: 1450 + 499 + 105,
    });
  });
});

describe('pricing rules', { marks: ['regression'] }, () => {
  describe('line totals', () => {
    const lines: Array<[unitPriceCents: number, quantity: number, expected: number]> = [
      [1450, 1, 1450],
      [1450, 3, 4350],
      [0, 5, 0],
      [350, 200, 70_000],
    ];
    test.each(lines)('%d cents × %d = %d cents', (unitPriceCents, quantity, expected) => {
      expect(lineTotal({ sku: 'X', unitPriceCents, quantity })).toBe(expected);
    });

    test.each([0, -1, 1.5, Number.NaN])('quantity %d is refused', (quantity) => {
      expect(() => lineTotal({ ...mug, quantity })).toThrow(PricingError);
    });
  });

  describe('rounding', () => {
    // Half a cent rounds away from zero, like a till.
    const cases: Array<[amount: number, expected: number]> = [
      [104.5, 105],
      [104.49, 104],
      [-2.5, -3],
      [1.005 * 100, 101], // 100.49999999999999 in floating point: still half a cent
      [0, 0],
    ];
    test.each(cases)('roundCents(%d) = %d', (amount, expected) => {
      expect(roundCents(amount)).toBe(expected);
    });
  });

  describe('coupons', () => {
    test('percentage coupons round to the cent', () => {
      expect(discountFor(COUPONS.WELCOME10, 1455)).toBe(146); // 145.5 → 146
    });

    test('a fixed coupon below its minimum subtotal gives nothing', () => {
      expect(discountFor(COUPONS.SPRING5, 2499)).toBe(0);
      expect(discountFor(COUPONS.SPRING5, 2500)).toBe(500);
    });

    test('a discount never exceeds the subtotal', () => {
      expect(discountFor({ code: 'BIG', kind: 'fixed', amountCents: 10_000 }, 1450)).toBe(1450);
    });
  });

  describe('shipping', () => {
    const thresholds: Array<[goodsCents: number, shippingCents: number]> = [
      [1, FLAT_SHIPPING_CENTS],
      [4999, FLAT_SHIPPING_CENTS],
      [5000, 0],
    ];
    test.each(thresholds)('goods worth %d cents ship for %d', (goods, expected) => {
      expect(shippingFor(goods)).toBe(expected);
    });

    test('the free-shipping threshold applies after the discount', () => {
      const cart: CartLine[] = [
        { sku: 'TEE-002', unitPriceCents: 2400, quantity: 2 },
        { sku: 'STKR-005', unitPriceCents: 350, quantity: 1 },
      ]; // 51.50: ships free, but 10 % off brings the goods down to 46.35
      expect(priceCart(cart, 'US-OR').shippingCents).toBe(0);
      expect(priceCart(cart, 'US-OR', COUPONS.WELCOME10).shippingCents).toBe(FLAT_SHIPPING_CENTS);
    });
  });

  // describe.each: the same three checks for every region.
  const regions: Array<[region: Region, basisPoints: number]> = [
    ['US-CA', 725],
    ['US-NY', 400],
    ['US-OR', 0],
    ['DE', 1900],
    ['FR', 2000],
  ];
  describe.each(regions)('tax in %s (%d bp)', (region, bp) => {
    test('is zero on zero', () => {
      expect(taxFor(region, 0)).toBe(0);
    });

    test('matches the rate on a round amount', () => {
      expect(taxFor(region, 10_000)).toBe(bp);
    });

    test('is not charged on shipping', () => {
      const withShipping = priceCart([mug], region);
      expect(withShipping.taxCents).toBe(taxFor(region, mug.unitPriceCents));
    });
  });

  test('a lamp and a mug in Germany', () => {
    const total = priceCart([lamp, mug], 'DE', COUPONS.WELCOME10);
    // 79.50 - 7.95 = 71.55, free shipping, 19 % VAT = 13.5945 → 13.59
    expect(total).toEqual({ subtotalCents: 7950, discountCents: 795, shippingCents: 0, taxCents: 1359, totalCents: 7155 + 1359 });
  });
});
