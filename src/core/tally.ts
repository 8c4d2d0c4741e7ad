// Folds results into the run summary: counts, speedup, per-worker utilization, slowest tests.
import { EXIT, type RunSummary, type TestResult, type TestStatus, type WorkerStats } from './types.js';

const SLOWEST = 5;

export class Tally {
  readonly counts: Record<TestStatus, number> = { passed: 0, failed: 0, skipped: 0, todo: 0, flaky: 0 };
  private busy = new Map<string, { busyMs: number; tests: number; restarts: number }>();
  private slowest: RunSummary['slowest'] = [];
  private sumDurations = 0;
  collectErrors = 0;
  private retried = 0;
  private retriedTests = new Set<string>();
  /** Results that carry a failure other than a test's own (worker-level errors). */
  internalErrors = 0;

  worker(workerId: string, restarts = 0): void {
    const w = this.busy.get(workerId);
    if (w) w.restarts = restarts;
    else this.busy.set(workerId, { busyMs: 0, tests: 0, restarts });
  }

  /** Counts time on the worker for every attempt; the status only for the final one. */
  attempt(result: TestResult): void {
    if (result.willRetry) {
      this.retried++;
      this.retriedTests.add(`${result.id}#${result.iteration}`);
    }
    this.sumDurations += result.durationMs;
    this.worker(result.workerId, this.busy.get(result.workerId)?.restarts ?? 0);
    const w = this.busy.get(result.workerId)!;
    w.busyMs += result.durationMs;
    w.tests++;
  }

  final(result: TestResult): void {
    this.counts[result.status]++;
    if (result.status === 'skipped' || result.status === 'todo') return;
    if (this.slowest.length < SLOWEST || result.durationMs > this.slowest[this.slowest.length - 1].durationMs) {
      this.slowest.push({ id: result.id, durationMs: result.durationMs, workerId: result.workerId });
      this.slowest.sort((a, b) => b.durationMs - a.durationMs);
      if (this.slowest.length > SLOWEST) this.slowest.pop();
    }
  }

  summary(args: { wallMs: number; deselected: number; notRun: number; filesNotCollected?: number; interrupted: boolean; failOnFlaky?: boolean; stoppedBecause?: string }): RunSummary {
    const total = Object.values(this.counts).reduce((a, b) => a + b, 0);
    const ran = this.counts.passed + this.counts.failed + this.counts.flaky;
    const workers: WorkerStats[] = [...this.busy.entries()]
      .sort(([a], [b]) => Number(a.slice(2)) - Number(b.slice(2)))
      .map(([workerId, w]) => ({ workerId, ...w, utilization: args.wallMs > 0 ? Math.min(1, w.busyMs / args.wallMs) : 0 }));
    const failed =
      this.counts.failed > 0 || this.collectErrors > 0 || this.internalErrors > 0 || (args.failOnFlaky === true && this.counts.flaky > 0);
    const exitCode = args.interrupted
      ? EXIT.interrupted
      : failed
        ? EXIT.testsFailed
        : total === 0
          ? EXIT.noTests
          : EXIT.ok;
    return {
      counts: { ...this.counts },
      total,
      collectErrors: this.collectErrors,
      deselected: args.deselected,
      notRun: args.notRun,
      filesNotCollected: args.filesNotCollected ?? 0,
      wallMs: args.wallMs,
      sumDurationsMs: this.sumDurations,
      speedup: args.wallMs > 0 ? this.sumDurations / args.wallMs : 0,
      workers,
      slowest: this.slowest,
      retries: this.retried,
      retryRate: ran ? this.retriedTests.size / ran : 0,
      flakyRate: ran ? this.counts.flaky / ran : 0,
      ...(args.stoppedBecause ? { stoppedBecause: args.stoppedBecause } : {}),
      interrupted: args.interrupted,
      exitCode,
    };
  }
}
