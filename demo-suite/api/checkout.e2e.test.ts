// End-to-end journeys: many calls in a row, the way a user (or the web front end) makes them.
// Few of these, and each one long: the top of the test pyramid.
import { CARDS, describe, expect, test } from '../fixtures.js';

describe('checkout journey', { marks: ['e2e'] }, () => {
  test('a visitor signs up, buys, pays and receives the order', async ({ api, admin }) => {
    const signup = await api.post('/users', { email: 'margaret@example.com', name: 'Margaret Hamilton', password: 'Apollo-Guidance-11' });
    expect(signup.status).toBe(201);

    const login = await api.post('/auth/login', { email: 'margaret@example.com', password: 'Apollo-Guidance-11' });
    expect(login.status).toBe(200);
    const me = api.as(login.body.token);

    const catalog = await me.get('/catalog');
    const book = catalog.body.find((p: { sku: string }) => p.sku === 'BOOK-004');
    expect(book).toBeDefined();

    const order = await me.post('/orders', { items: [{ sku: book.sku, quantity: 1 }, { sku: 'STKR-005', quantity: 3 }], region: 'FR', coupon: 'SPRING5' });
    expect(order.status).toBe(201);
    // $39.90 + 3 × $3.50 = $50.40, minus $5 = $45.40 → shipping $4.99, VAT 20 % = $9.08
    expect(order.body.totals).toEqual({ subtotalCents: 5040, discountCents: 500, shippingCents: 499, taxCents: 908, totalCents: 5947 });

    const payment = await me.post('/payments', { orderId: order.body.id, amountCents: 5947, card: { number: CARDS.visa } }, { 'idempotency-key': 'journey-1' });
    expect(payment.status).toBe(201);

    const shipped = await admin.api.post(`/orders/${order.body.id}/ship`);
    expect(shipped.status).toBe(200);

    const history = await me.get('/orders');
    expect(history.body).toEqual([expect.objectContaining({ id: order.body.id, status: 'shipped', paymentId: payment.body.id })]);

    const stock = (await me.get('/catalog')).body.find((p: { sku: string }) => p.sku === 'BOOK-004').stock;
    expect(stock).toBe(book.stock - 1);
  });

  test('a declined card can be replaced by another, then the order is cancelled and refunded', async ({ customer }) => {
    const order = await customer.api.post('/orders', { items: [{ sku: 'TEE-002', quantity: 2 }], region: 'US-NY' });
    expect(order.status).toBe(201);
    const total = order.body.totals.totalCents;

    const declined = await customer.api.post('/payments', { orderId: order.body.id, amountCents: total, card: { number: CARDS.declined } });
    expect(declined.status).toBe(402);

    const paid = await customer.api.post('/payments', { orderId: order.body.id, amountCents: total, card: { number: CARDS.visa } });
    expect(paid.status).toBe(201);

    const cancelled = await customer.api.post(`/orders/${order.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('refunded');

    const orders = await customer.api.get('/orders');
    expect(orders.body).toEqual([expect.objectContaining({ status: 'refunded' })]);
  });
});
