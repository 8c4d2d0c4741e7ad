// Inside a worker: imports test files into a tree, and runs single tests with their hooks,
// fixtures, timeout and output capture.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunItem, WorkerTestEnd } from '../core/protocol.js';
import type { ErrorInfo, TestMeta } from '../core/types.js';
import { workerId, type TestInfo } from './builtins.js';
import { beginCapture, endCapture } from './capture.js';
import { toErrorInfo } from './errors.js';
import { expectHooks } from './expect-state.js';
import { collectBodies } from './api.js';
import { FixtureScopeCache, provideFixtures, type ScopeCaches } from './fixtures.js';
import { collectState, newSuite, suiteChain, type RunningTest, type SuiteNode, type TestNode } from './model.js';
import { plugins } from './plugins.js';
import { activeFile } from './active-file.js';
import { mocksModules } from './hoist.js';
import { takeProjectRequires } from './require-hook.js';
import { fileTimeout, realNow, TimeoutError, withTimeout } from './timeout.js';

/** The test whose code started the current async work: an error escaping later is pinned on it. */
export const testContext = new AsyncLocalStorage<string>();

export interface HarnessOptions {
  root: string;
  defaultTimeout: number;
  /**
   * Before a test file is imported: the absolute paths of the modules to evaluate first, each time
   * (a config's setupFiles); throws when the file cannot run here.
   */
  prepare?: (rel: string) => readonly string[];
  /** Whether this file gets its own instances of the project modules it imports. */
  isolate?: (rel: string) => boolean;
  /** The globals a file imports and runs in (a DOM window), when not Node's alone. */
  environment?: (rel: string, source: string) => Promise<FileEnvironment | undefined>;
}

/** Globals of one file import: on globalThis while that file imports or runs its tests. */
export interface FileEnvironment {
  enter(): void;
  leave(): void;
  close(): Promise<void>;
}

/** Vitest's `ctx.skip()` inside a running test: the test ends as skipped, not failed. */
class SkipSignal extends Error {
  override name = 'SkipSignal';
}

/** A test under way, from its start to its result. */
interface Outcome {
  item: RunItem;
  info: TestInfo;
  started: number;
  failed: boolean;
  error: unknown;
  caches: ScopeCaches;
  running: RunningTest;
  skipped: boolean;
  fails: boolean;
}

function endOf(item: RunItem): Pick<WorkerTestEnd, 't' | 'id'> {
  return { t: 'end', id: item.id };
}

interface LoadedFile {
  rel: string;
  /** Its import's `?qa-iso=N` (0: shared modules). */
  iso: number;
  tests: Map<string, { node: TestNode; meta: TestMeta }>;
  metas: TestMeta[];
  /** Suites whose beforeAll hooks ran (in entry order), for afterAll at file-done. */
  entered: SuiteNode[];
  beforeAllErrors: Map<SuiteNode, unknown>;
  /** Cleanup functions beforeAll hooks returned (Vitest), run with the afterAll hooks. */
  beforeAllCleanups: Map<SuiteNode, Array<() => unknown>>;
  fixtures: FixtureScopeCache;
  env?: FileEnvironment;
}

export class Harness {
  private files = new Map<string, Promise<LoadedFile>>();
  /** Files whose import has finished, for running their tests without awaiting anything. */
  private imported = new Map<string, LoadedFile>();
  private workerFixtures = new FixtureScopeCache();
  /** Serialises imports: collection state is global while a file evaluates. */
  private importing: Promise<unknown> = Promise.resolve();
  private setupRuns = 0;
  /** Isolated imports so far: the N of `?qa-iso=N` (ts-hooks.ts gives it to every project module reached). */
  private isolatedImports = 0;
  /** The environment on globalThis now; switched only when the next file's differs. */
  private currentEnv: FileEnvironment | undefined;

  constructor(private opts: HarnessOptions) {}

  /** Imports a file once per worker and returns its collected tests. */
  load(rel: string): Promise<LoadedFile> {
    let loaded = this.files.get(rel);
    if (!loaded) {
      const importing = this.importing.then(() => this.importFile(rel));
      loaded = importing.then((file) => {
        // Unless a newer import of the same file replaced this one meanwhile (watch).
        if (this.files.get(rel) === loaded) this.imported.set(rel, file);
        return file;
      });
      this.importing = loaded.catch(() => undefined);
      this.files.set(rel, loaded);
    }
    return loaded;
  }

  /** Whether any file was imported in isolation: its module instances stay in memory for good. */
  get isolating(): boolean {
    return this.isolatedImports > 0;
  }

  /** Watch sessions: the file changed (or something it imports did); the next load imports it again. */
  forget(rel: string): void {
    this.files.delete(rel);
    this.imported.delete(rel);
  }

  private async importFile(rel: string): Promise<LoadedFile> {
    const root = newSuite('', null);
    collectState.current = root;
    fileTimeout.ms = undefined;
    let env: FileEnvironment | undefined;
    beginCapture();
    try {
      // Setup files are evaluated afresh for every test file, so their top-level hooks and
      // side effects belong to that file, as in Vitest.
      const setup = this.opts.prepare?.(rel) ?? [];
      const path = resolve(this.opts.root, rel);
      const source = readFileSync(path, 'utf8');
      this.switchEnv(undefined);
      env = await this.opts.environment?.(rel, source);
      this.switchEnv(env);
      // Mocks belong to one file import: a file that mocks modules gets its own graph in any mode.
      const iso = this.opts.isolate?.(rel) || mocksModules(source) ? ++this.isolatedImports : 0;
      activeFile.iso = iso;
      if (iso) takeProjectRequires(this.opts.root);
      else if (setup.length) this.setupRuns++;
      const query = iso ? `?qa-iso=${iso}` : '';
      for (const path of setup) await import(`${pathToFileURL(path).href}${query || `?qa-setup=${this.setupRuns}`}`);
      await import(pathToFileURL(path).href + query);
      await collectBodies(root);
    } catch (err) {
      if (env) await this.closeEnv(env);
      throw err;
    } finally {
      collectState.current = null;
      // Output printed while importing belongs to no test; let it through to the worker's stream.
      const { stdout, stderr } = endCapture();
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
    }
    return { ...this.index(rel, root, activeFile.iso), ...(env ? { env } : {}) };
  }

  private switchEnv(env: FileEnvironment | undefined): void {
    if (env === this.currentEnv) return;
    this.currentEnv?.leave();
    env?.enter();
    this.currentEnv = env;
  }

  private async closeEnv(env: FileEnvironment): Promise<void> {
    if (this.currentEnv === env) this.switchEnv(undefined);
    await env.close();
  }

  private index(rel: string, root: SuiteNode, iso: number): LoadedFile {
    const tests = new Map<string, { node: TestNode; meta: TestMeta }>();
    const metas: TestMeta[] = [];
    const hasOnly = containsOnly(root);
    const walk = (suite: SuiteNode, path: string[], marks: string[], underOnly: boolean, skipped: boolean) => {
      for (const child of suite.children) {
        if (child.kind === 'suite') {
          walk(child, [...path, child.name], [...marks, ...child.marks], underOnly || child.only, skipped || child.mode === 'skip');
          continue;
        }
        let id = [rel, ...path, child.name].join('::');
        for (let n = 2; tests.has(id); n++) id = `${[rel, ...path, child.name].join('::')} (${n})`;
        child.id = id;
        const filteredOut = hasOnly && !(underOnly || child.only);
        const chain = suiteChain(suite);
        const meta: TestMeta = {
          id,
          file: rel,
          suitePath: path,
          name: child.name,
          marks: unique([...marks, ...(child.options.marks ?? [])]),
          group: child.options.group ?? [...chain].reverse().find((s) => s.group)?.group,
          mode: child.mode === 'todo' ? 'todo' : skipped || filteredOut || child.mode === 'skip' ? 'skip' : 'run',
          timeout: this.timeoutOf(child),
          reruns: child.options.reruns,
        };
        metas.push(meta);
        tests.set(id, { node: child, meta });
      }
    };
    walk(root, [], [], false, false);
    return { rel, iso, tests, metas, entered: [], beforeAllErrors: new Map(), beforeAllCleanups: new Map(), fixtures: new FixtureScopeCache() };
  }

  /** The test's own or its suites' timeout; undefined means the run's default (sent 12,000 times, it adds up). */
  private timeoutOf(test: TestNode): number | undefined {
    if (test.options.timeout !== undefined) return test.options.timeout;
    for (let s: SuiteNode | null = test.parent; s; s = s.parent) if (s.timeout !== undefined) return s.timeout;
    return fileTimeout.ms;
  }

  /**
   * Runs one test. A plain synchronous test of a file already imported (most tests of a big
   * suite) completes without creating a promise: each one costs more than such a test.
   */
  run(item: RunItem, onStart: () => void): WorkerTestEnd | Promise<WorkerTestEnd> {
    const rel = item.id.slice(0, item.id.indexOf('::'));
    const file = this.imported.get(rel);
    if (!file) {
      return this.load(rel).then(
        () => this.run(item, onStart),
        (err: unknown) => ({ ...endOf(item), status: 'failed' as const, durationMs: 0, error: toErrorInfo(err) }),
      );
    }
    const found = file.tests.get(item.id);
    if (!found) {
      return { ...endOf(item), status: 'failed', durationMs: 0, error: { name: 'Error', message: `test ${item.id} was not found when ${workerId} imported ${rel}` } };
    }
    const { node: test, meta } = found;
    activeFile.iso = file.iso;
    this.switchEnv(file.env);
    if (meta.mode !== 'run') return { ...endOf(item), status: meta.mode === 'todo' ? 'todo' : 'skipped', durationMs: 0 };

    onStart();
    const info: TestInfo = {
      id: item.id,
      file: rel,
      name: test.name,
      suitePath: meta.suitePath,
      marks: meta.marks,
      attempt: item.attempt,
      iteration: item.iteration,
      workerId,
    };
    collectState.info = info;
    const running: RunningTest = { onFinished: [], onFailed: [], abort: new AbortController() };
    collectState.test = running;
    expectHooks.reset(item.id);
    beginCapture();
    const outcome: Outcome = {
      item,
      info,
      started: realNow(),
      failed: false,
      error: undefined,
      caches: { test: new FixtureScopeCache(), file: file.fixtures, worker: this.workerFixtures },
      running,
      skipped: false,
      fails: test.fails === true,
    };
    const fail = (err: unknown) => {
      if (err instanceof SkipSignal) outcome.skipped = true;
      else if (!outcome.failed) {
        outcome.failed = true;
        outcome.error = err;
      }
    };
    for (const plugin of plugins) plugin.beforeTest?.(info);
    const timeout = meta.timeout ?? this.opts.defaultTimeout;
    const chain = suiteChain(test.parent);
    if (!plain(file, test, chain)) {
      return testContext
        .run(item.id, () => withTimeout(this.body(file, test, chain, info, outcome), timeout))
        .catch((err: unknown) => {
          if (err instanceof TimeoutError) running.abort.abort(err);
          fail(err);
        })
        .then(() => this.finish(outcome, fail));
    }
    for (const suite of chain) if (!file.entered.includes(suite)) file.entered.push(suite);
    let returned: unknown;
    try {
      returned = testContext.run(item.id, () => test.fn?.({}));
    } catch (err) {
      fail(err);
    }
    if (isThenable(returned)) return withTimeout(Promise.resolve(returned), timeout).catch(fail).then(() => this.finish(outcome, fail));
    return this.finish(outcome, fail);
  }

  /** After the test and its hooks: assertion counts, test-scoped fixtures, output, the result. */
  private finish(o: Outcome, fail: (err: unknown) => void): WorkerTestEnd | Promise<WorkerTestEnd> {
    if (!o.failed && !o.skipped) {
      const assertionErrors = expectHooks.check();
      if (assertionErrors) fail(assertionErrors);
    }
    for (const plugin of plugins) {
      const err = plugin.afterTest?.(o.info, o.failed ? { error: o.error } : undefined);
      if (err !== undefined && !o.skipped) {
        o.failed = true;
        o.error = err;
      }
    }
    if (o.fails && !o.skipped) {
      // test.fails: the failure was the point; a pass is the failure.
      const passed = !o.failed;
      o.failed = passed;
      o.error = passed ? new Error('expected the test to fail (test.fails), but it passed') : undefined;
    }
    o.info.status = o.skipped ? 'skipped' : o.failed ? 'failed' : 'passed';
    const { onFinished, onFailed } = o.running;
    if (o.caches.test.size > 0 || onFinished.length > 0 || (o.failed && onFailed.length > 0)) {
      return (async () => {
        for (const cb of [...(o.failed ? onFailed : []), ...onFinished].reverse()) {
          try {
            await cb();
          } catch (err) {
            fail(err);
          }
        }
        for (const err of await o.caches.test.teardown()) fail(err);
        return this.result(o);
      })();
    }
    return this.result(o);
  }

  private result(o: Outcome): WorkerTestEnd {
    const durationMs = realNow() - o.started;
    const { stdout, stderr } = endCapture();
    collectState.info = null;
    collectState.test = null;
    const end: WorkerTestEnd = { t: 'end', id: o.item.id, status: o.skipped ? 'skipped' : o.failed ? 'failed' : 'passed', durationMs: Math.round(durationMs * 1000) / 1000 };
    if (stdout) end.stdout = stdout;
    if (stderr) end.stderr = stderr;
    if (o.failed) end.error = toErrorInfo(o.error);
    // A test cut by its timeout may still hold timers, sockets or a pending promise: the worker
    // asks to be replaced rather than run the next test next to them.
    if (o.error instanceof TimeoutError) end.recycle = true;
    return end;
  }

  private async body(file: LoadedFile, test: TestNode, chain: SuiteNode[], info: TestInfo, o: Outcome): Promise<void> {
    for (const suite of chain) {
      if (!file.entered.includes(suite)) {
        file.entered.push(suite);
        for (const hook of suite.hooks.beforeAll) {
          try {
            const cleanup = await hook({ workerId });
            if (typeof cleanup === 'function') file.beforeAllCleanups.set(suite, [...(file.beforeAllCleanups.get(suite) ?? []), cleanup as () => unknown]);
          } catch (err) {
            file.beforeAllErrors.set(suite, err);
            break;
          }
        }
      }
      const failedSetup = file.beforeAllErrors.get(suite);
      if (failedSetup !== undefined) throw failedSetup;
    }
    const ctx = Object.assign(this.contextOf(info, o), await provideFixtures(test.fixtures, test.uses, o.caches));
    const hookCtx = Object.assign(this.contextOf(info, o), { workerId, testInfo: info });
    let error: unknown;
    let failed = false;
    const cleanups: Array<() => unknown> = [];
    try {
      for (const suite of chain) {
        for (const hook of suite.hooks.beforeEach) {
          const cleanup = await hook(hookCtx);
          if (typeof cleanup === 'function') cleanups.push(cleanup as () => unknown);
        }
      }
      await test.fn?.(ctx);
    } catch (err) {
      failed = true;
      error = err;
    }
    // What a beforeEach returned runs after the afterEach hooks, as in Vitest.
    const after = [...chain].reverse().flatMap((suite) => suite.hooks.afterEach);
    for (const hook of [...after, ...cleanups.reverse()]) {
      try {
        await hook(hookCtx);
      } catch (err) {
        if (!failed) {
          failed = true;
          error = err;
        }
      }
    }
    if (failed) throw error;
  }

  /** Vitest's test context: the task, `skip()`, `onTestFinished`/`onTestFailed`, the abort signal, and what plugins add (`expect`). */
  private contextOf(info: TestInfo, o: Outcome): Record<string, unknown> {
    const ctx: Record<string, unknown> = {
      task: { name: info.name, id: info.id, file: { name: info.file, filepath: resolve(this.opts.root, info.file) }, suite: { name: info.suitePath.at(-1) ?? '' }, meta: {}, result: undefined },
      // skip(), skip(note) or skip(condition, note)
      skip: (...args: unknown[]) => {
        const [condition, note] = args;
        if (typeof condition !== 'boolean' || condition) throw new SkipSignal(typeof condition === 'string' ? condition : String(note ?? 'skipped'));
      },
      onTestFinished: (fn: () => unknown) => o.running.onFinished.push(fn),
      onTestFailed: (fn: () => unknown) => o.running.onFailed.push(fn),
      signal: o.running.abort.signal,
    };
    for (const plugin of plugins) if (plugin.context) Object.assign(ctx, plugin.context(info));
    return ctx;
  }

  /** afterAll hooks (innermost first) and file fixtures of a file this worker is done with. */
  async fileDone(rel: string): Promise<ErrorInfo[]> {
    const loaded = this.files.get(rel);
    if (!loaded) return [];
    let file: LoadedFile;
    try {
      file = await loaded;
    } catch {
      return [];
    }
    const errors: unknown[] = [];
    for (const suite of file.entered.reverse()) {
      if (file.beforeAllErrors.has(suite)) continue;
      // As in Vitest, what a beforeAll returned runs after the afterAll hooks.
      const teardown = [...suite.hooks.afterAll, ...(file.beforeAllCleanups.get(suite) ?? []).reverse()];
      for (const hook of teardown) {
        try {
          await hook({ workerId });
        } catch (err) {
          errors.push(err);
        }
      }
    }
    file.entered = [];
    file.beforeAllErrors.clear();
    file.beforeAllCleanups.clear();
    for (const plugin of plugins) plugin.afterFile?.();
    errors.push(...(await file.fixtures.teardown()));
    if (file.env) {
      await this.closeEnv(file.env).catch((err: unknown) => errors.push(err));
      delete file.env;
    }
    return errors.map(toErrorInfo);
  }

  /**
   * Watch sessions: these root-relative modules will be evaluated again, so worker fixtures they
   * defined are dead; their instances (a server, a database) are torn down now, before the new
   * definitions set up theirs. Returns teardown errors with the module that defined the fixture.
   */
  async dropWorkerFixtures(modules: string[]): Promise<Array<{ error: ErrorInfo; file: string }>> {
    const stale = new Set(modules.map((m) => resolve(this.opts.root, m)));
    const dead = await this.workerFixtures.teardownWhere((def) => def.definedBy?.some((f) => stale.has(f)) ?? false);
    return dead.map(({ def, error }) => {
      const file = relative(this.opts.root, def.definedBy!.find((f) => stale.has(f))!);
      return { error: toErrorInfo(error), file: sep === '/' ? file : file.split(sep).join('/') };
    });
  }

  async shutdown(): Promise<ErrorInfo[]> {
    return (await this.workerFixtures.teardown()).map(toErrorInfo);
  }
}

/**
 * A test with nothing to run around it: no fixtures (none asked for, none automatic), no
 * beforeEach/afterEach, and every beforeAll of its suites already run. Most tests of a big suite.
 */
function plain(file: LoadedFile, test: TestNode, chain: SuiteNode[]): boolean {
  if (test.uses === null || test.uses.length > 0) return false;
  for (const def of test.fixtures.values()) if (def.auto) return false;
  for (const suite of chain) {
    const { beforeAll, beforeEach, afterEach } = suite.hooks;
    if (beforeEach.length || afterEach.length || file.beforeAllErrors.has(suite)) return false;
    if (beforeAll.length && !file.entered.includes(suite)) return false;
  }
  return true;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function containsOnly(suite: SuiteNode): boolean {
  return suite.children.some((c) => c.only || (c.kind === 'suite' && containsOnly(c)));
}

function unique(xs: string[]): string[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}
