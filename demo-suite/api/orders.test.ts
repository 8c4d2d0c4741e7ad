// Orders: server-side pricing, ownership, cancellation and stock.
import { CARDS, describe, expect, test } from '../fixtures.js';
import type { ApiClient } from '../app/client.js';
import type { Product } from '../app/shop.js';

const twoMugs = { items: [{ sku: 'MUG-001', quantity: 2 }], region: 'US-CA' };

async function placeOrder(api: ApiClient, body: object = twoMugs) {
  const res = await api.post('/orders', body);
  expect(res.status).toBe(201);
  return res.body;
}

describe('orders api', () => {
  test('an order is priced by the server', { marks: ['smoke'] }, async ({ customer }) => {
    const order = await placeOrder(customer.api);

    expect(order).toMatchObject({
      userId: customer.user.id,
      status: 'pending',
      lines: [{ sku: 'MUG-001', quantity: 2, unitPriceCents: 1450 }],
      // 2 × $14.50 = $29.00, flat shipping $4.99 under $50, CA tax 7.25 % of $29.00 = $2.10
      totals: { subtotalCents: 2900, discountCents: 0, shippingCents: 499, taxCents: 210, totalCents: 3609 },
    });
  });

  test('a price sent by the client is ignored', { marks: ['security'] }, async ({ customer }) => {
    const order = await placeOrder(customer.api, { items: [{ sku: 'LAMP-006', quantity: 1, unitPriceCents: 1 }], region: 'US-OR' });

    expect(order.lines[0].unitPriceCents).toBe(6500);
    expect(order.totals.totalCents).toBe(6500);
  });

  test('a coupon is applied before tax', { marks: ['regression'] }, async ({ customer }) => {
    const order = await placeOrder(customer.api, { ...twoMugs, coupon: 'WELCOME10' });

    expect(order.totals).toMatchObject({ subtotalCents: 2900, discountCents: 290, taxCents: 189 });
  });

  test('an unknown coupon is a 400', { marks: ['regression'] }, async ({ customer }) => {
    const res = await customer.api.post('/orders', { ...twoMugs, coupon: 'FREESTUFF' });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_coupon');
  });

  test('ordering more than the stock is a 422 and reserves nothing', { marks: ['regression'] }, async ({ customer, api }) => {
    const res = await customer.api.post('/orders', { items: [{ sku: 'LAMP-006', quantity: 3 }] });

    expect(res.status).toBe(422);
    expect(res.body.error).toBe('out_of_stock');
    const catalog: Product[] = (await api.get('/catalog')).body;
    expect(catalog.find((p) => p.sku === 'LAMP-006')?.stock).toBe(2);
  });

  test('customers see only their own orders', { marks: ['regression'] }, async ({ customer, otherCustomer }) => {
    const mine = await placeOrder(customer.api);
    await placeOrder(otherCustomer.api);

    const res = await customer.api.get('/orders');

    expect(res.body.map((o: { id: string }) => o.id)).toEqual([mine.id]);
  });

  test("someone else's order is a 404, not a 403", { marks: ['security'] }, async ({ customer, otherCustomer }) => {
    const theirs = await placeOrder(otherCustomer.api);

    const res = await customer.api.get(`/orders/${theirs.id}`);

    // A 403 would confirm that the order id exists.
    expect(res.status).toBe(404);
  });

  test('cancelling a pending order puts the stock back', { marks: ['regression'] }, async ({ customer, db }) => {
    const order = await placeOrder(customer.api, { items: [{ sku: 'CAP-003', quantity: 4 }] });
    const stock = () => db.table<Product>('products').findOne((p) => p.sku === 'CAP-003')?.stock;
    expect(stock()).toBe(6);

    const res = await customer.api.post(`/orders/${order.id}/cancel`);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(stock()).toBe(10);
  });

  test('a shipped order cannot be cancelled', { marks: ['regression'] }, async ({ customer, admin }) => {
    const order = await placeOrder(customer.api);
    const paid = await customer.api.post('/payments', { orderId: order.id, amountCents: order.totals.totalCents, card: { number: CARDS.visa } });
    expect(paid.status).toBe(201);
    expect((await admin.api.post(`/orders/${order.id}/ship`)).status).toBe(200);

    const res = await customer.api.post(`/orders/${order.id}/cancel`);

    expect(res.status).toBe(409);
    expect(res.body.error).toBe('not_cancellable');
  });
});
