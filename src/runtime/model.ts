// The in-worker model of a test file: suites, tests, hooks and fixture definitions,
// built while the file is imported and kept for the worker's lifetime.
import type { TestMode } from '../core/types.js';
import type { TestInfo } from './builtins.js';

export type FixtureScope = 'test' | 'file' | 'worker';
export type UseFn<T> = (value: T) => Promise<void>;
export type FixtureFn = (deps: any, use: UseFn<any>) => unknown;

export interface FixtureDef {
  name: string;
  scope: FixtureScope;
  fn: FixtureFn;
  /** Fixture names this one destructures. */
  deps: string[];
  auto: boolean;
  /**
   * Files (absolute paths) of the code on the stack when `test.extend` made this definition, qa's
   * own left out. Watch sessions: once one of them is evaluated again, this definition is dead and
   * its worker-scoped instance is torn down.
   */
  definedBy?: string[];
}

/** Name → definition; `test.extend` copies the parent map and overrides by name. */
export type FixtureSet = ReadonlyMap<string, FixtureDef>;

export type HookFn = (ctx: any) => unknown;
export interface Hooks {
  beforeAll: HookFn[];
  afterAll: HookFn[];
  beforeEach: HookFn[];
  afterEach: HookFn[];
}

export interface TestOptions {
  marks?: string[];
  group?: string;
  timeout?: number;
  reruns?: number;
  /** Vitest's names for the same things, and its modifiers as options. */
  retry?: number;
  skip?: boolean;
  only?: boolean;
  todo?: boolean;
  fails?: boolean;
  concurrent?: boolean;
  sequential?: boolean;
}

export interface SuiteOptions {
  marks?: string[];
  group?: string;
  timeout?: number;
}

export interface SuiteNode {
  kind: 'suite';
  name: string;
  parent: SuiteNode | null;
  marks: string[];
  group?: string;
  timeout?: number;
  mode: TestMode;
  only: boolean;
  hooks: Hooks;
  children: Array<SuiteNode | TestNode>;
  /**
   * The describe body, until collection runs it: as in Vitest, bodies run once the module has
   * finished evaluating, so a test may use a `const` declared further down the file.
   */
  body?: () => unknown;
}

export interface TestNode {
  kind: 'test';
  name: string;
  parent: SuiteNode;
  options: TestOptions;
  fn: ((ctx: any) => unknown) | undefined;
  fixtures: FixtureSet;
  /** What the test function destructures; null = whole context. */
  uses: string[] | null;
  mode: TestMode;
  only: boolean;
  /** `test.fails` / Jest's `test.failing`: passes when the body fails. */
  fails?: boolean;
  /** Filled in when collection finishes. */
  id: string;
}

export function newSuite(name: string, parent: SuiteNode | null, opts: SuiteOptions = {}, mode: TestMode = 'run', only = false): SuiteNode {
  return {
    kind: 'suite',
    name,
    parent,
    marks: opts.marks ?? [],
    group: opts.group,
    timeout: opts.timeout,
    mode,
    only,
    hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] },
    children: [],
  };
}

/** Suites from the file root down to `node`'s parent, outermost first (root excluded). */
export function suiteChain(suite: SuiteNode): SuiteNode[] {
  const chain: SuiteNode[] = [];
  for (let s: SuiteNode | null = suite; s; s = s.parent) chain.push(s);
  return chain.reverse();
}

/**
 * The suite being filled by the file that is importing now, and the test running now. It lives
 * on globalThis so that a project whose tests import a different copy of qa-lanes than the
 * worker's own still registers with, and reads from, the worker.
 */
interface RuntimeState {
  current: SuiteNode | null;
  info: TestInfo | null;
  /** The running test's callbacks (`onTestFinished`, `onTestFailed`) and abort signal. */
  test: RunningTest | null;
}

export interface RunningTest {
  onFinished: Array<() => unknown>;
  onFailed: Array<() => unknown>;
  abort: AbortController;
}
const KEY = Symbol.for('qa-lanes.runtime');
const g = globalThis as unknown as Record<symbol, RuntimeState | undefined>;
export const collectState: RuntimeState = (g[KEY] ??= { current: null, info: null, test: null });

export function currentSuite(what: string): SuiteNode {
  const suite = collectState.current;
  if (!suite) {
    throw new Error(`${what}() was called outside test collection: call it at the top level of a test file or inside describe()`);
  }
  return suite;
}
