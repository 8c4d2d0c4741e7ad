// The one object every frontend drives: discover → collect (in workers) → select → schedule → run,
// emitting a single RunEvent stream. It knows nothing about how events are shown.
import { performance } from 'node:perf_hooks';
import type { AliasRule } from '../compat/config-model.js';
import type { WorkerCompat } from '../compat/worker-settings.js';
import { collectPhase, type PhaseHandlers } from './collector.js';
import { discover } from './discover.js';
import { ImportGraph } from './graph.js';
import { executePhase } from './executor.js';
import { Lanes } from './lanes.js';
import { Pool } from './pool.js';
import { buildUnits, Scheduler, type Unit } from './schedule.js';
import { checkMarkers, select } from './select.js';
import { Store } from './store.js';
import { seededRandom, shuffle, VerdictBuilder, type StressOptions, type StressVerdict } from './stress.js';
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
  /** `--shuffle`: files import and units run in an order drawn from this seed. */
  seed?: number;
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
  /**
   * A watch session: workers always load the module hooks, report the project imports they see
   * (kept in `graph`) and take `invalidate` so changed modules are evaluated afresh.
   */
  watch?: boolean;
  /** Fresh project modules for every test file; unset, qa's own suites share them and Vitest/Jest projects do as their config says. */
  isolate?: boolean;
  workerScript: string;
  tsHooks: string;
  /** A Vitest or Jest project run as it is: its files, setup, aliases and env. */
  compat?: SessionCompat;
}

export interface SessionCompat {
  worker: Omit<WorkerCompat, 'fileProject'>;
  /** Every test file the project's runner would run, with the index of its project. */
  list: () => Promise<Array<{ file: string; project: number }>>;
  alias: AliasRule[];
  env: Record<string, string>;
}

/** What one run may change from the session's options: the TUI's filters, reruns and loops. */
export type RunOverrides = Partial<
  Pick<SessionOptions, 'paths' | 'ids' | 'mark' | 'keyword' | 'count' | 'reruns' | 'maxFail' | 'lastFailed' | 'failedFirst' | 'dist'>
> & { mode?: RunMode };

export type RunMode = 'run' | 'stress' | 'watch';

/** What the config file decides: what a watch session re-reads when the config is saved. */
export type ConfiguredOptions = Pick<SessionOptions, 'include' | 'exclude' | 'workers' | 'dist' | 'timeout' | 'mark' | 'keyword' | 'markers' | 'strictMarkers'>;

export type Listener = (event: RunEvent) => void;

/** How a special run (stress) turns the selected tests into units instead of the usual way. */
/** Units in the scheduler's order (longest first), or as drawn when shuffled. */
const ordered = (units: Unit[], random: (() => number) | undefined): ReturnType<PlanHook> => (random ? { units: shuffle(units, random), keepOrder: true } : { units });

type PlanHook = (chosen: TestMeta[], durations: ReadonlyMap<string, number>) => { units: Unit[]; keepOrder?: boolean; refill?: () => Unit[] | undefined };

/**
 * How long a worker may take to import one test file. A file of a big suite can take longer to
 * import in a cold worker than Vitest's and Jest's 5 s test timeout, which they never apply to
 * imports; a hung import is still caught.
 */
const importTimeout = (testTimeout: number) => (testTimeout > 0 ? Math.max(testTimeout, 30_000) : 0);

const TS_FILE = /\.([cm]?ts|tsx|jsx)$/;
const NO_PHASE: PhaseHandlers = { joined() {}, items() {}, exit() {}, cancel() {} };

export class Session {
  private listeners = new Set<Listener>();
  private pool: Pool | null = null;
  private lanes: Lanes | null = null;
  private store: Store;
  private cancelled = false;
  private running = false;
  /** The phase running now (collect or execute) decides what worker messages mean. */
  private phase: PhaseHandlers = NO_PHASE;
  /** Watch sessions: project imports reported by the workers (root-relative paths). */
  readonly graph = new ImportGraph();
  /** Module generation handed to workers by `invalidate`. */
  private generation = 0;

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
    const files = await this.discover(this.opts);
    if (files.length === 0) return { tests: [], errors: [] };
    const lanes = await this.startPool(Math.min(this.opts.workers, files.length), files);
    try {
      const { tests, errors } = await collectPhase(lanes, files, importTimeout(this.opts.timeout), this.emit, this.install);
      if (this.opts.strictMarkers) checkMarkers(tests, this.opts.markers);
      return { tests: select(tests, this.opts).tests, errors };
    } finally {
      await this.close();
    }
  }

  /**
   * One whole run, with the session's options changed by `overrides` for this run only.
   * Throws UsageError for bad selections; everything a test does becomes a result.
   */
  run(overrides: RunOverrides = {}): Promise<RunSummary> {
    return this.exclusive(() => this.runOnce({ ...this.opts, ...overrides }, overrides.mode ?? 'run'));
  }

  /** One run at a time; each starts uncancelled and leaves no phase listening. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.running) throw new Error('a run is already in progress');
    this.running = true;
    this.cancelled = false;
    try {
      return await work();
    } finally {
      this.running = false;
      this.phase = NO_PHASE;
    }
  }

  /** The tests that failed last time, again (all of them when none did). */
  rerunFailed(overrides: RunOverrides = {}): Promise<RunSummary> {
    return this.run({ ...overrides, lastFailed: true });
  }

  /** Ids that failed in the last run that ran them. */
  lastFailedIds(): string[] {
    return this.store.lastFailed();
  }

  /**
   * The race hunt: every selected test `count` times (or in rounds until `durationMs`), copies
   * spread over all workers at once, folded into a verdict per test. Emits the usual events,
   * then `stress-end` with the verdict; the flake history in .qa/ grows by this run.
   */
  stress(stress: StressOptions, overrides: RunOverrides = {}): Promise<{ summary: RunSummary; verdict: StressVerdict }> {
    return this.exclusive(() => this.stressOnce(stress, overrides));
  }

  private async stressOnce(stress: StressOptions, overrides: RunOverrides): Promise<{ summary: RunSummary; verdict: StressVerdict }> {
    const builder = new VerdictBuilder();
    const off = this.on((e) => {
      if (e.type === 'test-end') builder.add(e.result);
    });
    try {
      const o: SessionOptions = { ...this.opts, ...overrides, dist: 'load', count: stress.count, maxFail: stress.untilFail ? 1 : (overrides.maxFail ?? 0) };
      let iterations = 0;
      const summary = await this.runOnce(o, 'stress', (chosen, durations) => {
        // --duration counts from here: start-up and collection are not part of the hunt.
        const started = performance.now();
        const random = stress.shuffle ? seededRandom(stress.seed) : undefined;
        const round = () => {
          const units = buildUnits(chosen, { dist: 'load', count: stress.count, durations, copiesTogether: stress.serialCopies, firstIteration: iterations + 1 });
          iterations += stress.count;
          return random ? shuffle(units, random) : units;
        };
        return {
          units: round(),
          keepOrder: random !== undefined,
          refill: stress.durationMs === undefined ? undefined : () => (performance.now() - started < stress.durationMs! ? round() : undefined),
        };
      });
      const flakes = this.store.flakes();
      const verdict = builder.verdict({
        seed: stress.seed,
        shuffled: stress.shuffle,
        iterations,
        wallMs: summary.wallMs,
        stoppedEarly: summary.stoppedBecause !== undefined,
        history: (id) => flakes.get(id) ?? [],
      });
      try {
        this.store.addFlakes(builder.records(new Date().toISOString()));
      } catch (err) {
        this.store.warnings.push(`could not write .qa/: ${(err as Error).message}`);
      }
      this.emit({ type: 'stress-end', verdict });
      return { summary, verdict };
    } finally {
      off();
    }
  }

  private async runOnce(o: SessionOptions, mode: RunMode, plan?: PlanHook): Promise<RunSummary> {
    const started = performance.now();
    const tally = new Tally();
    const random = o.seed !== undefined && !plan ? seededRandom(o.seed) : undefined;
    const discovered = await this.discover(o);
    const files = random ? shuffle(discovered, random) : discovered;
    if (files.length === 0) return this.end(o, tally, { wallMs: performance.now() - started, deselected: 0, notRun: 0 });

    const lanes = await this.startPool(Math.min(o.workers, files.length), files);
    const { tests, errors, uncollected } = await collectPhase(lanes, files, importTimeout(o.timeout), this.emit, this.install);
    tally.collectErrors = errors.length;
    if (o.strictMarkers) checkMarkers(tests, o.markers);
    const selected = select(tests, o);
    const { tests: chosen, deselected } = this.applyLastFailed(o, selected.tests, selected.deselected);
    const durations = this.store.durations();
    const failedBefore = o.failedFirst ? new Set(this.store.lastFailed()) : undefined;
    const { units, keepOrder, refill } = plan?.(chosen, durations) ?? ordered(buildUnits(chosen, { dist: o.dist, count: o.count, durations, first: failedBefore }), random);
    // A kept pool only grows: later runs may need every worker.
    await lanes.fit(o.keepWorkers ? Math.max(units.length, lanes.target) : units.length, o.workers);
    for (const lane of lanes.values()) tally.worker(lane.worker.id, lane.worker.restarts);
    this.emit({
      type: 'run-start',
      mode,
      workers: lanes.target,
      files: files.length,
      tests: chosen.length * o.count,
      deselected,
      dist: o.dist,
      count: o.count,
      ...(random ? { seed: o.seed } : {}),
      ...(o.mark ? { mark: o.mark } : {}),
      ...(o.keyword ? { keyword: o.keyword } : {}),
    });

    const scheduler = new Scheduler(units, { workers: lanes.target, keepOrder, quickStart: mode === 'watch' });
    const outcome = await executePhase(
      lanes,
      scheduler,
      tally,
      {
        timeout: o.timeout,
        reruns: o.reruns,
        rerunsDelay: o.rerunsDelay ?? 0,
        rerunsBackoff: o.rerunsBackoff ?? 1,
        maxFail: o.maxFail ?? 0,
        maxWorkerRestarts: o.maxWorkerRestarts ?? 4 * lanes.target,
        isCancelled: () => this.cancelled,
        refill,
      },
      this.emit,
      this.install,
    );
    // Worker fixtures are torn down before the summary, so their errors are part of this run.
    if (!o.keepWorkers) await this.close();
    this.saveCache(outcome.durations, outcome.ranIds, outcome.failedIds);
    return this.end(o, tally, { wallMs: performance.now() - started, deselected, notRun: outcome.notRun, filesNotCollected: uncollected.length, stoppedBecause: outcome.stoppedBecause });
  }

  /** `--lf`: narrows to last run's failures; with none recorded, everything runs (and a note says so). */
  private applyLastFailed(o: SessionOptions, tests: TestMeta[], deselected: number): { tests: TestMeta[]; deselected: number } {
    if (!o.lastFailed) return { tests, deselected };
    const failed = new Set(this.store.lastFailed());
    const kept = tests.filter((t) => failed.has(t.id));
    if (kept.length === 0) {
      this.store.warnings.push('--lf: no failures recorded from earlier runs; running all selected tests');
      return { tests, deselected };
    }
    return { tests: kept, deselected: deselected + tests.length - kept.length };
  }

  private end(o: SessionOptions, tally: Tally, args: { wallMs: number; deselected: number; notRun: number; filesNotCollected?: number; stoppedBecause?: string }): RunSummary {
    const summary = tally.summary({
      ...args,
      interrupted: this.cancelled,
      failOnFlaky: o.failOnFlaky,
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

  /**
   * New settings from a reloaded config, for the next run. The kept workers stop (their worker
   * fixtures are torn down) and the next run starts fresh ones: they read the timeout and the
   * worker count when they start, and a config change is rare enough to pay one cold start.
   */
  async reconfigure(options: ConfiguredOptions): Promise<void> {
    Object.assign(this.opts, options);
    await this.close();
  }

  /** Stops every worker (worker fixtures are torn down). */
  async close(): Promise<void> {
    await this.pool?.stop();
    this.pool = null;
    this.lanes = null;
  }

  /**
   * Watch sessions, between runs: `changed` files (root-relative) changed on disk or were deleted.
   * Every module that is or imports one of them gets a new generation in every live worker, so
   * the next import evaluates it afresh, and test files among them are imported again.
   * Returns the modules that were invalidated.
   */
  invalidate(changed: string[], deleted: string[] = []): Set<string> {
    const modules = this.graph.dependents([...changed, ...deleted]);
    // They are evaluated again and report their imports anew (an import removed by the edit goes).
    for (const m of modules) this.graph.clearImports(m);
    for (const d of deleted) {
      this.graph.remove(d);
      modules.delete(d);
    }
    const forget = [...modules, ...deleted];
    const gen = ++this.generation;
    for (const lane of this.lanes?.values() ?? []) {
      for (const f of forget) lane.worker.files.delete(f);
      lane.worker.send({ t: 'invalidate', gen, modules: [...modules], forget });
    }
    return modules;
  }

  private readonly install = (handlers: PhaseHandlers): void => {
    this.phase = handlers;
  };

  private discover(o: SessionOptions): Promise<string[]> {
    return discover({
      root: o.root,
      include: o.include,
      exclude: o.exclude,
      paths: [...o.paths, ...o.ids.map((id) => id.slice(0, id.indexOf('::')))],
      ...(o.compat ? { list: () => this.compatFiles(o.compat!) } : {}),
    });
  }

  /** Root-relative file → project, when a compat config has more than one project. */
  private fileProject: Record<string, number> | undefined;

  private async compatFiles(compat: SessionCompat): Promise<string[]> {
    const found = await compat.list();
    const files = new Map<string, number>();
    // A file two projects claim runs in the first (qa collects a file once per worker).
    for (const { file, project } of found) if (!files.has(file)) files.set(file, project);
    this.fileProject = compat.worker.projects.length > 1 ? Object.fromEntries(files) : undefined;
    return [...files.keys()];
  }

  private async startPool(n: number, files: string[]): Promise<Lanes> {
    if (this.lanes) {
      // A kept pool: a worker that died between runs comes back under its name.
      for (const lane of [...this.lanes.values()]) if (lane.worker.exited) await this.lanes.respawn(lane);
      return this.lanes;
    }
    this.pool = new Pool(
      {
        root: this.opts.root,
        timeout: this.opts.timeout,
        workerScript: this.opts.workerScript,
        tsHooks: this.opts.watch || this.opts.compat || this.opts.isolate || files.some((f) => TS_FILE.test(f)) ? this.opts.tsHooks : undefined,
        env: {
          ...(this.opts.watch ? { QA_WATCH: '1' } : {}),
          ...(this.opts.isolate !== undefined ? { QA_ISOLATE: this.opts.isolate ? '1' : '0' } : {}),
          ...(this.opts.compat ? { ...this.opts.compat.env, QA_ALIAS: JSON.stringify(this.opts.compat.alias) } : {}),
        },
        ...(this.opts.compat ? { compat: { ...this.opts.compat.worker, ...(this.fileProject ? { fileProject: this.fileProject } : {}) } } : {}),
      },
      {
        items: (w, items) => {
          for (const item of items) if (item.t === 'imports') this.graph.addAll(item.edges);
          this.phase.items(w, items);
        },
        exit: (w, c, s, e) => this.phase.exit(w, c, s, e) },
    );
    const lanes = new Lanes(this.pool, this.emit, (lane) => this.phase.joined(lane));
    await lanes.grow(n);
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
