// Worker processes gw0..gwN-1: started as many at a time as there are cores, spoken to through
// the protocol module, and replaced under the same name when one dies, so a lane keeps its
// identity across restarts.
import type { WorkerCompat } from '../compat/worker-settings.js';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROGRESS_ENV, PROTOCOL_VERSION, type FromWorker, type ToWorker, type WorkerInit, type WorkerItem } from './protocol.js';
import { forkWorker, takeSpare } from './spare.js';

export interface PoolOptions {
  root: string;
  /** Default per-test timeout handed to workers. */
  timeout: number;
  /** Absolute path of the worker entry (dist/worker.js): it boots bare and waits for `init`. */
  workerScript: string;
  /** `--import` module that registers the TypeScript hooks, when the run needs them. */
  tsHooks?: string;
  env?: Record<string, string>;
  /** A Vitest or Jest project's settings for the workers. */
  compat?: WorkerCompat;
}

export interface PoolListener {
  items(worker: WorkerHandle, items: WorkerItem[]): void;
  exit(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null, expected: boolean): void;
}

const TAIL = 8 * 1024;
/** After a worker exits, how long its last messages may take to arrive. */
const DRAIN_MS = 200;

/** A worker told to stop while it was still starting. */
export class StoppedBeforeReady extends Error {
  constructor(id: string) {
    super(`worker ${id} was stopped before it was ready`);
  }
}

export class WorkerHandle {
  /** Files this process has imported: the scheduler prefers sending it more of those. */
  readonly files = new Set<string>();
  private tail = '';
  stopping = false;
  exited = false;
  /** Replaced while still alive (after a timeout): what it still sends is not for its lane. */
  retired = false;
  constructor(
    readonly id: string,
    readonly proc: ChildProcess,
    readonly restarts: number,
    private readonly progressFile: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-TAIL);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  /** Run items this process took up, from its progress file: read once it has died. */
  started(): number {
    try {
      return Number(readFileSync(this.progressFile, 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  }

  /** Resolves once the dead process's last IPC messages have arrived (or after a short wait). */
  drained(): Promise<void> {
    if (!this.proc.connected) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_MS);
      timer.unref();
      this.proc.once('disconnect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** The last lines the process printed outside any test: shown when it dies. */
  outputTail(): string {
    return this.tail;
  }

  send(msg: ToWorker): void {
    if (this.exited || !this.proc.connected) return;
    this.proc.send(msg);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited) this.proc.kill(signal);
  }
}

export class Pool {
  readonly workers = new Map<string, WorkerHandle>();
  private total = 0;
  /**
   * Workers booting at once. Forked all together, eight workers on two cores share them and all
   * come up late (on the sleep suite, -n 8: the first ready at ~300 ms, the last at ~860 ms);
   * as many at a time as there are cores, the first is up at ~190 ms and the last at ~600 ms,
   * and each lane takes work as it joins, so the run ends sooner. A launch past the limit waits
   * for a boot to finish.
   */
  private readonly bootSlots = Math.max(1, availableParallelism());
  private booting = 0;
  /** Launches waiting for a slot, in order: woken with true when one is handed over, false when called off. */
  private waiting: Array<{ index: number; wake: (handedOver: boolean) => void }> = [];
  private stopped = false;

  constructor(
    private opts: PoolOptions,
    private listener: PoolListener,
  ) {}

  /** Starts gw{from}..gw{to-1}, as many at a time as there are cores: one promise each, settled when that worker is ready. */
  launch(from: number, to: number): Array<{ id: string; ready: Promise<WorkerHandle> }> {
    this.total = Math.max(this.total, to);
    return Array.from({ length: to - from }, (_, i) => {
      const id = `gw${from + i}`;
      return { id, ready: this.launchOne(id, from + i) };
    });
  }

  private async launchOne(id: string, index: number): Promise<WorkerHandle> {
    if (this.stopped) throw new StoppedBeforeReady(id);
    if (this.booting < this.bootSlots) this.booting++;
    else if (!(await new Promise<boolean>((wake) => this.waiting.push({ index, wake })))) throw new StoppedBeforeReady(id);
    try {
      // Stopped while the slot was on its way here.
      if (this.stopped) throw new StoppedBeforeReady(id);
      return await this.spawn(id, 0);
    } finally {
      const next = this.waiting.shift();
      if (next) next.wake(true);
      else this.booting--;
    }
  }

  /** Launches of gw{from} and up still waiting for a slot never start: the pool was fitted down. */
  cancelLaunches(from: number): void {
    const called = this.waiting.filter((w) => w.index >= from);
    this.waiting = this.waiting.filter((w) => w.index < from);
    for (const w of called) w.wake(false);
  }

  /** Launches still waiting for a slot never start: the run is over. */
  private stopLaunching(): void {
    this.stopped = true;
    this.cancelLaunches(0);
  }

  /** A fresh process under a dead worker's name. */
  replace(dead: WorkerHandle): Promise<WorkerHandle> {
    return this.spawn(dead.id, dead.restarts + 1);
  }

  private spawn(id: string, restarts: number): Promise<WorkerHandle> {
    const progressFile = join(tmpdir(), `qa-lanes-progress-${process.pid}-${id}-${restarts}`);
    writeFileSync(progressFile, '0');
    // The first worker may have been booting since before qa parsed its arguments (spare.ts).
    const { proc, booted } = takeSpare(this.opts.workerScript) ?? forkWorker(this.opts.workerScript, this.opts.root);
    const init: WorkerInit = {
      t: 'init',
      env: {
        ...this.opts.env,
        QA_WORKER_ID: id,
        QA_WORKER_COUNT: String(this.total),
        QA_ROOT: this.opts.root,
        QA_TIMEOUT: String(this.opts.timeout),
        [PROGRESS_ENV]: progressFile,
      },
      cwd: this.opts.root,
      imports: this.opts.tsHooks ? [this.opts.tsHooks] : [],
      ...(this.opts.compat ? { compat: this.opts.compat } : {}),
    };
    void booted.then(() => proc.connected && proc.send(init));
    const worker = new WorkerHandle(id, proc, restarts, progressFile);
    this.workers.set(id, worker);
    return new Promise<WorkerHandle>((resolve, reject) => {
      let ready = false;
      proc.on('message', (msg: FromWorker) => {
        if (msg.t === 'batch') this.listener.items(worker, msg.items);
        else if (msg.t === 'ready') {
          if (msg.v !== PROTOCOL_VERSION) {
            reject(new Error(`worker ${id} speaks protocol ${msg.v}, expected ${PROTOCOL_VERSION} (mixed qa-lanes installs?)`));
            return;
          }
          ready = true;
          resolve(worker);
        }
      });
      proc.on('error', (err) => {
        if (!ready) reject(err);
      });
      proc.on('exit', (code, signal) => {
        worker.exited = true;
        if (!ready) {
          rmSync(progressFile, { force: true });
          if (worker.stopping) {
            reject(new StoppedBeforeReady(id));
            return;
          }
          const tail = worker.outputTail().trim();
          reject(new Error(`worker ${id} exited with ${signal ?? `code ${code}`} before it was ready${tail ? `:\n${tail}` : ''}`));
          return;
        }
        void worker.drained().then(() => {
          this.listener.exit(worker, code, signal, worker.stopping);
          rmSync(progressFile, { force: true });
        });
      });
    });
  }

  /** Asks every worker to tear down its worker fixtures and exit; kills stragglers after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopLaunching();
    const live = [...this.workers.values()].filter((w) => !w.exited);
    await Promise.all(live.map((w) => this.stopOne(w, graceMs)));
  }

  stopOne(worker: WorkerHandle, graceMs = 5000): Promise<void> {
    if (worker.exited) return Promise.resolve();
    worker.stopping = true;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => worker.kill('SIGKILL'), graceMs);
      worker.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (worker.proc.connected) worker.send({ t: 'stop' });
      else worker.kill('SIGKILL');
    });
  }

  /** Kills everything at once (second Ctrl-C). */
  killAll(): void {
    this.stopLaunching();
    for (const w of this.workers.values()) {
      w.stopping = true;
      w.kill('SIGKILL');
    }
  }
}
