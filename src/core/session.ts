// The one object every frontend drives: discover → collect (in workers) → select → schedule → run,
// emitting a single RunEvent stream. It knows nothing about how events are shown.
import { performance } from 'node:perf_hooks';
import { discover } from './discover.js';
import { Pool, type WorkerHandle } from './pool.js';
import type { WorkerItem, WorkerTestEnd } from './protocol.js';
import { buildUnits, Scheduler, type WorkItem } from './schedule.js';
import { checkMarkers, select } from './select.js';
import { Store } from './store.js';
import { Tally } from './tally.js';
import type { CollectError, DistMode, RunEvent, RunSummary, TestMeta, TestResult } from './types.js';

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
  /** Worker restarts allowed before the run gives up. */
  maxWorkerRestarts?: number;
  workerScript: string;
  tsHooks: string;
}

export type Listener = (event: RunEvent) => void;

/** How long past its timeout a silent worker is given before it is killed and replaced. */
const HANG_GRACE_MS = 2000;
const TS_FILE = /\.(ts|mts)$/;

interface Lane {
  worker: WorkerHandle;
  /** Items sent and not yet answered, in the order the worker runs them. */
  inflight: WorkItem[];
  chunks: number;
  /** When the head of `inflight` started (at the latest): for the hang watchdog. */
  headSince: number;
  /** Files with items sent since the last file-done. */
  touched: Set<string>;
  /** Why the session killed this worker, when it did (a hang): the failure message for its test. */
  killedFor?: string;
}

type ItemsHandler = (worker: WorkerHandle, items: WorkerItem[]) => void;
type ExitHandler = (worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null, expected: boolean) => void;

export class Session {
  private listeners = new Set<Listener>();
  private pool: Pool | null = null;
  private lanes = new Map<string, Lane>();
  private store: Store;
  private cancelled = false;

  constructor(readonly opts: SessionOptions) {
    this.store = new Store(opts.root);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Cache files that could not be read, one line each. */
  get warnings(): readonly string[] {
    return this.store.warnings;
  }

  /** Discovers and collects without running: for `qa list`. */
  async list(): Promise<{ tests: TestMeta[]; errors: CollectError[] }> {
    const files = await this.discover();
    if (files.length === 0) return { tests: [], errors: [] };
    await this.startPool(Math.min(this.opts.workers, files.length), files);
    try {
      const { tests, errors } = await this.collect(files);
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
    if (files.length === 0) {
      const summary = tally.summary({ wallMs: performance.now() - started, deselected: 0, notRun: 0, interrupted: false });
      this.emit({ type: 'run-end', summary });
      return summary;
    }
    await this.startPool(Math.min(this.opts.workers, files.length), files);
    const { tests, errors } = await this.collect(files);
    tally.collectErrors = errors.length;
    if (this.opts.strictMarkers) checkMarkers(tests, this.opts.markers);
    const { tests: chosen, deselected } = select(tests, this.opts);
    const durations = this.store.durations();
    const units = buildUnits(chosen, { dist: this.opts.dist, count: this.opts.count, durations });
    await this.shrinkTo(Math.max(1, units.length));
    for (const lane of this.lanes.values()) tally.worker(lane.worker.id);
    this.emit({
      type: 'run-start',
      mode: 'run',
      workers: this.lanes.size,
      files: files.length,
      tests: chosen.length * this.opts.count,
      deselected,
      dist: this.opts.dist,
    });
    const scheduler = new Scheduler(units, { workers: this.lanes.size });
    const outcome = await this.execute(scheduler, tally);
    const wallMs = performance.now() - started;
    this.saveCache(outcome.fresh, outcome.failedIds);
    const summary = tally.summary({ wallMs, deselected, notRun: outcome.notRun, interrupted: this.cancelled });
    this.emit({ type: 'run-end', summary });
    return summary;
  }

  /** First Ctrl-C: drop queued tests, cut running ones, report what ran. */
  cancel(): void {
    this.cancelled = true;
    this.onCancel?.();
  }
  private onCancel?: () => void;

  /** Stops every worker (worker fixtures are torn down). */
  async close(): Promise<void> {
    await this.pool?.stop();
    this.pool = null;
    this.lanes.clear();
  }

  /** Second Ctrl-C: no grace. */
  kill(): void {
    this.pool?.killAll();
  }

  private async discover(): Promise<string[]> {
    return discover({
      root: this.opts.root,
      include: this.opts.include,
      exclude: this.opts.exclude,
      paths: [...this.opts.paths, ...this.opts.ids.map((id) => id.slice(0, id.indexOf('::')))],
    });
  }

  // The phase running now (collect or execute) decides what worker messages mean.
  private onItems: ItemsHandler = () => {};
  private onExit: ExitHandler = () => {};

  private async startPool(n: number, files: string[]): Promise<void> {
    if (this.pool) return;
    this.pool = new Pool(
      {
        root: this.opts.root,
        timeout: this.opts.timeout,
        workerScript: this.opts.workerScript,
        tsHooks: files.some((f) => TS_FILE.test(f)) ? this.opts.tsHooks : undefined,
      },
      { items: (w, items) => this.onItems(w, items), exit: (w, c, s, e) => this.onExit(w, c, s, e) },
    );
    const workers = await this.pool.start(n);
    for (const worker of workers) {
      this.lanes.set(worker.id, { worker, inflight: [], chunks: 0, headSince: 0, touched: new Set() });
      this.emit({ type: 'worker-up', workerId: worker.id, pid: worker.pid, restarts: 0 });
    }
  }

  /** Workers import the files in parallel, pulling a few files at a time. */
  private collect(files: string[]): Promise<{ tests: TestMeta[]; errors: CollectError[] }> {
    const byFile = new Map<string, TestMeta[]>();
    const errors: CollectError[] = [];
    const queue = [...files];
    const batch = Math.max(1, Math.ceil(files.length / (this.lanes.size * 4)));
    return new Promise((resolve, reject) => {
      let busy = 0;
      const feed = (lane: Lane) => {
        const chunk = queue.splice(0, batch);
        if (chunk.length === 0) {
          if (busy === 0) {
            resolve({ tests: files.flatMap((f) => byFile.get(f) ?? []), errors });
          }
          return;
        }
        busy++;
        for (const f of chunk) lane.worker.files.add(f);
        lane.worker.send({ t: 'collect', files: chunk });
      };
      this.onItems = (worker, items) => {
        for (const item of items) {
          if (item.t === 'collected') byFile.set(item.file, item.tests);
          else if (item.t === 'collect-error') {
            const error = { file: item.file, error: item.error };
            errors.push(error);
            worker.files.delete(item.file);
            this.emit({ type: 'collect-error', error });
          } else if (item.t === 'error') this.emit({ type: 'worker-error', workerId: worker.id, error: item.error, file: item.file });
          else if (item.t === 'done') {
            busy--;
            feed(this.lanes.get(worker.id)!);
          }
        }
      };
      this.onExit = (worker, code, signal) => {
        reject(new Error(`worker ${worker.id} exited with ${signal ?? `code ${code}`} while importing test files:\n${worker.outputTail()}`));
      };
      for (const lane of this.lanes.values()) feed(lane);
    });
  }

  /** Never more workers than units of work. */
  private async shrinkTo(n: number): Promise<void> {
    const extra = [...this.lanes.values()].slice(n);
    for (const lane of extra) this.lanes.delete(lane.worker.id);
    await Promise.all(extra.map((lane) => this.pool!.stopOne(lane.worker)));
  }

  private execute(scheduler: Scheduler, tally: Tally): Promise<{ fresh: Map<string, number>; failedIds: string[]; notRun: number }> {
    const fresh = new Map<string, number>();
    const failed = new Set<string>();
    let restarts = 0;
    let notRun = 0;
    const maxRestarts = this.opts.maxWorkerRestarts ?? 4 * this.lanes.size;
    const replacing = new Set<string>();

    return new Promise((resolve) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        resolve({ fresh, failedIds: [...failed], notRun });
      };
      const idle = () => [...this.lanes.values()].every((l) => l.inflight.length === 0) && replacing.size === 0;
      const maybeFinish = () => {
        if ((scheduler.remainingUnits === 0 || this.cancelled) && idle()) finish();
      };

      const fill = (lane: Lane) => {
        while (!this.cancelled && scheduler.wantsMore(lane.chunks, lane.inflight.reduce((sum, i) => sum + i.estimate, 0))) {
          const items = scheduler.next((f) => lane.worker.files.has(f));
          if (items.length === 0) break;
          if (lane.inflight.length === 0) lane.headSince = performance.now();
          lane.inflight.push(...items);
          lane.chunks++;
          lane.worker.send({ t: 'run', tests: items.map((i) => ({ id: i.test.id, attempt: i.attempt, iteration: i.iteration })) });
          for (const i of items) {
            lane.touched.add(i.test.file);
            lane.worker.files.add(i.test.file);
          }
          releaseFiles(items);
        }
      };

      // A file whose units are all handed out is done for every worker that ran part of it.
      const releaseFiles = (items: WorkItem[]) => {
        const seen = new Set(items.map((i) => i.test.file));
        for (const file of seen) {
          if (scheduler.pendingFor(file) > 0) continue;
          for (const l of this.lanes.values()) {
            if (l.touched.delete(file)) l.worker.send({ t: 'file-done', file });
          }
        }
      };

      const record = (lane: Lane, end: WorkerTestEnd) => {
        const item = lane.inflight.shift();
        lane.headSince = performance.now();
        if (!item || item.test.id !== end.id) {
          this.emit({
            type: 'worker-error',
            workerId: lane.worker.id,
            error: { name: 'ProtocolError', message: `worker ${lane.worker.id} answered for ${end.id} but was expected to run ${item?.test.id ?? 'nothing'}` },
          });
          tally.internalErrors++;
          return;
        }
        settle(lane.worker.id, item, end);
      };

      const settle = (workerId: string, item: WorkItem, end: Omit<WorkerTestEnd, 't' | 'id'>) => {
        const test = item.test;
        const allowed = test.reruns ?? this.opts.reruns;
        const retry = end.status === 'failed' && item.attempt <= allowed && !this.cancelled;
        const status = end.status === 'passed' && item.attempt > 1 ? 'flaky' : end.status;
        const result: TestResult = {
          id: test.id,
          file: test.file,
          suitePath: test.suitePath,
          name: test.name,
          marks: test.marks,
          workerId,
          status,
          durationMs: end.durationMs,
          error: end.error,
          stdout: end.stdout,
          stderr: end.stderr,
          attempt: item.attempt,
          iteration: item.iteration,
          ...(retry ? { willRetry: true } : {}),
        };
        if (test.mode === 'run') fresh.set(test.id, end.durationMs);
        tally.attempt(result);
        this.emit({ type: 'test-end', result });
        if (retry) {
          scheduler.requeue([{ ...item, attempt: item.attempt + 1 }]);
          return;
        }
        tally.final(result);
        if (status === 'failed') failed.add(test.id);
      };

      this.onItems = (worker, items) => {
        const lane = this.lanes.get(worker.id);
        if (!lane || lane.worker !== worker) return;
        for (const item of items) {
          switch (item.t) {
            case 'start':
              this.emit({ type: 'test-start', workerId: worker.id, id: item.id, attempt: item.attempt, iteration: item.iteration });
              break;
            case 'end':
              record(lane, item);
              break;
            case 'done':
              lane.chunks--;
              break;
            case 'error':
              this.emit({ type: 'worker-error', workerId: worker.id, error: item.error, testId: item.testId, file: item.file });
              break;
            default:
              break;
          }
        }
        fill(lane);
        for (const l of this.lanes.values()) if (l !== lane) fill(l);
        maybeFinish();
      };

      this.onExit = (worker, code, signal, expected) => {
        const lane = this.lanes.get(worker.id);
        if (!lane || lane.worker !== worker) return;
        this.emit({ type: 'worker-down', workerId: worker.id, code, signal, expected });
        if (expected) return;
        const [running, ...rest] = lane.inflight;
        lane.inflight = [];
        lane.chunks = 0;
        lane.touched.clear();
        if (this.cancelled) {
          // Cut by Ctrl-C: neither passed nor failed.
          notRun += rest.length + (running ? 1 : 0);
          maybeFinish();
          return;
        }
        if (running) {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          const reason = lane.killedFor ?? `worker ${worker.id} ${how} while running it`;
          lane.killedFor = undefined;
          const tail = worker.outputTail().trim();
          settle(worker.id, running, {
            status: 'failed',
            durationMs: performance.now() - lane.headSince,
            error: { name: 'WorkerCrash', message: reason, ...(tail ? { stack: `last output of ${worker.id}:\n${tail}` } : {}) },
            stdout: '',
            stderr: '',
            attempt: running.attempt,
            iteration: running.iteration,
          });
        }
        scheduler.requeue(rest);
        if (++restarts > maxRestarts) {
          this.emit({
            type: 'worker-error',
            workerId: worker.id,
            error: { name: 'TooManyRestarts', message: `workers crashed ${restarts} times (limit ${maxRestarts}); stopping the run` },
          });
          tally.internalErrors++;
          notRun += scheduler.clear();
          maybeFinish();
          return;
        }
        replacing.add(worker.id);
        this.pool!.replace(worker).then(
          (fresh) => {
            replacing.delete(worker.id);
            lane.worker = fresh;
            tally.worker(fresh.id, fresh.restarts);
            this.emit({ type: 'worker-up', workerId: fresh.id, pid: fresh.pid, restarts: fresh.restarts });
            for (const l of this.lanes.values()) fill(l);
            maybeFinish();
          },
          (err: Error) => {
            replacing.delete(worker.id);
            this.lanes.delete(worker.id);
            this.emit({ type: 'worker-error', workerId: worker.id, error: { name: 'SpawnError', message: err.message } });
            tally.internalErrors++;
            if (this.lanes.size === 0) notRun += scheduler.clear();
            maybeFinish();
          },
        );
      };


      // A test stuck in synchronous code never lets its worker answer: kill it past its timeout.
      const watchdog = setInterval(() => {
        const now = performance.now();
        for (const lane of this.lanes.values()) {
          const head = lane.inflight[0];
          const limit = head?.test.timeout ?? this.opts.timeout;
          if (head && limit > 0 && now - lane.headSince > limit + HANG_GRACE_MS && !lane.killedFor) {
            lane.killedFor = `timed out after ${limit} ms (${lane.worker.id} stopped responding and was replaced)`;
            lane.worker.kill('SIGKILL');
          }
        }
      }, 250);
      watchdog.unref();

      this.onCancel = () => {
        notRun += scheduler.clear();
        for (const lane of this.lanes.values()) {
          if (lane.inflight.length) lane.worker.kill('SIGKILL');
        }
        maybeFinish();
      };

      for (const lane of this.lanes.values()) fill(lane);
      maybeFinish();
    });
  }

  private saveCache(durations: Map<string, number>, failedIds: string[]): void {
    try {
      this.store.saveDurations(durations);
      this.store.saveLastFailed(failedIds);
    } catch (err) {
      this.store.warnings.push(`could not write .qa/: ${(err as Error).message}`);
    }
  }
}
