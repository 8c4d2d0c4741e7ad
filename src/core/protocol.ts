// The controller <-> worker protocol: the only thing both sides share. Small, versioned, and
// batched on the worker side so tiny tests never cost one IPC round trip each.
import type { WorkerCompat } from '../compat/worker-settings.js';
import type { ErrorInfo, TestMeta, TestOutcome } from './types.js';

export const PROTOCOL_VERSION = 4;

/**
 * Env var naming a small file where the worker writes, at offset 0 and synchronously, the count
 * of run items it has taken up, before each one. Nobody reads it until the worker dies; then it
 * says which test was running even if batched results died with the process. (A pipe would wake
 * the controller on every test.)
 */
export const PROGRESS_ENV = 'QA_PROGRESS_FILE';
export const PROGRESS_WIDTH = 12;

export interface RunItem {
  id: string;
  attempt: number;
  iteration: number;
}

export type ToWorker =
  | { t: 'collect'; files: string[] }
  /** `seq` numbers run messages per worker, so a later `drop` can name what it covers. */
  | { t: 'run'; seq: number; tests: RunItem[]; holdOnFailure?: boolean }
  /** Handled on arrival: go on after a failure the worker held on (see holdOnFailure). */
  | { t: 'continue' }
  /** Handled on arrival, not queued: skip every not-yet-started item of runs up to `upTo`. */
  | { t: 'drop'; upTo: number }
  /** No more tests of this file will come to this worker: run afterAll hooks, drop file fixtures. */
  | { t: 'file-done'; file: string }
  /** The pool shrank to fit the work: QA_WORKER_COUNT changes accordingly. */
  | { t: 'workers'; count: number }
  /**
   * Watch sessions: these project modules (root-relative) changed on disk or import one that did;
   * they get generation `gen` in their module URLs so the next import evaluates them afresh, and
   * the test files in `forget` are dropped from the worker's cache so they are imported again.
   */
  | { t: 'invalidate'; gen: number; modules: string[]; forget: string[] }
  | { t: 'stop' };

/** A test's result on the wire: lean, since a run of tiny tests sends thousands. */
export interface WorkerTestEnd {
  t: 'end';
  id: string;
  status: TestOutcome['status'];
  durationMs: number;
  error?: ErrorInfo;
  /** Captured output, left out when empty. */
  stdout?: string;
  stderr?: string;
  /** The test was cut by its timeout: this worker runs nothing more and wants replacing. */
  recycle?: boolean;
}

export type WorkerItem =
  | { t: 'collected'; file: string; tests: TestMeta[] }
  /** Watch sessions: project modules imported (root-relative `[importer, imported]`) since the last report. */
  | { t: 'imports'; edges: Array<[string, string]> }
  | { t: 'collect-error'; file: string; error: ErrorInfo }
  /** Left out when the test's `end` leaves in the same batch. */
  | { t: 'start'; id: string; attempt: number; iteration: number }
  | WorkerTestEnd
  /** An item skipped because of a `drop`. */
  | { t: 'dropped'; id: string; iteration: number }
  /**
   * Isolated runs leave every file's module instances behind (ES modules cannot be unloaded): past
   * its memory budget, between files, a worker asks to be replaced and takes no more work.
   */
  | { t: 'spent'; rssMb: number }
  /** Everything sent by one `collect` or `run` message is done. */
  | { t: 'done' }
  /** An error no test owns: afterAll, a worker fixture's teardown, a stray rejection. */
  | { t: 'error'; error: ErrorInfo; testId?: string; file?: string; afterEnd?: boolean };

/** `boot`: listening for `init`. `ready`: the worker proper is loaded and takes work. */
export type FromWorker = { t: 'boot' } | { t: 'ready'; v: number } | { t: 'batch'; items: WorkerItem[] };

/**
 * The first message to a worker process, which boots bare (so one can be forked before qa knows
 * what it will run): who it is, then the worker proper loads and answers `ready`.
 */
export interface WorkerInit {
  t: 'init';
  /** QA_WORKER_ID, QA_WORKER_COUNT, QA_ROOT, QA_TIMEOUT, the progress file, and run-wide extras. */
  env: Record<string, string>;
  cwd: string;
  /** Modules to import first: the module hooks (TypeScript, watch) register themselves there. */
  imports: string[];
  /** A Vitest or Jest project: its setup files, globals and mock settings per project. */
  compat?: WorkerCompat;
}
