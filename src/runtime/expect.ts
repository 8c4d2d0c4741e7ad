// Jest's expect, loaded on first real need. Loading it costs ~25-40 ms, which a worker should not
// pay while it only imports files to collect them, nor the controller when a config imports
// defineConfig from 'qa-lanes'. The build puts expect in its own CommonJS file so that it can be
// required synchronously.
//
// Jest builds every matcher six times over (plain, .not, .resolves, .rejects...) and captures a
// stack trace on each expect() call: most of a tiny test's time. So expect(actual) returns a thin
// view, and the few matchers that dominate real suites (toBe, toEqual...) decide a *pass* on their
// own when the answer is certain. Anything else (a failure, .not, another matcher, custom ones)
// goes to Jest's own expectation, which words the message and counts the assertion as usual.
import { createRequire } from 'node:module';
import type { expect as JestExpect } from 'expect';
import { countPassedAssertion, matchersHolder } from './expect-state.js';

type Expect = typeof JestExpect;
type Matchers = ReturnType<Expect>;

/** Passing checks of the built-in matchers, for the argument counts Jest accepts without complaint. */
const FAST: Record<string, (actual: unknown, args: unknown[]) => boolean> = {
  // Object.is is where Jest's equality starts; when it holds, toEqual and toStrictEqual pass.
  toBe: (a, args) => args.length === 1 && Object.is(a, args[0]),
  toEqual: (a, args) => args.length === 1 && Object.is(a, args[0]),
  toStrictEqual: (a, args) => args.length === 1 && Object.is(a, args[0]),
  toBeTruthy: (a, args) => args.length === 0 && Boolean(a),
  toBeFalsy: (a, args) => args.length === 0 && !a,
  toBeDefined: (a, args) => args.length === 0 && a !== undefined,
  toBeUndefined: (a, args) => args.length === 0 && a === undefined,
  toBeNull: (a, args) => args.length === 0 && a === null,
};

let real: Expect | undefined;
/** Jest's own built-in matchers, to tell whether expect.extend() replaced one since. */
let builtins: Record<string, unknown> | undefined;

function load(): Expect {
  if (real) return real;
  real = (createRequire(import.meta.url)('./expect.cjs') as { expect: Expect }).expect;
  const holder = matchersHolder();
  builtins = holder ? { ...holder.matchers } : {};
  return real;
}

/**
 * The fast path only stands in for matchers it knows: none replaced through expect.extend and no
 * custom equality testers (either could make Jest's answer differ), in this or another copy of
 * expect sharing the global registry.
 */
function fastAllowed(name: string): boolean {
  const holder = matchersHolder();
  if (!holder) return true;
  return builtins !== undefined && holder.matchers[name] === builtins[name] && holder.customEqualityTesters.length === 0;
}

interface View {
  actual: unknown;
  full?: Matchers;
}

const viewHandler: ProxyHandler<View> = {
  get(view, prop) {
    const check = typeof prop === 'string' ? FAST[prop] : undefined;
    if (check && fastAllowed(prop as string)) {
      return (...args: unknown[]) => {
        if (check(view.actual, args)) {
          countPassedAssertion();
          return undefined;
        }
        return (((view.full ??= load()(view.actual)) as unknown as Record<string, (...a: unknown[]) => unknown>)[prop as string])(...args);
      };
    }
    return Reflect.get((view.full ??= load()(view.actual)) as object, prop);
  },
  has: (view, prop) => Reflect.has((view.full ??= load()(view.actual)) as object, prop),
  ownKeys: (view) => Reflect.ownKeys((view.full ??= load()(view.actual)) as object),
  getOwnPropertyDescriptor(view, prop) {
    const d = Reflect.getOwnPropertyDescriptor((view.full ??= load()(view.actual)) as object, prop);
    return d && { ...d, configurable: true };
  },
};

function expectFn(actual: unknown, ...rest: unknown[]): Matchers {
  // Jest's own error for extra arguments.
  if (rest.length > 0) return (load() as unknown as (...a: unknown[]) => Matchers)(actual, ...rest);
  return new Proxy({ actual } as View, viewHandler) as unknown as Matchers;
}

export const expect: Expect = new Proxy(expectFn as unknown as Expect, {
  get: (_target, prop) => Reflect.get(load(), prop),
  set: (_target, prop, value) => Reflect.set(load(), prop, value),
  has: (_target, prop) => Reflect.has(load(), prop),
});
