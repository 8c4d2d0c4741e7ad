// The one object every frontend drives: discover → collect (in workers) → select → schedule → run,
// emitting a single RunEvent stream. It knows nothing about how events are shown.
import { performance } from 'node:perf_hooks';
import { collectPhase, type PhaseHandlers } from './collector.js';
import { discover } from './discover.js';
import { executePhase } from './executor.js';
import { Lanes } from './lanes.js';
import { Pool } from './pool.js';
import { buildUnits, Scheduler } from './schedule.js';
import { checkMarkers, select } from './select.js';
import { Store } from './store.js';
import { Tally } from './tally.js';
import type { CollectError, DistMode, RunEvent, RunSummary, TestMeta } from './types.js';

export interface SessionOptions {
  root: string;
  include: string[];
  exclude: string[];
  /** Files and folders from the command line. */
  paths: string[];
  /** `file::describe::test` ids from the command line. */
  ids: string[];
  workers: number;
  dist: DistMode;
  timeout: number;
  mark?: string;
  keyword?: string;
  markers?: Record<string, string>;
  strictMarkers: boolean;
  /** Copies of every selected test (`--count`). */
  count: number;
  /** Retries for a failing test (`--reruns`); a test's own `reruns` option wins. */
  reruns: number;
  rerunsDelay?: number;
  rerunsBackoff?: number;
  /** Stop after this many failed tests (`-x` = 1, `--maxfail N`); 0 or absent = never. */
  maxFail?: number;
  /** A flaky test fails the run. */
  failOnFlaky?: boolean;
  /** `--lf`: only the tests that failed last time (all of them when none did). */
  lastFailed?: boolean;
  /** `--ff`: the tests that failed last time first, then the rest. */
  failedFirst?: boolean;
  /** Worker restarts allowed in one run before it gives up (default 4 × workers). */
  maxWorkerRestarts?: number;
  /** Keep workers (and their worker fixtures) alive after a run, for the next one. */
  keepWorkers?: boolean;
  workerScript: string;
  tsHooks: string;
}

export type Listener = (event: RunEvent) => void;

const TS_FILE = /\.(ts|mts)$/;
const NO_PHASE: PhaseHandlers = { items() {}, exit() {}, cancel() {} };

export class Session {
  private listeners = new Set<Listener>();
  private pool: Pool | null = null;
  private lanes: Lanes | null = null;
  private store: Store;
  private cancelled = false;
  /** The phase running now (collect or execute) decides what worker messages mean. */
  private phase: PhaseHandlers = NO_PHASE;

  constructor(readonly opts: SessionOptions) {
    this.store = new Store(opts.root);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly emit = (event: RunEvent): void => {
    for (const l of this.listeners) l(event);
  };

  /** Cache files that could not be read, one line each. */
  get warnings(): readonly string[] {
    return this.store.warnings;
  }

  /** Discovers and collects without running: for `qa list`. */
  async list(): Promise<{ tests: TestMeta[]; errors: CollectError[] }> {
    const files = await this.discover();
    if (files.length === 0) return { tests: [], errors: [] };
    const lanes = await this.startPool(Math.min(this.opts.workers, files.length), files);
    try {
      const { tests, errors } = await collectPhase(lanes, files, this.opts.timeout, this.emit, this.install);
      if (this.opts.strictMarkers) checkMarkers(tests, this.opts.markers);
      return { tests: select(tests, this.opts).tests, errors };
    } finally {
      await this.close();
    }
  }

  /** One whole run. Throws UsageError for bad selections; everything a test does becomes a result. */
  async run(): Promise<RunSummary> {
    const started = performance.now();
    const tally = new Tally();
    const files = await this.discover();
    if (files.length === 0) return this.end(tally, { wallMs: performance.now() - started, deselected: 0, notRun: 0 });

    const lanes = await this.startPool(Math.min(this.opts.workers, files.length), files);
    const { tests, errors } = await collectPhase(lanes, files, this.opts.timeout, this.emit, this.install);
    tally.collectErrors = errors.length;
    if (this.opts.strictMarkers) checkMarkers(tests, this.opts.markers);
    const selected = select(tests, this.opts);
    const { tests: chosen, deselected } = this.applyLastFailed(selected.tests, selected.deselected);
    const failedBefore = this.opts.failedFirst ? new Set(this.store.lastFailed()) : undefined;
    const units = buildUnits(chosen, { dist: this.opts.dist, count: this.opts.count, durations: this.store.durations(), first: failedBefore });
    await lanes.shrinkTo(Math.max(1, units.length));
    for (const lane of lanes.values()) tally.worker(lane.worker.id, lane.worker.restarts);
    this.emit({
      type: 'run-start',
      mode: 'run',
      workers: lanes.size,
      files: files.length,
      tests: chosen.length * this.opts.count,
      deselected,
      dist: this.opts.dist,
      count: this.opts.count,
    });

    const scheduler = new Scheduler(units, { workers: lanes.size });
    const outcome = await executePhase(
      lanes,
      scheduler,
      tally,
      {
        timeout: this.opts.timeout,
        reruns: this.opts.reruns,
        rerunsDelay: this.opts.rerunsDelay ?? 0,
        rerunsBackoff: this.opts.rerunsBackoff ?? 1,
        maxFail: this.opts.maxFail ?? 0,
        maxWorkerRestarts: this.opts.maxWorkerRestarts ?? 4 * lanes.size,
        isCancelled: () => this.cancelled,
      },
      this.emit,
      this.install,
    );
    // Worker fixtures are torn down before the summary, so their errors are part of this run.
    if (!this.opts.keepWorkers) await this.close();
    this.saveCache(outcome.durations, outcome.ranIds, outcome.failedIds);
    return this.end(tally, { wallMs: performance.now() - started, deselected, notRun: outcome.notRun, stoppedBecause: outcome.stoppedBecause });
  }

  /** `--lf`: narrows to last run's failures; with none recorded, everything runs (and a note says so). */
  private applyLastFailed(tests: TestMeta[], deselected: number): { tests: TestMeta[]; deselected: number } {
    if (!this.opts.lastFailed) return { tests, deselected };
    const failed = new Set(this.store.lastFailed());
    const kept = tests.filter((t) => failed.has(t.id));
    if (kept.length === 0) {
      this.store.warnings.push('--lf: no failures recorded from earlier runs; running all selected tests');
      return { tests, deselected };
    }
    return { tests: kept, deselected: deselected + tests.length - kept.length };
  }

  private end(tally: Tally, args: { wallMs: number; deselected: number; notRun: number; stoppedBecause?: string }): RunSummary {
    const summary = tally.summary({
      ...args,
      interrupted: this.cancelled,
      failOnFlaky: this.opts.failOnFlaky,
      stoppedBecause: this.cancelled ? 'interrupted (Ctrl-C)' : args.stoppedBecause,
    });
    this.emit({ type: 'run-end', summary });
    return summary;
  }

  /** First Ctrl-C: drop queued tests, cut running ones, report what ran. */
  cancel(): void {
    this.cancelled = true;
    this.phase.cancel();
  }

  /** Second Ctrl-C: no grace. */
  kill(): void {
    this.pool?.killAll();
  }

  /** Stops every worker (worker fixtures are torn down). */
  async close(): Promise<void> {
    await this.pool?.stop();
    this.pool = null;
    this.lanes = null;
  }

  private readonly install = (handlers: PhaseHandlers): void => {
    this.phase = handlers;
  };

  private discover(): Promise<string[]> {
    return discover({
      root: this.opts.root,
      include: this.opts.include,
      exclude: this.opts.exclude,
      paths: [...this.opts.paths, ...this.opts.ids.map((id) => id.slice(0, id.indexOf('::')))],
    });
  }

  private async startPool(n: number, files: string[]): Promise<Lanes> {
    if (this.lanes) return this.lanes;
    this.pool = new Pool(
      {
        root: this.opts.root,
        timeout: this.opts.timeout,
        workerScript: this.opts.workerScript,
        tsHooks: files.some((f) => TS_FILE.test(f)) ? this.opts.tsHooks : undefined,
      },
      { items: (w, items) => this.phase.items(w, items), exit: (w, c, s, e) => this.phase.exit(w, c, s, e) },
    );
    const lanes = new Lanes(this.pool, this.emit);
    for (const worker of await this.pool.start(n)) lanes.add(worker);
    this.lanes = lanes;
    return lanes;
  }

  private saveCache(durations: Map<string, number>, ran: Set<string>, failed: Set<string>): void {
    try {
      this.store.saveDurations(durations);
      this.store.updateLastFailed(ran, failed);
    } catch (err) {
      this.store.warnings.push(`could not write .qa/: ${(err as Error).message}`);
    }
  }
}
