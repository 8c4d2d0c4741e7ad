// The price calculator: pure functions on integer cents, shared by the API (which prices
// every order server-side) and covered directly by the fast unit tests.

export type Region = 'US-CA' | 'US-NY' | 'US-OR' | 'DE' | 'FR';

export interface CartLine {
  sku: string;
  unitPriceCents: number;
  quantity: number;
}

export type Coupon =
  | { code: string; kind: 'percent'; percent: number; minSubtotalCents?: number }
  | { code: string; kind: 'fixed'; amountCents: number; minSubtotalCents?: number };

export interface PriceBreakdown {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
}

/** Sales tax / VAT rates in basis points (1 bp = 0.01 %). */
export const TAX_RATES_BP: Record<Region, number> = {
  'US-CA': 725,
  'US-NY': 400,
  'US-OR': 0,
  DE: 1900,
  FR: 2000,
};

export const FREE_SHIPPING_THRESHOLD_CENTS = 5_000;
export const FLAT_SHIPPING_CENTS = 499;

export const COUPONS: Record<string, Coupon> = {
  WELCOME10: { code: 'WELCOME10', kind: 'percent', percent: 10 },
  SPRING5: { code: 'SPRING5', kind: 'fixed', amountCents: 500, minSubtotalCents: 2_500 },
};

export class PricingError extends Error {
  override name = 'PricingError';
}

/** Rounds a fractional amount of cents to whole cents, halves away from zero (like a till). */
export function roundCents(amount: number): number {
  // The epsilon absorbs binary noise such as 1.005 * 100 = 100.49999999999999.
  return amount < 0 ? -Math.round(-amount + 1e-9) : Math.round(amount + 1e-9);
}

export function lineTotal(line: CartLine): number {
  if (!Number.isInteger(line.quantity) || line.quantity < 1) {
    throw new PricingError(`quantity must be a positive integer, got ${line.quantity}`);
  }
  if (!Number.isInteger(line.unitPriceCents) || line.unitPriceCents < 0) {
    throw new PricingError(`unit price must be a non-negative number of cents, got ${line.unitPriceCents}`);
  }
  return line.unitPriceCents * line.quantity;
}

export function subtotal(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + lineTotal(line), 0);
}

/** The discount a coupon gives on a subtotal; never more than the subtotal itself. */
export function discountFor(coupon: Coupon | undefined, subtotalCents: number): number {
  if (!coupon) return 0;
  if (coupon.minSubtotalCents !== undefined && subtotalCents < coupon.minSubtotalCents) return 0;
  const raw = coupon.kind === 'percent' ? roundCents((subtotalCents * coupon.percent) / 100) : coupon.amountCents;
  return Math.min(raw, subtotalCents);
}

export function shippingFor(discountedSubtotalCents: number): number {
  if (discountedSubtotalCents === 0) return 0;
  return discountedSubtotalCents >= FREE_SHIPPING_THRESHOLD_CENTS ? 0 : FLAT_SHIPPING_CENTS;
}

export function taxFor(region: Region, taxableCents: number): number {
  const rate = TAX_RATES_BP[region];
  if (rate === undefined) throw new PricingError(`unknown region: ${String(region)}`);
  return roundCents((taxableCents * rate) / 10_000);
}

/** Prices a whole cart. Tax applies to the discounted goods, not to shipping. */
export function priceCart(lines: readonly CartLine[], region: Region, coupon?: Coupon): PriceBreakdown {
  const subtotalCents = subtotal(lines);
  const discountCents = discountFor(coupon, subtotalCents);
  const goods = subtotalCents - discountCents;
  const shippingCents = shippingFor(goods);
  const taxCents = taxFor(region, goods);
  return {
    subtotalCents,
    discountCents,
    shippingCents,
    taxCents,
    totalCents: goods + shippingCents + taxCents,
  };
}
