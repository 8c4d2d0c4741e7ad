// A lane is a worker name (gwK) and what the controller knows about the process behind it now:
// what it was sent and has not answered, and when it must answer by. The process can be
// replaced; the lane stays.
import { performance } from 'node:perf_hooks';
import { StoppedBeforeReady, type Pool, type WorkerHandle } from './pool.js';
import type { WorkItem } from './schedule.js';
import type { RunEvent } from './types.js';

export interface Lane {
  worker: WorkerHandle;
  /** Run phase: items sent and not yet answered, in the order the worker runs them. */
  inflight: WorkItem[];
  /**
   * Collect and run messages sent to the current process and not yet answered with `done`. A
   * phase ends only when this is 0 on every lane: in watch sessions `done` comes a moment after the
   * last result (the worker first reports the imports it saw), and must not spill into the next phase.
   */
  chunks: number;
  /** Number of the last run message sent to the current process. */
  seq: number;
  /** Run items the current process has answered (result or dropped). */
  completed: number;
  /** Collect phase: files sent and not yet answered, in import order. */
  collecting: string[];
  /** When the current test or import started (at the latest). */
  since: number;
  /** Files with items sent since the last file-done. */
  touched: Set<string>;
  /** Why the controller killed this worker (a hang): becomes the failure message. */
  killedFor?: string;
}

const laneIndex = (id: string): number => Number(id.slice(2));

/** How long past its timeout a silent worker is given before it is killed and replaced. */
export const HANG_GRACE_MS = 2000;

export class Lanes {
  readonly all = new Map<string, Lane>();
  private watchdog: NodeJS.Timeout | undefined;
  /** Workers forked and not ready yet: each joins as a lane the moment it is. */
  private starting = 0;
  /** How many lanes the work wants; a worker named beyond it that gets ready is stopped. */
  private wanted = Infinity;

  constructor(
    private pool: Pool,
    private emit: (event: RunEvent) => void,
    /** A lane came up after its phase began: the phase gives it work. */
    private joined: (lane: Lane) => void,
  ) {}

  /**
   * Starts workers up to `to` lanes. Resolves once there is a lane to give work to, not when all
   * are ready: on few cores workers boot one after another, and the first need not wait for the
   * last. Throws when no worker could start at all.
   */
  async grow(to: number): Promise<void> {
    this.wanted = to;
    const from = this.all.size + this.starting;
    if (to <= from) return;
    const firstUp = this.pool.launch(from, to).map(({ id, ready }) => {
      this.starting++;
      return ready.then(
        (worker) => {
          this.starting--;
          // Fitted down meanwhile: the lowest names stay, so the lanes are always gw0..gwN-1.
          if (laneIndex(worker.id) >= this.wanted) {
            void this.pool.stopOne(worker);
            return;
          }
          const lane = this.add(worker);
          // It was forked with the count of its day; the pool may have been fitted since.
          worker.send({ t: 'workers', count: this.count });
          this.joined(lane);
        },
        (err: Error) => {
          this.starting--;
          // One stopped before it was up (the run ended or failed first) is no error.
          if (!(err instanceof StoppedBeforeReady)) this.emit({ type: 'worker-error', workerId: id, error: { name: 'SpawnError', message: err.message } });
          throw err;
        },
      );
    });
    try {
      await Promise.any(firstUp);
    } catch (err) {
      if (this.all.size === 0) throw (err as AggregateError).errors[0];
    }
  }

  /** Lanes there are or will be once the workers starting now are up. */
  get target(): number {
    return this.all.size + this.starting;
  }

  /** No lane is left and none is coming: work still queued can never run. */
  get gone(): boolean {
    return this.all.size === 0 && this.starting === 0;
  }

  add(worker: WorkerHandle): Lane {
    const lane: Lane = { worker, inflight: [], chunks: 0, seq: 0, completed: 0, collecting: [], since: 0, touched: new Set() };
    this.all.set(worker.id, lane);
    this.emit({ type: 'worker-up', workerId: worker.id, pid: worker.pid, restarts: worker.restarts });
    return lane;
  }

  /** The lane a message came from, if that process is still the lane's current one. */
  of(worker: WorkerHandle): Lane | undefined {
    const lane = this.all.get(worker.id);
    return lane && lane.worker === worker ? lane : undefined;
  }

  get size(): number {
    return this.all.size;
  }

  values(): IterableIterator<Lane> {
    return this.all.values();
  }

  /** Forgets what a dead process held; returns it so the caller can fail or requeue it. */
  reset(lane: Lane): { inflight: WorkItem[]; collecting: string[]; killedFor?: string } {
    const held = { inflight: lane.inflight, collecting: lane.collecting, killedFor: lane.killedFor };
    lane.inflight = [];
    lane.collecting = [];
    lane.chunks = 0;
    lane.seq = 0;
    lane.completed = 0;
    lane.touched.clear();
    lane.killedFor = undefined;
    return held;
  }

  /** Starts a new process under the lane's name; false (and the lane is gone) if it cannot start. */
  async respawn(lane: Lane): Promise<boolean> {
    try {
      lane.worker = await this.pool.replace(lane.worker);
    } catch (err) {
      this.all.delete(lane.worker.id);
      this.emit({ type: 'worker-error', workerId: lane.worker.id, error: { name: 'SpawnError', message: (err as Error).message } });
      return false;
    }
    this.emit({ type: 'worker-up', workerId: lane.worker.id, pid: lane.worker.pid, restarts: lane.worker.restarts });
    return true;
  }

  /** Replaces a live worker that asked for it; the old one is stopped in the background. */
  recycle(lane: Lane): Promise<boolean> {
    const old = lane.worker;
    old.retired = true;
    void this.pool.stopOne(old);
    return this.respawn(lane);
  }

  /**
   * Kills a worker that has been busy with one thing for longer than `limit(lane)` plus a grace
   * period: synchronous code that never yields can only be stopped from outside.
   */
  watch(limit: (lane: Lane) => { ms: number; what: string } | undefined): void {
    this.unwatch();
    this.watchdog = setInterval(() => {
      const now = performance.now();
      for (const lane of this.all.values()) {
        const busy = limit(lane);
        if (!busy || !(busy.ms > 0) || lane.killedFor || now - lane.since <= busy.ms + HANG_GRACE_MS) continue;
        lane.killedFor = `${busy.what} timed out after ${busy.ms} ms (${lane.worker.id} stopped responding and was replaced)`;
        lane.worker.kill('SIGKILL');
      }
    }, 250);
    this.watchdog.unref();
  }

  unwatch(): void {
    clearInterval(this.watchdog);
  }

  /**
   * As many workers as units of work, up to `max`: extra ones stop, and more start when copies
   * (--count, stress) make more units than the files the pool was sized for.
   */
  async fit(units: number, max: number): Promise<void> {
    const want = Math.max(1, Math.min(units, max));
    if (want === this.target) return;
    if (want > this.target) {
      await this.grow(want);
    } else {
      this.wanted = want;
      this.pool.cancelLaunches(want);
      const extra = [...this.all.values()].filter((lane) => laneIndex(lane.worker.id) >= want);
      for (const lane of extra) this.all.delete(lane.worker.id);
      await Promise.all(extra.map((lane) => this.pool.stopOne(lane.worker)));
    }
    for (const lane of this.all.values()) lane.worker.send({ t: 'workers', count: this.count });
  }

  /** QA_WORKER_COUNT: the lanes the work wants, whether or not all are up yet. */
  private get count(): number {
    return Math.min(this.wanted, this.target);
  }
}
