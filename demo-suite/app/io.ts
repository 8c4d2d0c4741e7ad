// Simulated I/O. Every "network" or "disk" call in the demo app awaits one of these, so the
// suite spends its time waiting rather than computing — exactly the kind of suite that
// parallel workers speed up almost linearly.
import { setTimeout as delay } from 'node:timers/promises';

export function sleep(ms: number): Promise<void> {
  return delay(ms);
}

/** A random whole number of milliseconds in [minMs, maxMs]. */
export function jitter(minMs: number, maxMs: number): number {
  return minMs + Math.floor(Math.random() * (maxMs - minMs + 1));
}

/** Waits a realistic, slightly random I/O latency. Resolves with the time waited. */
export async function simulateIo(minMs: number, maxMs: number): Promise<number> {
  const ms = jitter(minMs, maxMs);
  await delay(ms);
  return ms;
}
