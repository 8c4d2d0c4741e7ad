// What a test file calls while it is imported: test/it, describe, hooks, and their modifiers
// (.skip .only .todo .each .for .fails .skipIf .runIf .concurrent …, chainable as in Vitest),
// .extend for fixtures. One builder serves qa's own API and the Vitest and Jest flavours; a flavour
// only decides what a test function's first parameter is (a context, or Jest's `done`).
import { inspect } from 'node:util';
import type { TestMode } from '../core/types.js';
import type { TestInfo } from './builtins.js';
import { eachName, rowArgs, templateTable } from './each.js';
import { destructuredNames, extendFixtures, type FixtureInput } from './fixtures.js';
import {
  collectState,
  currentSuite,
  newSuite,
  type FixtureScope,
  type FixtureSet,
  type HookFn,
  type Hooks,
  type SuiteOptions,
  type TestOptions,
} from './model.js';
import { withTimeout } from './timeout.js';

export interface BuiltinFixtures {
  workerId: string;
  tmpPath: string;
  freePort: () => Promise<number>;
  testInfo: TestInfo;
}

/** qa and Vitest hand a test its context; Jest hands a one-parameter function `done`. */
export type Flavor = 'qa' | 'vitest' | 'jest';

type Awaitable<T> = T | Promise<T>;
export type TestFn<C> = (ctx: C) => Awaitable<unknown>;

type FixtureValue<T, C> =
  | ((deps: C, use: (value: T) => Promise<void>) => Awaitable<unknown>)
  | [((deps: C, use: (value: T) => Promise<void>) => Awaitable<unknown>) | T, { scope?: FixtureScope; auto?: boolean }]
  | T;
export type FixtureDefinitions<T, C> = { [K in keyof T]: FixtureValue<T[K], C & T> };

interface TestRegister<C> {
  (name: string, fn?: TestFn<C>, timeout?: number | TestOptions): void;
  (name: string, options: TestOptions | number, fn?: TestFn<C>): void;
}

type EachRegister<C> = <Row>(
  table: readonly Row[] | TemplateStringsArray,
  ...values: unknown[]
) => {
  (name: string, fn: (...args: [...(Row extends readonly unknown[] ? Row : [Row]), C]) => Awaitable<unknown>, timeout?: number): void;
  (name: string, options: TestOptions, fn: (...args: [...(Row extends readonly unknown[] ? Row : [Row]), C]) => Awaitable<unknown>): void;
};

type ForRegister<C> = <Row>(table: readonly Row[]) => (name: string, fn: (row: Row, ctx: C) => Awaitable<unknown>, timeout?: number) => void;

export interface TestApi<C> extends TestRegister<C> {
  skip: TestApi<C>;
  only: TestApi<C>;
  todo: TestApi<C>;
  fails: TestApi<C>;
  /** Jest's name for `fails`. */
  failing: TestApi<C>;
  concurrent: TestApi<C>;
  sequential: TestApi<C>;
  skipIf(condition: unknown): TestApi<C>;
  runIf(condition: unknown): TestApi<C>;
  each: EachRegister<C>;
  for: ForRegister<C>;
  extend<T extends Record<string, unknown>>(fixtures: FixtureDefinitions<T, C>): TestApi<C & T>;
}

const QA_KEYS = ['marks', 'group', 'timeout', 'reruns'];
/** Vitest's test options, for files written for Vitest or Jest. */
const COMPAT_KEYS = [...QA_KEYS, 'retry', 'skip', 'only', 'todo', 'fails', 'concurrent', 'sequential', 'repeats'];
const optionKeys = (flavor: Flavor) => (flavor === 'qa' ? QA_KEYS : COMPAT_KEYS);
const suiteKeys = (flavor: Flavor) => [...optionKeys(flavor).filter((k) => k !== 'reruns' && k !== 'retry' && k !== 'fails' && k !== 'repeats'), ...(flavor === 'qa' ? [] : ['shuffle'])];

/** The modifiers a chain has picked up so far: `test.skip.each`, `it.concurrent.only` … */
interface Flags {
  mode: TestMode;
  only: boolean;
  fails: boolean;
}

/** `(name, fn, timeout)`, `(name, options, fn)`, `(name, fn, options)` and `(name, timeout, fn)`: every order Vitest and Jest accept. */
function splitArgs<F>(a: unknown, b: unknown, c?: unknown): [TestOptions, F | undefined] {
  const asOptions = (x: unknown): TestOptions => (typeof x === 'number' ? { timeout: x } : x === undefined ? {} : (x as TestOptions));
  if (typeof a === 'function' || a === undefined) {
    if (b !== undefined && typeof b !== 'number' && (typeof b !== 'object' || b === null)) throw new TypeError('expected a timeout in milliseconds or an options object after the test body');
    return [asOptions(b), a as F | undefined];
  }
  if (typeof a === 'number' || (typeof a === 'object' && a !== null)) {
    if (c !== undefined) throw new TypeError('a test takes its options either before or after the body, not both');
    return [asOptions(a), b as F | undefined];
  }
  throw new TypeError('expected an options object or a function as the second argument');
}

/**
 * Options travel to the controller as JSON: a misspelt key would be ignored without a word, and a
 * BigInt or Infinity would not survive the trip. Returns a plain copy (a marks array cannot bring
 * a toJSON along); Infinity, like 0, means no timeout.
 */
function checkOptions(what: string, options: TestOptions, allowed: string[]): TestOptions {
  const bad = (msg: string) => new TypeError(`${what}: ${msg}`);
  for (const key of Object.keys(options)) if (!allowed.includes(key)) throw bad(`unknown option "${key}" (options are ${allowed.join(', ')})`);
  const { marks, group, timeout } = options;
  const reruns = options.reruns ?? options.retry;
  if (marks !== undefined && !(Array.isArray(marks) && marks.every((m) => typeof m === 'string'))) throw bad(`marks must be an array of strings; got ${inspect(marks)}`);
  if (group !== undefined && typeof group !== 'string') throw bad(`group must be a string; got ${inspect(group)}`);
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) throw bad(`timeout must be a number of milliseconds, 0 for none; got ${inspect(timeout)}`);
  if (reruns !== undefined && !(Number.isInteger(reruns) && reruns >= 0)) throw bad(`reruns must be a whole number ≥ 0; got ${inspect(reruns)}`);
  return {
    ...(marks !== undefined ? { marks: [...marks] } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(timeout !== undefined ? { timeout: timeout === Infinity ? 0 : timeout } : {}),
    ...(reruns !== undefined ? { reruns } : {}),
  };
}

/** Modifiers given as options (`{ skip: true }`, Vitest) join the chain's. */
function withOptionFlags(flags: Flags, o: TestOptions): Flags {
  return {
    mode: o.todo ? 'todo' : o.skip ? 'skip' : flags.mode,
    only: flags.only || Boolean(o.only),
    fails: flags.fails || Boolean(o.fails),
  };
}

function checkName(kind: string, name: unknown): string {
  if (typeof name === 'function' && name.name) return name.name; // Jest and Vitest name a block after a class or function
  if (typeof name === 'number') return String(name);
  if (typeof name !== 'string') throw new TypeError(`${kind}() needs a name string as its first argument, got ${typeof name}`);
  return name;
}

/** Jest's `done`: a test or hook whose function takes a parameter ends when it calls it. */
function fromCallback(fn: (done: (err?: unknown) => void) => unknown): (ctx: unknown) => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const done = Object.assign((err?: unknown) => (err === undefined || err === null ? resolve() : reject(err instanceof Error ? err : new Error(`done() was called with ${inspect(err)}`))), {
        fail: (err?: unknown) => reject(err instanceof Error ? err : new Error(String(err ?? 'done.fail()'))),
      });
      try {
        const returned = fn(done) as { then?: unknown } | undefined;
        if (returned && typeof returned.then === 'function') reject(new Error('a test or hook takes a done callback or returns a promise, not both'));
      } catch (err) {
        reject(err);
      }
    });
}

function addTest(fixtures: FixtureSet, flavor: Flavor, flags: Flags, name: string, options: TestOptions, fn: ((ctx: any) => unknown) | undefined): void {
  const parent = currentSuite('test');
  if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`test "${name}": the test body must be a function`);
  const f = withOptionFlags(flags, options);
  const callback = flavor === 'jest' && fn !== undefined && fn.length > 0;
  parent.children.push({
    kind: 'test',
    name,
    parent,
    options: checkOptions(`test "${name}"`, options, optionKeys(flavor)),
    fn: callback ? fromCallback(fn!) : fn,
    fixtures,
    uses: fn && !callback ? destructuredNames(fn) : [],
    mode: fn === undefined && f.mode === 'run' ? 'todo' : f.mode,
    only: f.only,
    ...(f.fails ? { fails: true } : {}),
    id: '',
  });
}

const isTemplate = (table: unknown) => Array.isArray(table) && 'raw' in table;

/** Rows of a `.each` table: an array, or Jest's and Vitest's tagged template of named columns. */
function tableOf(table: unknown, values: unknown[]): readonly unknown[] {
  if (isTemplate(table)) return templateTable(table as unknown as TemplateStringsArray, values);
  if (!Array.isArray(table)) throw new TypeError('.each() needs an array of rows or a tagged template table');
  return table;
}

/** How a row of a `.each`/`.for` table names its test: Vitest words some values differently. */
export type RowNamer = (template: string, row: unknown, index: number, fromTemplate: boolean) => string;

export function makeTestApi<C>(fixtures: FixtureSet, flavor: Flavor = 'qa', rowName: RowNamer = eachName): TestApi<C> {
  const chain = (flags: Flags): TestApi<C> => {
    const api = ((name: string, a?: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<TestFn<C>>(a, b);
      if (flags.mode === 'todo') addTest(fixtures, flavor, flags, checkName('test.todo', name), opts, undefined);
      else addTest(fixtures, flavor, flags, checkName('test', name), opts, fn);
    }) as TestApi<C>;
    const more = (change: Partial<Flags>) => () => chain({ ...flags, ...change });
    lazy(api, 'skip', more({ mode: 'skip' }));
    lazy(api, 'only', more({ only: true }));
    lazy(api, 'todo', more({ mode: 'todo' }));
    lazy(api, 'fails', more({ fails: true }));
    lazy(api, 'failing', more({ fails: true }));
    // Tests of one file already run side by side on several workers; inside one they run in order.
    lazy(api, 'concurrent', () => api);
    lazy(api, 'sequential', () => api);
    api.skipIf = (condition) => (condition ? chain({ ...flags, mode: 'skip' }) : api);
    api.runIf = (condition) => (condition ? api : chain({ ...flags, mode: 'skip' }));
    api.each = ((table: unknown, ...values: unknown[]) =>
      (name: string, a: unknown, b?: unknown) => {
        const [opts, fn] = splitArgs<(...args: unknown[]) => unknown>(a, b);
        tableOf(table, values).forEach((row, i) => {
          const args = rowArgs(row);
          const callback = flavor === 'jest' && fn !== undefined && fn.length > args.length;
          const body = fn && (callback ? (done: unknown) => fn(...args, done) : (ctx: unknown) => fn(...args, ctx));
          if (body) Object.defineProperty(body, 'length', { value: callback ? 1 : 0 });
          addTest(fixtures, flavor, flags, rowName(checkName('test.each', name), row, i, isTemplate(table)), opts, body);
          const added = currentSuite('test.each').children.at(-1);
          // The row's test body receives the context last; fixtures are read from the row callback.
          if (added?.kind === 'test' && fn && !callback) added.uses = lastParamUsesAll(fn, args.length);
        });
      }) as EachRegister<C>;
    api.for = ((table: readonly unknown[]) =>
      (name: string, a: unknown, b?: unknown) => {
        const [opts, fn] = splitArgs<(row: unknown, ctx: unknown) => unknown>(a, b);
        tableOf(table, []).forEach((row, i) => {
          addTest(fixtures, flavor, { ...flags }, rowName(checkName('test.for', name), row, i, false), opts, fn && ((ctx: unknown) => fn(row, ctx)));
          const added = currentSuite('test.for').children.at(-1);
          if (added?.kind === 'test' && fn) added.uses = fn.length > 1 ? null : [];
        });
      }) as ForRegister<C>;
    api.extend = <T extends Record<string, unknown>>(defs: FixtureDefinitions<T, C>) =>
      makeTestApi<C & T>(extendFixtures(fixtures, defs as Record<string, FixtureInput>), flavor, rowName);
    return api;
  };
  return chain({ mode: 'run', only: false, fails: false });
}

/** Modifiers are built when first read: most files use none, and each one is a new chain. */
function lazy(target: object, key: string, make: () => unknown): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = make();
      Object.defineProperty(target, key, { value, configurable: true, enumerable: true });
      return value;
    },
  });
}

/**
 * An `.each` body gets the row values first and the context after them; we cannot read its
 * destructuring cheaply, so when it declares a parameter past the row it gets every fixture.
 */
function lastParamUsesAll(fn: Function, rowLength: number): string[] | null {
  return fn.length > rowLength ? null : [];
}

interface DescribeRegister {
  (name: string, fn: () => unknown): void;
  (name: string, options: SuiteOptions | number, fn: () => unknown): void;
}
export interface DescribeApi extends DescribeRegister {
  skip: DescribeApi;
  only: DescribeApi;
  todo: DescribeApi;
  concurrent: DescribeApi;
  sequential: DescribeApi;
  shuffle: DescribeApi;
  skipIf(condition: unknown): DescribeApi;
  runIf(condition: unknown): DescribeApi;
  each: <Row>(table: readonly Row[] | TemplateStringsArray, ...values: unknown[]) => {
    (name: string, fn: (...args: Row extends readonly unknown[] ? Row : [Row]) => unknown): void;
    (name: string, options: SuiteOptions, fn: (...args: Row extends readonly unknown[] ? Row : [Row]) => unknown): void;
  };
  for: <Row>(table: readonly Row[]) => (name: string, fn: (row: Row) => unknown) => void;
}

function addSuite(flavor: Flavor, mode: TestMode, only: boolean, name: string, options: SuiteOptions & TestOptions, fn: (() => unknown) | undefined): void {
  const parent = currentSuite('describe');
  if (typeof fn !== 'function' && mode !== 'todo') throw new TypeError(`describe "${name}": the body must be a function`);
  const f = withOptionFlags({ mode, only, fails: false }, options);
  const suite = newSuite(name, parent, checkOptions(`describe "${name}"`, options, suiteKeys(flavor)), f.mode, f.only);
  suite.body = fn;
  parent.children.push(suite);
}

/** Runs the describe bodies under `suite`, outermost first, each after the code around it has run. */
export async function collectBodies(suite = currentSuite('describe')): Promise<void> {
  const outer = collectState.current;
  try {
    for (const child of suite.children) {
      if (child.kind !== 'suite') continue;
      const body = child.body;
      child.body = undefined;
      if (body) {
        collectState.current = child;
        try {
          const ret = body() as { then?: unknown } | undefined;
          if (ret && typeof ret.then === 'function') await ret;
        } finally {
          collectState.current = outer;
        }
      }
      await collectBodies(child);
    }
  } finally {
    collectState.current = outer;
  }
}

export function makeDescribe(flavor: Flavor = 'qa', rowName: RowNamer = eachName): DescribeApi {
  const chain = (mode: TestMode, only: boolean): DescribeApi => {
    const api = ((name: string, a: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<() => void>(a, b);
      addSuite(flavor, mode, only, checkName('describe', name), opts, fn);
    }) as DescribeApi;
    lazy(api, 'skip', () => chain('skip', only));
    lazy(api, 'only', () => chain(mode, true));
    lazy(api, 'todo', () => chain('todo', only));
    lazy(api, 'concurrent', () => api);
    lazy(api, 'sequential', () => api);
    lazy(api, 'shuffle', () => api);
    api.skipIf = (condition) => (condition ? chain('skip', only) : api);
    api.runIf = (condition) => (condition ? api : chain('skip', only));
    api.each = ((table: unknown, ...values: unknown[]) =>
      (name: string, a: unknown, b?: unknown) => {
        const [opts, fn] = splitArgs<(...args: unknown[]) => void>(a, b);
        tableOf(table, values).forEach((row, i) => addSuite(flavor, mode, only, rowName(name, row, i, isTemplate(table)), opts, fn && (() => fn(...rowArgs(row)))));
      }) as DescribeApi['each'];
    api.for = ((table: readonly unknown[]) =>
      (name: string, fn: (row: unknown) => void) => {
        tableOf(table, []).forEach((row, i) => addSuite(flavor, mode, only, rowName(name, row, i, false), {}, () => fn(row)));
      }) as DescribeApi['for'];
    return api;
  };
  return chain('run', false);
}

export const describe = makeDescribe();

/**
 * A hook as a flavour registers it: an optional timeout, and in Jest's flavour a `done`
 * parameter. A before-hook may return a cleanup function (Vitest), which the harness keeps.
 */
export function makeHook(kind: keyof Hooks, flavor: Flavor = 'qa') {
  return (fn: HookFn, timeout?: number): void => {
    if (typeof fn !== 'function') throw new TypeError(`${kind}() needs a function`);
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) throw new TypeError(`${kind}(): the timeout must be a number of milliseconds; got ${inspect(timeout)}`);
    let hook: HookFn = flavor === 'jest' && fn.length > 0 ? fromCallback(fn) : fn;
    if (timeout) {
      const inner = hook;
      hook = (ctx) => withTimeout(Promise.resolve().then(() => inner(ctx)), timeout, `${kind} hook`);
    }
    currentSuite(kind).hooks[kind].push(hook);
  };
}

export const beforeAll = makeHook('beforeAll');
export const afterAll = makeHook('afterAll');
export const beforeEach = makeHook('beforeEach');
export const afterEach = makeHook('afterEach');
