// expect.poll: retries a matcher on fresh values from `fn` until it passes or time runs out.
import { chai } from '@vitest/expect';
import { getSafeTimers } from '@vitest/utils/timers';

// Taken at load, before a test can install fake timers, so polling still advances under them.
const { setTimeout, clearTimeout } = getSafeTimers();

export interface PollOptions {
  interval?: number;
  timeout?: number;
  message?: string;
}

/** Matchers that would judge `fn` itself or a stored snapshot rather than the value it returns. */
const NOT_POLLABLE = new Set([
  'matchSnapshot', 'toMatchSnapshot', 'toMatchInlineSnapshot', 'toThrowErrorMatchingSnapshot',
  'toThrowErrorMatchingInlineSnapshot', 'throws', 'Throw', 'throw', 'toThrow', 'toThrowError',
]);

type Start = (value: unknown, message?: string) => Chai.Assertion;

/** Failing attempts of a poll that was never awaited, so the test can fail as Vitest's does. */
export interface PollTracker {
  track(describe: () => string, stack: Error): () => void;
}

export function createPoll(start: Start, inTest: () => PollTracker | undefined) {
  return function poll(fn: () => unknown, options: PollOptions = {}): unknown {
    const { interval = 50, timeout = 1000, message } = options;
    const assertion = (start(null, message) as unknown as { withContext(c: object): Chai.Assertion }).withContext({ poll: true });
    const tracker = inTest();
    if (!tracker) throw new Error('expect.poll() must be called inside a test');
    const read = fn.bind(assertion);
    const proxy: Chai.Assertion = new Proxy(assertion, {
      get(target, key, receiver) {
        const member = Reflect.get(target, key, receiver) as unknown;
        if (typeof member !== 'function') return member instanceof chai.Assertion ? proxy : member;
        if (key === 'assert') return member;
        if (typeof key === 'string' && NOT_POLLABLE.has(key)) {
          throw new SyntaxError(`expect.poll() is not supported in combination with .${key}(). Use vi.waitFor() if your assertion condition is unstable.`);
        }
        return (...args: unknown[]) => {
          // Created here so a failure points at the test line, not at the retry loop.
          const callSite = new Error('STACK_TRACE_ERROR');
          const matcher = member as (...a: unknown[]) => unknown;
          const attempt = async (): Promise<unknown> => {
            chai.util.flag(assertion, '_name', key);
            let timedOut = false;
            const timer = setTimeout(() => (timedOut = true), timeout);
            try {
              for (;;) {
                const last = timedOut;
                try {
                  chai.util.flag(assertion, 'object', await read());
                  return await matcher.call(assertion, ...args);
                } catch (err) {
                  if (last) throw withCallSite(err, callSite);
                  await new Promise((resolve) => setTimeout(resolve, interval));
                }
              }
            } finally {
              clearTimeout(timer);
            }
          };
          const negated = chai.util.flag(assertion, 'negate') ? 'not.' : '';
          const awaited = tracker.track(() => `expect.poll(assertion).${negated}${String(key)}()`, callSite);
          let result: Promise<unknown> | undefined;
          const run = () => {
            awaited();
            return (result ??= attempt());
          };
          // Lazy on purpose: an un-awaited poll never runs, so it cannot reject unobserved.
          return {
            then: (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => run().then(onFulfilled, onRejected),
            catch: (onRejected?: (e: unknown) => unknown) => run().catch(onRejected),
            finally: (onFinally?: () => void) => run().finally(onFinally),
            [Symbol.toStringTag]: 'Promise',
          };
        };
      },
    });
    return proxy;
  };
}

function withCallSite(err: unknown, callSite: Error): unknown {
  if (!(err instanceof Error)) return err;
  err.cause ??= new Error('Matcher did not succeed in time.');
  if (callSite.stack !== undefined) err.stack = callSite.stack.replace(callSite.message, err.message);
  return err;
}
