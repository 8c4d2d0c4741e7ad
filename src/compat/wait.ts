// Captured at load, before any test can install fake timers, so polling keeps
// running on real time while a test's clock is frozen.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/** Lets polling move a fake clock forward too, as Vitest does, so code waiting on faked timers can make progress. */
export type AdvanceFake = (ms: number) => void;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function resolveOptions(options: number | WaitOptions): Required<WaitOptions> {
  const { timeout = 1000, interval = 50 } = typeof options === 'number' ? { timeout: options } : options;
  return { timeout, interval };
}

/**
 * Calls `callback` every `interval` until `onOutcome` says the wait is over;
 * waitFor and waitUntil differ only in what counts as done.
 */
function poll<T>(
  callback: () => unknown,
  options: number | WaitOptions,
  advance: AdvanceFake,
  onOutcome: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => 'done' | 'fail' | 'retry',
  timeoutMessage: string,
): Promise<T> {
  const { timeout, interval } = resolveOptions(options);
  // Created here so a timeout's stack points at the caller, not at a timer callback.
  const timeoutError = new Error(timeoutMessage);
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    let pending = false;
    let finished = false;
    let intervalId: ReturnType<typeof setInterval> | undefined;
    let timeoutId: ReturnType<typeof setTimeout> | undefined;
    const finish = (settle: () => void) => {
      if (finished) return;
      finished = true;
      if (intervalId !== undefined) realClearInterval(intervalId);
      if (timeoutId !== undefined) realClearTimeout(timeoutId);
      settle();
    };
    const handle = (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
      const verdict = onOutcome(outcome);
      if (verdict === 'done') finish(() => resolve((outcome as { value: T }).value));
      else if (verdict === 'fail') finish(() => reject((outcome as { error?: unknown }).error ?? timeoutError));
      else if (!outcome.ok) lastError = outcome.error;
    };
    const check = (advanceFirst: boolean) => {
      if (advanceFirst) advance(interval);
      if (pending || finished) return;
      let result: unknown;
      try {
        result = callback();
      } catch (error) {
        handle({ ok: false, error });
        return;
      }
      if (isThenable(result)) {
        pending = true;
        result.then(
          (value) => {
            pending = false;
            handle({ ok: true, value });
          },
          (error: unknown) => {
            pending = false;
            handle({ ok: false, error });
          },
        );
      } else handle({ ok: true, value: result });
    };
    check(false);
    if (finished) return;
    timeoutId = realSetTimeout(() => finish(() => reject(lastError ?? timeoutError)), timeout);
    intervalId = realSetInterval(() => check(true), interval);
  });
}

/** Retries until the callback stops throwing (or its promise stops rejecting); rejects with the last error on timeout. */
export function waitFor<T>(callback: () => T | Promise<T>, options: number | WaitOptions, advance: AdvanceFake): Promise<T> {
  return poll<T>(callback, options, advance, (o) => (o.ok ? 'done' : 'retry'), 'Timed out in waitFor!');
}

/** Retries until the callback returns something truthy; a throw ends the wait at once, as in Vitest. */
export function waitUntil<T>(callback: () => T | Promise<T>, options: number | WaitOptions, advance: AdvanceFake): Promise<T> {
  return poll<T>(callback, options, advance, (o) => (!o.ok ? 'fail' : o.value ? 'done' : 'retry'), 'Timed out in waitUntil!');
}
