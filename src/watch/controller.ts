// `qa watch`: a first full run builds the import graph; then every debounced batch of saved files
// reruns only the test files it affects, on the same warm workers. A batch that arrives during a
// run is queued (batches merge) and runs as one follow-up run when the current one ends: running
// tests are never cut, so workers and their caches stay warm.
import { discover } from '../core/discover.js';
import type { Session } from '../core/session.js';
import type { RunSummary, RunEvent, TestResult } from '../core/types.js';
import { CONFIG_FILES, planRun } from './plan.js';
import { traceWatch } from './trace.js';
import { FileWatcher, type FileChanges } from './watcher.js';

export interface WatchOptions {
  /** Paths from the command line: the watch only ever runs test files under them. */
  paths: string[];
  /** Test ids from the command line: the first and every full run select them. */
  ids: string[];
  debounceMs?: number;
  configFiles?: readonly string[];
}

export type WatchEvent =
  /** A run is about to start. `run` counts from 1 (the first, full run). */
  | { type: 'watch-run'; run: number; changes?: FileChanges; all: boolean; files: string[]; dropped: string[] }
  /** Files changed but no test depends on them. */
  | { type: 'watch-skip'; changes: FileChanges; dropped: string[] }
  /** A run ended (or was skipped) and the watcher waits; `failing` are ids still failing from any run. */
  | { type: 'watch-idle'; failing: ReadonlyMap<string, TestResult>; collectErrors: ReadonlySet<string>; summary?: RunSummary }
  | { type: 'watch-error'; message: string };

export type WatchListener = (event: WatchEvent) => void;

const CODE = /\.(c|m)?[jt]sx?$|\.json$/;
const EMPTY: FileChanges = { added: [], changed: [], deleted: [] };

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

  constructor(
    readonly session: Session,
    private opts: WatchOptions,
  ) {
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
      return { all: true, files: [...this.tests].sort(), dropped: [] };
    });
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

  private async plan(changes: FileChanges) {
    const before = this.tests;
    this.tests = await this.testFiles();
    const plan = planRun(changes, this.tests, before, this.session.graph, this.opts.configFiles ?? CONFIG_FILES);
    const deleted = changes.deleted;
    if (plan.all) this.session.invalidate([...new Set([...this.session.graph.nodes(), ...this.tests])], deleted);
    else this.session.invalidate(plan.touched, deleted);
    for (const file of plan.dropped) {
      this.collectErrors.delete(file);
      for (const id of this.failing.keys()) if (id.startsWith(`${file}::`)) this.failing.delete(id);
    }
    return { ...plan, changes };
  }

  private async execute(plan: () => Promise<{ all: boolean; files: string[]; dropped: string[]; changes?: FileChanges }>): Promise<void> {
    let summary: RunSummary | undefined;
    let quiet = false;
    try {
      const p = await plan();
      if (p.files.length === 0 && p.changes) {
        // Only code is worth a note: a log file qa's own output is redirected to must not echo.
        const all = [...p.changes.added, ...p.changes.changed, ...p.changes.deleted];
        if (p.dropped.length === 0 && !all.some((f) => CODE.test(f))) quiet = true;
        else this.emit({ type: 'watch-skip', changes: p.changes, dropped: p.dropped });
      } else {
        this.emit({ type: 'watch-run', run: ++this.runs, ...(p.changes ? { changes: p.changes } : {}), all: p.all, files: p.files, dropped: p.dropped });
        for (const f of p.files) this.collectErrors.delete(f);
        summary = await this.session.run({
          mode: 'watch',
          paths: p.all ? this.opts.paths : p.files,
          ids: p.all ? this.opts.ids : [],
          // --lf/--ff read the store once: for the first run only.
          ...(this.runs > 1 ? { lastFailed: false, failedFirst: false } : {}),
        });
      }
    } catch (err) {
      this.emit({ type: 'watch-error', message: err instanceof Error ? err.message : String(err) });
    }
    if (!quiet) this.emit({ type: 'watch-idle', failing: this.failing, collectErrors: this.collectErrors, ...(summary ? { summary } : {}) });
    const next = this.queued;
    this.queued = undefined;
    if (next && !this.closed) {
      // The follow-up: everything saved while the last run went on, in one run.
      this.running = this.execute(() => this.plan(next));
    } else {
      this.running = undefined;
    }
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
