// Inside a worker: imports test files into a tree, and runs single tests with their hooks,
// fixtures, timeout and output capture.
import { AsyncLocalStorage } from 'node:async_hooks';
import { relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { RunItem, WorkerTestEnd } from '../core/protocol.js';
import type { ErrorInfo, TestMeta } from '../core/types.js';
import { workerId, type TestInfo } from './builtins.js';
import { beginCapture, endCapture } from './capture.js';
import { toErrorInfo } from './errors.js';
import { expectHooks } from './expect-state.js';
import { FixtureScopeCache, provideFixtures, type ScopeCaches } from './fixtures.js';
import { collectState, newSuite, suiteChain, type SuiteNode, type TestNode } from './model.js';

/** The test whose code started the current async work: an error escaping later is pinned on it. */
export const testContext = new AsyncLocalStorage<string>();

export interface HarnessOptions {
  root: string;
  defaultTimeout: number;
}

/** A test under way, from its start to its result. */
interface Outcome {
  item: RunItem;
  info: TestInfo;
  started: number;
  failed: boolean;
  error: unknown;
  caches: ScopeCaches;
}

function endOf(item: RunItem): Pick<WorkerTestEnd, 't' | 'id'> {
  return { t: 'end', id: item.id };
}

interface LoadedFile {
  rel: string;
  tests: Map<string, { node: TestNode; meta: TestMeta }>;
  metas: TestMeta[];
  /** Suites whose beforeAll hooks ran (in entry order), for afterAll at file-done. */
  entered: SuiteNode[];
  beforeAllErrors: Map<SuiteNode, unknown>;
  fixtures: FixtureScopeCache;
}

export class Harness {
  private files = new Map<string, Promise<LoadedFile>>();
  /** Files whose import has finished, for running their tests without awaiting anything. */
  private imported = new Map<string, LoadedFile>();
  private workerFixtures = new FixtureScopeCache();
  /** Serialises imports: collection state is global while a file evaluates. */
  private importing: Promise<unknown> = Promise.resolve();

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

  /** Watch sessions: the file changed (or something it imports did); the next load imports it again. */
  forget(rel: string): void {
    this.files.delete(rel);
    this.imported.delete(rel);
  }

  private async importFile(rel: string): Promise<LoadedFile> {
    const root = newSuite('', null);
    collectState.current = root;
    beginCapture();
    try {
      await import(pathToFileURL(resolve(this.opts.root, rel)).href);
    } finally {
      collectState.current = null;
      // Output printed while importing belongs to no test; let it through to the worker's stream.
      const { stdout, stderr } = endCapture();
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
    }
    return this.index(rel, root);
  }

  private index(rel: string, root: SuiteNode): LoadedFile {
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
    return { rel, tests, metas, entered: [], beforeAllErrors: new Map(), fixtures: new FixtureScopeCache() };
  }

  /** The test's own or its suites' timeout; undefined means the run's default (sent 12,000 times, it adds up). */
  private timeoutOf(test: TestNode): number | undefined {
    if (test.options.timeout !== undefined) return test.options.timeout;
    for (let s: SuiteNode | null = test.parent; s; s = s.parent) if (s.timeout !== undefined) return s.timeout;
    return undefined;
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
    expectHooks.reset(item.id);
    beginCapture();
    const outcome: Outcome = { item, info, started: performance.now(), failed: false, error: undefined, caches: { test: new FixtureScopeCache(), file: file.fixtures, worker: this.workerFixtures } };
    const fail = (err: unknown) => {
      if (!outcome.failed) {
        outcome.failed = true;
        outcome.error = err;
      }
    };
    const timeout = meta.timeout ?? this.opts.defaultTimeout;
    const chain = suiteChain(test.parent);
    if (!plain(file, test, chain)) {
      return testContext
        .run(item.id, () => withTimeout(this.body(file, test, chain, info, outcome.caches), timeout))
        .catch(fail)
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
    if (!o.failed) {
      const assertionErrors = expectHooks.check();
      if (assertionErrors) fail(assertionErrors);
    }
    o.info.status = o.failed ? 'failed' : 'passed';
    if (o.caches.test.size > 0) {
      return o.caches.test.teardown().then((errors) => {
        for (const err of errors) fail(err);
        return this.result(o);
      });
    }
    return this.result(o);
  }

  private result(o: Outcome): WorkerTestEnd {
    const durationMs = performance.now() - o.started;
    const { stdout, stderr } = endCapture();
    collectState.info = null;
    const end: WorkerTestEnd = { t: 'end', id: o.item.id, status: o.failed ? 'failed' : 'passed', durationMs: Math.round(durationMs * 1000) / 1000 };
    if (stdout) end.stdout = stdout;
    if (stderr) end.stderr = stderr;
    if (o.failed) end.error = toErrorInfo(o.error);
    // A test cut by its timeout may still hold timers, sockets or a pending promise: the worker
    // asks to be replaced rather than run the next test next to them.
    if (o.error instanceof TimeoutError) end.recycle = true;
    return end;
  }

  private async body(file: LoadedFile, test: TestNode, chain: SuiteNode[], info: TestInfo, caches: ScopeCaches): Promise<void> {
    for (const suite of chain) {
      if (!file.entered.includes(suite)) {
        file.entered.push(suite);
        for (const hook of suite.hooks.beforeAll) {
          try {
            await hook({ workerId });
          } catch (err) {
            file.beforeAllErrors.set(suite, err);
            break;
          }
        }
      }
      const failedSetup = file.beforeAllErrors.get(suite);
      if (failedSetup !== undefined) throw failedSetup;
    }
    const ctx = await provideFixtures(test.fixtures, test.uses, caches);
    const hookCtx = { workerId, testInfo: info };
    let error: unknown;
    let failed = false;
    try {
      for (const suite of chain) for (const hook of suite.hooks.beforeEach) await hook(hookCtx);
      await test.fn?.(ctx);
    } catch (err) {
      failed = true;
      error = err;
    }
    for (const suite of [...chain].reverse()) {
      for (const hook of suite.hooks.afterEach) {
        try {
          await hook(hookCtx);
        } catch (err) {
          if (!failed) {
            failed = true;
            error = err;
          }
        }
      }
    }
    if (failed) throw error;
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
      for (const hook of suite.hooks.afterAll) {
        try {
          await hook({ workerId });
        } catch (err) {
          errors.push(err);
        }
      }
    }
    file.entered = [];
    file.beforeAllErrors.clear();
    errors.push(...(await file.fixtures.teardown()));
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

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Node's timers fire at once past this (about 24.8 days): a longer timeout is no timeout. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  if (!(ms > 0) || ms > LONGEST_TIMER_MS) return work;
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
