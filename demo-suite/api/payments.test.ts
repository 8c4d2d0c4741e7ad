// Payments go through the slowest dependency (the card gateway), so these tests spend most of
// their time waiting: the part of the suite that gains most from running on several workers.
import { CARDS, describe, expect, test } from '../fixtures.js';
import type { ApiClient } from '../app/client.js';

async function pendingOrder(api: ApiClient): Promise<{ id: string; totals: { totalCents: number } }> {
  const res = await api.post('/orders', { items: [{ sku: 'TEE-002', quantity: 1 }], region: 'DE' });
  expect(res.status).toBe(201);
  return res.body;
}

function charge(api: ApiClient, order: { id: string; totals: { totalCents: number } }, card: string = CARDS.visa, headers?: Record<string, string>) {
  return api.post('/payments', { orderId: order.id, amountCents: order.totals.totalCents, card: { number: card } }, headers);
}

describe('payments api', () => {
  test('charging a valid card marks the order paid', { marks: ['smoke'] }, async ({ customer }) => {
    const order = await pendingOrder(customer.api);

    const res = await charge(customer.api, order);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orderId: order.id, amountCents: order.totals.totalCents, cardLast4: '4242', status: 'succeeded' });
    expect((await customer.api.get(`/orders/${order.id}`)).body.status).toBe('paid');
  });

  // The gateway's documented test cards, one test each (test.each rows do not receive fixtures,
  // so a loop is the way to parametrise tests that need them).
  const declines = [
    ['declined', CARDS.declined, 'card_declined'],
    ['with insufficient funds', CARDS.insufficientFunds, 'insufficient_funds'],
  ] as const;
  for (const [what, card, code] of declines) {
    test(`a card ${what} is a 402 and leaves the order pending`, { marks: ['regression'] }, async ({ customer }) => {
      const order = await pendingOrder(customer.api);

      const res = await charge(customer.api, order, card);

      expect(res.status).toBe(402);
      expect(res.body.error).toBe(code);
      expect((await customer.api.get(`/orders/${order.id}`)).body.status).toBe('pending');
    });
  }

  test('retrying with the same Idempotency-Key charges once', { marks: ['regression'] }, async ({ customer, db }) => {
    const order = await pendingOrder(customer.api);
    const key = { 'idempotency-key': `checkout-${order.id}` };

    const first = await charge(customer.api, order, CARDS.visa, key);
    const retry = await charge(customer.api, order, CARDS.visa, key); // e.g. the client timed out and retried

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(db.table('payments').count()).toBe(1);
  });

  test('paying an already paid order is a 409', { marks: ['regression'] }, async ({ customer }) => {
    const order = await pendingOrder(customer.api);
    expect((await charge(customer.api, order)).status).toBe(201);

    const res = await charge(customer.api, order);

    expect(res.status).toBe(409);
  });

  test('an amount that does not match the order total is refused', { marks: ['security'] }, async ({ customer }) => {
    const order = await pendingOrder(customer.api);

    const res = await customer.api.post('/payments', { orderId: order.id, amountCents: 1, card: { number: CARDS.visa } });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('amount_mismatch');
  });

  test('admins can refund a payment', { marks: ['regression'] }, async ({ customer, admin }) => {
    const order = await pendingOrder(customer.api);
    const payment = (await charge(customer.api, order)).body;

    const res = await admin.api.post(`/payments/${payment.id}/refund`);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('refunded');
    expect((await customer.api.get(`/orders/${order.id}`)).body.status).toBe('refunded');
  });

  test('customers cannot refund themselves', { marks: ['security'] }, async ({ customer }) => {
    const order = await pendingOrder(customer.api);
    const payment = (await charge(customer.api, order)).body;

    expect((await customer.api.post(`/payments/${payment.id}/refund`)).status).toBe(403);
  });

  test('a charge completes within its 500 ms latency budget', { marks: ['performance'] }, async ({ customer }) => {
    const order = await pendingOrder(customer.api);

    const res = await charge(customer.api, order);

    expect(res.status).toBe(201);
    expect(res.elapsedMs).toBeLessThan(500);
  });
});
