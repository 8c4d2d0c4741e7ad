// `qa watch`: a first full run builds the import graph; then every debounced batch of saved files
// reruns only the test files it affects, on the same warm workers. A batch that arrives during a
// run is queued (batches merge) and runs as one follow-up run when the current one ends: running
// tests are never cut, so workers and their caches stay warm. Frontends may also ask for runs
// (all, failures), widen saves to the whole selection, and narrow it by file, mark and name.
import fg from 'fast-glob';
import { discover } from '../core/discover.js';
import type { RunOverrides, Session } from '../core/session.js';
import type { RunSummary, RunEvent, TestResult } from '../core/types.js';
import { CONFIG_FILES, planRun, touchesConfig } from './plan.js';
import { traceWatch } from './trace.js';
import { FileWatcher, type FileChanges } from './watcher.js';

export interface WatchOptions {
  /** Paths from the command line: the watch only ever runs test files under them. */
  paths: string[];
  /** Test ids from the command line: the first and every full run select them. */
  ids: string[];
  debounceMs?: number;
  configFiles?: readonly string[];
  /** `all`: a save reruns the whole selection instead of only the test files it affects. */
  scope?: WatchScope;
  /**
   * Reads the config again and applies it to the session, before the run a config save causes;
   * when it throws (a config that no longer loads), the save runs nothing and the old settings stay.
   */
  reloadConfig?: () => Promise<void>;
}

export type WatchScope = 'affected' | 'all';

/** What a frontend narrows every run to; an absent mark or keyword leaves the session's own. */
export interface WatchFilter {
  mark?: string;
  keyword?: string;
  /** Only test files whose path contains this (or, with glob characters, matches it) run. */
  files?: string;
}

/** What started a run: the first run, a save, a config save, or a frontend asking. */
export type WatchTrigger = 'start' | 'save' | 'config' | 'all' | 'failed';

export type WatchEvent =
  /** A run is about to start. `run` counts from 1 (the first, full run). */
  | { type: 'watch-run'; run: number; why: WatchTrigger; changes?: FileChanges; all: boolean; files: string[]; dropped: string[] }
  /** Files changed but no selected test depends on them; without `changes`, a run was asked for but the file filter matches no test file. */
  | { type: 'watch-skip'; changes?: FileChanges; dropped: string[] }
  /** A run ended (or was skipped) and the watcher waits; `failing` are ids still failing from any run. */
  | { type: 'watch-idle'; failing: ReadonlyMap<string, TestResult>; collectErrors: ReadonlySet<string>; summary?: RunSummary }
  | { type: 'watch-error'; message: string };

export type WatchListener = (event: WatchEvent) => void;

const CODE = /\.(c|m)?[jt]sx?$|\.json$/;
const EMPTY: FileChanges = { added: [], changed: [], deleted: [] };
const GLOB = /[*?[\]{}!]/;

interface Plan {
  why: WatchTrigger;
  all: boolean;
  files: string[];
  dropped: string[];
  changes?: FileChanges;
}

const touchesCode = (c: FileChanges) => [...c.added, ...c.changed, ...c.deleted].some((f) => CODE.test(f));

export class WatchController {
  /** Tests that failed in the run that last ran them, across runs, until they pass. */
  readonly failing = new Map<string, TestResult>();
  /** Test files whose last import failed. */
  readonly collectErrors = new Set<string>();
  private listeners = new Set<WatchListener>();
  private watcher: FileWatcher;
  private queued: FileChanges | undefined;
  private running: Promise<void> | undefined;
  private runs = 0;
  private tests = new Set<string>();
  private closed = false;
  /** False while a frontend's own run (a loop) goes on: its copies say nothing about `failing`. */
  private tracking = true;
  private _scope: WatchScope;
  private filter: WatchFilter = {};

  constructor(
    readonly session: Session,
    private opts: WatchOptions,
  ) {
    this._scope = opts.scope ?? 'affected';
    this.watcher = new FileWatcher(session.opts.root, (changes) => this.changed(changes), opts.debounceMs ?? 100);
    session.on(this.track);
    traceWatch(session, this);
  }

  on(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WatchEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Starts watching, then runs everything selected once (that run builds the import graph). */
  async start(): Promise<void> {
    await this.watcher.start();
    this.running = this.execute(async () => {
      this.tests = await this.testFiles();
      return { why: 'start', all: true, files: await this.narrow([...this.tests].sort()), dropped: [] };
    });
  }

  get scope(): WatchScope {
    return this._scope;
  }

  /** Applies from the next save on. */
  setScope(scope: WatchScope): void {
    this._scope = scope;
  }

  /** Applies from the next run on (a run in progress keeps its selection). */
  setFilter(filter: WatchFilter): void {
    this.filter = { ...filter };
  }

  /** Runs the whole selection now. False while a run is in progress (or after close). */
  runAll(): boolean {
    return this.ask(async () => ({ why: 'all', all: true, files: await this.narrow([...this.tests].sort()), dropped: [] }));
  }

  /**
   * Reruns the tests in `failing` now. False while a run is in progress, after close, or when
   * nothing of the selection is failing.
   */
  rerunFailed(): boolean {
    const files = new Set([...this.failing.keys()].map((id) => id.slice(0, id.indexOf('::'))).filter((f) => this.tests.has(f)));
    if (files.size === 0) return false;
    return this.ask(async () => ({ why: 'failed', all: false, files: await this.narrow([...files].sort()), dropped: [] }));
  }

  private ask(plan: () => Promise<Plan>): boolean {
    if (this.running || this.closed) return false;
    this.running = this.execute(plan);
    return true;
  }

  /**
   * A frontend's own run on the watch's session (the TUI's loop): saves meanwhile wait for it like
   * for any run, and its results leave `failing` as it was. Rejects while a run is in progress.
   */
  aside<T>(work: () => Promise<T>): Promise<T> {
    if (this.running) return Promise.reject(new Error('a run is already in progress'));
    this.tracking = false;
    let result: Promise<T>;
    try {
      result = work();
    } catch (err) {
      result = Promise.reject(err);
    }
    this.running = result.then(
      () => this.next(),
      () => this.next(),
    );
    return result;
  }

  /** True while a run is in progress. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the current run (and any queued follow-up) is over. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.watcher.close();
  }

  private readonly track = (e: RunEvent): void => {
    if (!this.tracking) return;
    if (e.type === 'test-end' && !e.result.willRetry) {
      if (e.result.status === 'failed') this.failing.set(e.result.id, e.result);
      else this.failing.delete(e.result.id);
    } else if (e.type === 'collect-error') {
      this.collectErrors.add(e.error.file);
    }
  };

  private changed(changes: FileChanges): void {
    if (this.closed) return;
    if (this.running) {
      this.queued = merge(this.queued ?? EMPTY, changes);
      return;
    }
    this.running = this.execute(() => this.plan(changes));
  }

  private async plan(changes: FileChanges): Promise<Plan> {
    const configFiles = this.opts.configFiles ?? CONFIG_FILES;
    if (this.opts.reloadConfig && touchesConfig(changes, configFiles)) {
      try {
        await this.opts.reloadConfig();
      } catch (err) {
        throw new Error(`config not reloaded, the previous settings stay: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const before = this.tests;
    this.tests = await this.testFiles();
    const plan = planRun(changes, this.tests, before, this.session.graph, configFiles);
    const deleted = changes.deleted;
    if (plan.all) this.session.invalidate([...new Set([...this.session.graph.nodes(), ...this.tests])], deleted);
    else this.session.invalidate(plan.touched, deleted);
    for (const file of plan.dropped) {
      this.collectErrors.delete(file);
      for (const id of this.failing.keys()) if (id.startsWith(`${file}::`)) this.failing.delete(id);
    }
    // Scope `all`: a save that would run something, or touches code, runs the whole selection.
    const all = plan.all || (this._scope === 'all' && (plan.files.length > 0 || touchesCode(changes)));
    const files = await this.narrow(all ? [...this.tests].sort() : plan.files);
    return { why: plan.all ? 'config' : 'save', all, files, dropped: plan.dropped, changes };
  }

  /** The files the file filter lets through. */
  private async narrow(files: string[]): Promise<string[]> {
    const pattern = this.filter.files;
    if (pattern === undefined) return files;
    if (!GLOB.test(pattern)) return files.filter((f) => f.includes(pattern));
    const o = this.session.opts;
    // A pattern without a slash matches file names in any folder, like `*.spec.ts` would in a shell.
    const hits = new Set(await fg(pattern, { cwd: o.root, ignore: o.exclude, onlyFiles: true, baseNameMatch: true }));
    return files.filter((f) => hits.has(f));
  }

  private async execute(plan: () => Promise<Plan>): Promise<void> {
    let summary: RunSummary | undefined;
    let quiet = false;
    try {
      const p = await plan();
      if (p.files.length === 0 && p.changes) {
        // Only code is worth a note: a log file qa's own output is redirected to must not echo.
        if (p.dropped.length === 0 && !touchesCode(p.changes)) quiet = true;
        else this.emit({ type: 'watch-skip', changes: p.changes, dropped: p.dropped });
      } else if (p.files.length === 0 && this.filter.files !== undefined) {
        // Files to run are passed as paths, and no paths means every file: nothing must run here.
        this.emit({ type: 'watch-skip', dropped: p.dropped });
      } else {
        this.emit({ type: 'watch-run', run: ++this.runs, why: p.why, ...(p.changes ? { changes: p.changes } : {}), all: p.all, files: p.files, dropped: p.dropped });
        for (const f of p.files) this.collectErrors.delete(f);
        // The whole selection, unfiltered, is the command line's (its ids included).
        const whole = p.all && this.filter.files === undefined;
        summary = await this.session.run({
          mode: 'watch',
          paths: whole ? this.opts.paths : p.files,
          ids: whole ? this.opts.ids : [],
          ...this.names(),
          // --lf/--ff read the store once: for the first run only.
          ...(this.runs > 1 ? { lastFailed: false, failedFirst: false } : {}),
          // Within the failing tests' files, the store's failures are exactly what still fails here.
          ...(p.why === 'failed' ? { lastFailed: true } : {}),
        });
      }
    } catch (err) {
      this.emit({ type: 'watch-error', message: err instanceof Error ? err.message : String(err) });
    }
    if (!quiet) this.emit({ type: 'watch-idle', failing: this.failing, collectErrors: this.collectErrors, ...(summary ? { summary } : {}) });
    this.next();
  }

  /** A run ended: everything saved while it went on runs now, in one run. */
  private next(): void {
    this.tracking = true;
    const next = this.queued;
    this.queued = undefined;
    this.running = next && !this.closed ? this.execute(() => this.plan(next)) : undefined;
  }

  /** The frontend's mark and keyword, when it set them (headless never does: the session's own apply). */
  private names(): RunOverrides {
    const out: RunOverrides = {};
    if ('mark' in this.filter) out.mark = this.filter.mark;
    if ('keyword' in this.filter) out.keyword = this.filter.keyword;
    return out;
  }

  /** The test files that exist now, narrowed to the command line's paths. */
  private async testFiles(): Promise<Set<string>> {
    const o = this.session.opts;
    try {
      return new Set(await discover({ root: o.root, include: o.include, exclude: o.exclude, paths: this.opts.paths }));
    } catch {
      // A path from the command line was deleted: nothing under it to run.
      return new Set();
    }
  }
}

function merge(a: FileChanges, b: FileChanges): FileChanges {
  const last = new Map<string, 'add' | 'change' | 'unlink'>();
  for (const [list, kind] of [
    [a.added, 'add'],
    [a.changed, 'change'],
    [a.deleted, 'unlink'],
    [b.added, 'add'],
    [b.changed, 'change'],
    [b.deleted, 'unlink'],
  ] as const) {
    for (const f of list) {
      const before = last.get(f);
      last.set(f, before === 'add' && kind === 'change' ? 'add' : before === 'unlink' && kind === 'add' ? 'change' : kind);
    }
  }
  const out: FileChanges = { added: [], changed: [], deleted: [] };
  for (const [f, k] of last) (k === 'add' ? out.added : k === 'change' ? out.changed : out.deleted).push(f);
  return out;
}
