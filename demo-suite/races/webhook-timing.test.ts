// A flaky test and its fix. Webhooks arrive 20–130 ms after dispatch; the flaky test sleeps a
// fixed 100 ms and hopes. It fails whenever the delay exceeds 100 ms: about 30 % of runs.
// Excluded by default (config `mark`); see it with `qa -m flaky`, or `qa -m flaky --count 50 -n 4`
// for its failure rate. `--reruns 2` turns most failures into "flaky" passes, which hides the bug
// rather than fixing it: the real fix is the second test, which waits for the event itself.
import { afterEach, beforeEach, describe, expect, test } from 'qa-lanes';
import { sleep } from '../app/io.js';
import { WebhookDispatcher, type Delivery } from '../app/webhooks.js';

describe('order.paid webhook', () => {
  let hooks: WebhookDispatcher;
  let received: Delivery[];

  beforeEach(() => {
    hooks = new WebhookDispatcher({ minDelayMs: 20, maxDelayMs: 130 });
    received = [];
    hooks.subscribe((delivery) => received.push(delivery));
  });

  afterEach(() => {
    hooks.close(); // nothing may be delivered into the next test
  });

  test('is delivered within 100 ms (sleeps and hopes)', { marks: ['flaky'] }, async () => {
    void hooks.dispatch({ type: 'order.paid', payload: { orderId: 'ord_1' } });

    await sleep(100); // the bug: a fixed sleep racing a variable delay

    expect(received).toHaveLength(1);
  });

  test('is delivered (waits for the delivery itself)', { marks: ['regression'] }, async () => {
    const delivered = hooks.dispatch({ type: 'order.paid', payload: { orderId: 'ord_1' } });

    await expect(delivered).resolves.toMatchObject({ type: 'order.paid', payload: { orderId: 'ord_1' } });
    expect(received).toHaveLength(1);
  });
});
