// What a test file calls while it is imported: test/it, describe, hooks, .each, .extend.
import { inspect } from 'node:util';
import type { TestMode } from '../core/types.js';
import type { TestInfo } from './builtins.js';
import { eachName, rowArgs } from './each.js';
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

export interface BuiltinFixtures {
  workerId: string;
  tmpPath: string;
  freePort: () => Promise<number>;
  testInfo: TestInfo;
}

type Awaitable<T> = T | Promise<T>;
export type TestFn<C> = (ctx: C) => Awaitable<unknown>;

type FixtureValue<T, C> =
  | ((deps: C, use: (value: T) => Promise<void>) => Awaitable<unknown>)
  | [((deps: C, use: (value: T) => Promise<void>) => Awaitable<unknown>) | T, { scope?: FixtureScope; auto?: boolean }]
  | T;
export type FixtureDefinitions<T, C> = { [K in keyof T]: FixtureValue<T[K], C & T> };

interface TestRegister<C> {
  (name: string, fn?: TestFn<C>): void;
  (name: string, options: TestOptions, fn?: TestFn<C>): void;
}

type EachRegister<C> = <Row>(
  table: readonly Row[],
) => {
  (name: string, fn: (...args: [...(Row extends readonly unknown[] ? Row : [Row]), C]) => Awaitable<unknown>): void;
  (name: string, options: TestOptions, fn: (...args: [...(Row extends readonly unknown[] ? Row : [Row]), C]) => Awaitable<unknown>): void;
};

export interface TestApi<C> extends TestRegister<C> {
  skip: TestRegister<C>;
  only: TestRegister<C>;
  todo: (name: string, options?: TestOptions) => void;
  each: EachRegister<C>;
  extend<T extends Record<string, unknown>>(fixtures: FixtureDefinitions<T, C>): TestApi<C & T>;
}

function splitArgs<F>(a: unknown, b: unknown): [TestOptions, F | undefined] {
  if (typeof a === 'function' || a === undefined) return [{}, a as F | undefined];
  if (typeof a === 'object' && a !== null) return [a as TestOptions, b as F | undefined];
  throw new TypeError('expected an options object or a function as the second argument');
}

const OPTION_KEYS = ['marks', 'group', 'timeout', 'reruns'];

/**
 * Options travel to the controller as JSON: a misspelt key would be ignored without a word, and a
 * BigInt or Infinity would not survive the trip. Returns a plain copy (a marks array cannot bring
 * a toJSON along); Infinity, like 0, means no timeout.
 */
function checkOptions(what: string, options: TestOptions, allowed: string[]): TestOptions {
  const bad = (msg: string) => new TypeError(`${what}: ${msg}`);
  for (const key of Object.keys(options)) if (!allowed.includes(key)) throw bad(`unknown option "${key}" (options are ${allowed.join(', ')})`);
  const { marks, group, timeout, reruns } = options;
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

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${kind}() needs a name string as its first argument, got ${typeof name}`);
  return name;
}

function addTest(fixtures: FixtureSet, mode: TestMode, only: boolean, name: string, options: TestOptions, fn: ((ctx: any) => unknown) | undefined): void {
  const parent = currentSuite('test');
  if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`test "${name}": the test body must be a function`);
  parent.children.push({
    kind: 'test',
    name,
    parent,
    options: checkOptions(`test "${name}"`, options, OPTION_KEYS),
    fn,
    fixtures,
    uses: fn ? destructuredNames(fn) : [],
    mode: fn === undefined && mode === 'run' ? 'todo' : mode,
    only,
    id: '',
  });
}

export function makeTestApi<C>(fixtures: FixtureSet): TestApi<C> {
  const register = (mode: TestMode, only: boolean) =>
    ((name: string, a?: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<TestFn<C>>(a, b);
      addTest(fixtures, mode, only, checkName('test', name), opts, fn);
    }) as TestRegister<C>;

  const api = register('run', false) as TestApi<C>;
  api.skip = register('skip', false);
  api.only = register('run', true);
  api.todo = (name, options = {}) => addTest(fixtures, 'todo', false, checkName('test.todo', name), options, undefined);
  api.each = ((table: readonly unknown[]) =>
    (name: string, a: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<(...args: unknown[]) => unknown>(a, b);
      if (!Array.isArray(table)) throw new TypeError('test.each() needs an array of rows');
      table.forEach((row, i) => {
        const args = rowArgs(row);
        const body = fn && ((ctx: unknown) => fn(...args, ctx));
        // The row's test body receives the context last; fixtures are read from the row callback.
        addTest(fixtures, 'run', false, eachName(checkName('test.each', name), row, i), opts, body);
        const added = currentSuite('test.each').children.at(-1);
        if (added?.kind === 'test' && fn) added.uses = lastParamUsesAll(fn, args.length);
      });
    }) as EachRegister<C>;
  api.extend = <T extends Record<string, unknown>>(defs: FixtureDefinitions<T, C>) =>
    makeTestApi<C & T>(extendFixtures(fixtures, defs as Record<string, FixtureInput>));
  return api;
}

/**
 * An `.each` body gets the row values first and the context after them; we cannot read its
 * destructuring cheaply, so when it declares a parameter past the row it gets every fixture.
 */
function lastParamUsesAll(fn: Function, rowLength: number): string[] | null {
  return fn.length > rowLength ? null : [];
}

interface DescribeRegister {
  (name: string, fn: () => void): void;
  (name: string, options: SuiteOptions, fn: () => void): void;
}
export interface DescribeApi extends DescribeRegister {
  skip: DescribeRegister;
  only: DescribeRegister;
  each: <Row>(table: readonly Row[]) => {
    (name: string, fn: (...args: Row extends readonly unknown[] ? Row : [Row]) => void): void;
    (name: string, options: SuiteOptions, fn: (...args: Row extends readonly unknown[] ? Row : [Row]) => void): void;
  };
}

function addSuite(mode: TestMode, only: boolean, name: string, options: SuiteOptions, fn: (() => void) | undefined): void {
  const parent = currentSuite('describe');
  if (typeof fn !== 'function') throw new TypeError(`describe "${name}": the body must be a function`);
  const suite = newSuite(name, parent, checkOptions(`describe "${name}"`, options, OPTION_KEYS.filter((k) => k !== 'reruns')), mode, only);
  parent.children.push(suite);
  collectState.current = suite;
  try {
    const ret = fn() as unknown;
    if (ret && typeof (ret as Promise<unknown>).then === 'function') {
      throw new Error(`describe "${name}": the body must be synchronous; register tests directly and put async setup in beforeAll()`);
    }
  } finally {
    collectState.current = parent;
  }
}

function makeDescribe(): DescribeApi {
  const register = (mode: TestMode, only: boolean) =>
    ((name: string, a: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<() => void>(a, b);
      addSuite(mode, only, checkName('describe', name), opts, fn);
    }) as DescribeRegister;
  const api = register('run', false) as DescribeApi;
  api.skip = register('skip', false);
  api.only = register('run', true);
  api.each = ((table: readonly unknown[]) =>
    (name: string, a: unknown, b?: unknown) => {
      const [opts, fn] = splitArgs<(...args: unknown[]) => void>(a, b);
      table.forEach((row, i) => addSuite('run', false, eachName(name, row, i), opts, fn && (() => fn(...rowArgs(row)))));
    }) as DescribeApi['each'];
  return api;
}

export const describe = makeDescribe();

function hook(kind: keyof Hooks) {
  return (fn: HookFn): void => {
    if (typeof fn !== 'function') throw new TypeError(`${kind}() needs a function`);
    currentSuite(kind).hooks[kind].push(fn);
  };
}

export const beforeAll = hook('beforeAll');
export const afterAll = hook('afterAll');
export const beforeEach = hook('beforeEach');
export const afterEach = hook('afterEach');
