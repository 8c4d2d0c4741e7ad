// qa's own deadlines for tests and hooks. The timer functions are taken when qa loads, before any
// test can fake them (vi.useFakeTimers) or spy on them: a test's clock never moves qa's.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Node's timers fire at once past this (about 24.8 days): a longer timeout is no timeout. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export function withTimeout<T>(work: Promise<T>, ms: number, what = 'test'): Promise<T> {
  if (!(ms > 0) || ms > LONGEST_TIMER_MS) return work;
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(new TimeoutError(what === 'test' ? `timed out after ${ms} ms` : `${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => realClearTimeout(timer));
}

/**
 * A timeout a test file set for its own tests while it was imported (`jest.setTimeout(ms)`,
 * `vi.setConfig({ testTimeout })` at its top level): its tests without a timeout of their own
 * take it, and the controller watches them by it.
 */
export const fileTimeout: { ms: number | undefined } = { ms: undefined };

export function setTestTimeout(ms: number | undefined): void {
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0)) throw new TypeError(`the test timeout must be a number of milliseconds; got ${String(ms)}`);
  fileTimeout.ms = ms;
}

/** A clock no fake timers move (they replace `performance.now` on the shared object). */
export const realNow: () => number = performance.now.bind(performance);
