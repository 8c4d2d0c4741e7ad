// Outgoing webhooks: events are delivered to subscribers asynchronously, after a variable delay
// (queueing + the receiver's network), exactly the kind of thing tests get wrong with sleeps.
import { jitter } from './io.js';

export interface WebhookEvent {
  type: string;
  payload: Record<string, unknown>;
}

export interface Delivery extends WebhookEvent {
  delayMs: number;
}

export class WebhookDispatcher {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  #subscribers = new Set<(delivery: Delivery) => void>();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: { minDelayMs?: number; maxDelayMs?: number } = {}) {
    this.minDelayMs = options.minDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 140;
  }

  subscribe(listener: (delivery: Delivery) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** Queues an event; the returned promise settles when it has been delivered. */
  dispatch(event: WebhookEvent): Promise<Delivery> {
    const delayMs = jitter(this.minDelayMs, this.maxDelayMs);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const delivery = { ...event, delayMs };
        for (const listener of this.#subscribers) listener(delivery);
        resolve(delivery);
      }, delayMs);
      this.#timers.add(timer);
    });
  }

  /** Drops undelivered events so that nothing fires after the test that queued them. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#subscribers.clear();
  }
}
