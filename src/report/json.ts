// The machine-readable report: every final result with its attempt history, plus the run summary,
// collection errors and worker errors, written once at the end of the run.
import type { CollectError, ErrorInfo, RunEvent, RunSummary, TestResult, TestStatus } from '../core/types.js';
import { writeFileAtomic } from '../core/atomic.js';
import { iterationSuffix } from './format.js';

export interface JsonAttempt {
  attempt: number;
  status: TestStatus;
  durationMs: number;
  workerId: string;
  error?: ErrorInfo;
}

export interface JsonResult {
  /** `id` plus ` [i/N]` when `--count` repeats tests; equal to `id` otherwise. */
  displayId: string;
  /** The stable test id, the same for every copy. */
  id: string;
  file: string;
  suitePath: string[];
  name: string;
  marks: string[];
  workerId: string;
  status: TestStatus;
  /** How many times this copy ran (1 unless it was rerun). */
  attempts: number;
  history: JsonAttempt[];
  iteration: number;
  durationMs: number;
  error?: ErrorInfo;
  stdout?: string;
  stderr?: string;
}

export interface JsonWorkerError {
  workerId: string;
  error: ErrorInfo;
  testId?: string;
  file?: string;
}

export interface JsonReport {
  version: 1;
  startedAt: string;
  summary: RunSummary;
  results: JsonResult[];
  collectErrors: CollectError[];
  workerErrors: JsonWorkerError[];
}

export class JsonReporter {
  private count = 1;
  private startedAt = new Date().toISOString();
  private results: JsonResult[] = [];
  /** Attempts that will be retried, by iteration and id, until their final attempt arrives. */
  private pending = new Map<string, JsonAttempt[]>();
  private collectErrors: CollectError[] = [];
  private workerErrors: JsonWorkerError[] = [];

  constructor(private readonly path: string) {}

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-start':
        this.count = Math.max(1, event.count || 1);
        this.startedAt = new Date().toISOString();
        break;
      case 'collect-error':
        this.collectErrors.push(event.error);
        break;
      case 'test-end':
        this.result(event.result);
        break;
      case 'worker-error': {
        const { workerId, error, testId, file } = event;
        this.workerErrors.push({ workerId, error, ...(testId !== undefined ? { testId } : {}), ...(file !== undefined ? { file } : {}) });
        break;
      }
      case 'run-end': {
        const report: JsonReport = {
          version: 1,
          startedAt: this.startedAt,
          summary: event.summary,
          results: this.results,
          collectErrors: this.collectErrors,
          workerErrors: this.workerErrors,
        };
        writeFileAtomic(this.path, JSON.stringify(report, null, 2) + '\n');
        break;
      }
      default:
        break;
    }
  };

  private result(r: TestResult): void {
    const key = `${r.iteration}\u0000${r.id}`;
    const attempt: JsonAttempt = {
      attempt: r.attempt,
      status: r.status,
      durationMs: r.durationMs,
      workerId: r.workerId,
      ...(r.error ? { error: r.error } : {}),
    };
    const history = this.pending.get(key) ?? [];
    history.push(attempt);
    if (r.willRetry) {
      this.pending.set(key, history);
      return;
    }
    this.pending.delete(key);
    // Output is kept where it explains something: failed and flaky results.
    const keepOutput = r.status === 'failed' || r.status === 'flaky';
    this.results.push({
      displayId: r.id + iterationSuffix(r.iteration, this.count),
      id: r.id,
      file: r.file,
      suitePath: r.suitePath,
      name: r.name,
      marks: r.marks,
      workerId: r.workerId,
      status: r.status,
      attempts: Math.max(r.attempt, history.length),
      history,
      iteration: r.iteration,
      durationMs: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
      ...(keepOutput && r.stdout ? { stdout: r.stdout } : {}),
      ...(keepOutput && r.stderr ? { stderr: r.stderr } : {}),
    });
  }
}
