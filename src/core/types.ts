// Plain data shared by the engine, the worker runtime and every frontend.
// Everything here crosses process boundaries or the RunEvent stream, so it stays JSON-safe.

import type { StressVerdict } from './stress.js';

export type TestMode = 'run' | 'skip' | 'todo';
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo' | 'flaky';
export const DIST_MODES = ['load', 'loadscope', 'loadfile', 'loadgroup'] as const;
export type DistMode = (typeof DIST_MODES)[number];

/** One collected test, as the worker that imported its file describes it. */
export interface TestMeta {
  /** `relative/file.test.ts::describe::name`, unique within a run. */
  id: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Enclosing describe names, outermost first. */
  suitePath: string[];
  name: string;
  /** Own marks plus every enclosing describe's marks. */
  marks: string[];
  group?: string;
  mode: TestMode;
  timeout?: number;
  reruns?: number;
}

export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  /** Jest-style expected/received rendering when the matcher supplied one. */
  diff?: string;
}

/** What one attempt of one test came to, as the worker reports it. */
export interface TestOutcome {
  status: TestStatus;
  durationMs: number;
  error?: ErrorInfo;
  stdout: string;
  stderr: string;
  /** 1 for the first try; higher when the test was rerun. */
  attempt: number;
  /** 1-based copy number when `--count` repeats a test; 1 otherwise. */
  iteration: number;
}

export interface TestResult extends TestOutcome {
  id: string;
  file: string;
  suitePath: string[];
  name: string;
  marks: string[];
  workerId: string;
  /** A failed attempt that will be retried: not the test's final word. */
  willRetry?: boolean;
}

export interface CollectError {
  file: string;
  error: ErrorInfo;
}

export interface WorkerStats {
  workerId: string;
  busyMs: number;
  tests: number;
  restarts: number;
  utilization: number;
}

export interface RunSummary {
  counts: Record<TestStatus, number>;
  total: number;
  collectErrors: number;
  deselected: number;
  /** Tests selected but never run (stopped early, interrupted). */
  notRun: number;
  /** Test files never imported because the run was interrupted while collecting: their tests are unknown. */
  filesNotCollected: number;
  wallMs: number;
  sumDurationsMs: number;
  /** Sum of test durations divided by wall time: how much parallelism bought. */
  speedup: number;
  workers: WorkerStats[];
  slowest: Array<{ id: string; durationMs: number; workerId: string }>;
  /** Attempts that failed and were retried. */
  retries: number;
  /** Tests that needed at least one retry, over tests that ran. */
  retryRate: number;
  /** Tests that passed only after failing, over tests that ran. */
  flakyRate: number;
  /** Why the run stopped before its end: Ctrl-C, -x/--maxfail, too many worker crashes. */
  stoppedBecause?: string;
  interrupted: boolean;
  exitCode: number;
}

export type RunEvent =
  | {
      type: 'run-start';
      mode: 'run' | 'stress' | 'watch';
      workers: number;
      files: number;
      tests: number;
      deselected: number;
      dist: DistMode;
      /** Copies of every test (`--count`); results carry their iteration 1..count. */
      count: number;
      /** `--shuffle`: its seed. */
      seed?: number;
      mark?: string;
      keyword?: string;
    }
  | { type: 'collect-error'; error: CollectError }
  | { type: 'worker-up'; workerId: string; pid: number; restarts: number }
  | { type: 'worker-down'; workerId: string; code: number | null; signal: string | null; expected: boolean }
  | { type: 'test-start'; workerId: string; id: string; attempt: number; iteration: number }
  | { type: 'test-end'; result: TestResult }
  /**
   * An error no test result carries: afterAll, fixture teardown, a stray rejection. `testId` is
   * the test whose code started the failing work; `afterEnd` says that test had already finished.
   */
  | { type: 'worker-error'; workerId: string; error: ErrorInfo; testId?: string; file?: string; afterEnd?: boolean }
  | { type: 'run-end'; summary: RunSummary }
  /** After run-end of a `qa stress` run. */
  | { type: 'stress-end'; verdict: StressVerdict };

export const EXIT = {
  ok: 0,
  testsFailed: 1,
  interrupted: 2,
  internal: 3,
  usage: 4,
  noTests: 5,
} as const;
