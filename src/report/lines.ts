// The headless frontend: xdist-style result lines, failures with their output, and a summary
// with the numbers that matter for a parallel run (speedup, per-worker utilization, slowest tests).
import type { CollectError, ErrorInfo, RunEvent, RunSummary, TestResult } from '../core/types.js';
import { displayId, firstLine, ms, notRunText, paint, pct, safe, safeBlock, type Paint } from './format.js';

export interface Writer {
  write(text: string): unknown;
}

type WorkerErrorEvent = Extract<RunEvent, { type: 'worker-error' }>;

/** Where a worker-level error belongs: the test that started the work, or a file. */
function whenWorkerError(e: WorkerErrorEvent): string {
  if (e.testId) return e.afterEnd ? ` (from ${safe(e.testId)}, after it had finished)` : ` (during ${safe(e.testId)})`;
  return e.file ? ` (in ${safe(e.file)})` : '';
}

const LABEL: Record<TestResult['status'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  skipped: 'SKIPPED',
  todo: 'TODO',
  flaky: 'FLAKY',
};

/** Captured output shown with a failure is cut to its end: the last lines explain the most. */
const OUTPUT_SHOWN = 8 * 1024;

export class LineReporter {
  private failures: TestResult[] = [];
  private flaky: TestResult[] = [];
  private count = 1;
  private collectErrors: CollectError[] = [];
  private workerErrors: WorkerErrorEvent[] = [];
  private p: Paint;
  private buffer: string[] = [];

  constructor(
    private out: Writer,
    private opts: { color: boolean; version: string; warnings?: readonly string[]; configSource?: string },
  ) {
    this.p = paint(opts.color);
  }

  /** Lines are gathered per event batch and written in one call: a pipe sees few large writes. */
  private line(text: string): void {
    this.buffer.push(text);
    if (this.buffer.length >= 256) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.out.write(this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-start': {
        this.count = event.count;
        for (const w of this.opts.warnings ?? []) this.line(this.p.yellow(`qa: ${w}`));
        const des = event.deselected ? `, ${event.deselected} deselected` : '';
        this.line(
          this.p.bold(`qa ${this.opts.version}`) +
            (this.opts.configSource ? ` · ${safe(this.opts.configSource)}` : '') +
            ` · ${event.workers} worker${event.workers === 1 ? '' : 's'} · --dist ${event.dist} · ${event.tests} test${event.tests === 1 ? '' : 's'} in ${event.files} file${event.files === 1 ? '' : 's'}${des}${event.seed !== undefined ? ` · --shuffle --seed ${event.seed}` : ''}`,
        );
        break;
      }
      case 'collect-error':
        this.collectErrors.push(event.error);
        this.line(`${this.p.red('ERROR')} collecting ${safe(event.error.file)}: ${safe(firstLine(event.error.error.message))}`);
        break;
      case 'test-end':
        this.result(event.result);
        break;
      case 'worker-error':
        this.workerErrors.push(event);
        this.line(`[${event.workerId}] ${this.p.red('ERROR')} ${safe(firstLine(event.error.message))}${whenWorkerError(event)}`);
        break;
      case 'worker-down':
        if (!event.expected) {
          this.line(this.p.yellow(`[${event.workerId}] worker exited (${event.signal ?? `code ${event.code}`}); starting a replacement`));
        }
        break;
      case 'run-end':
        this.summary(event.summary);
        break;
      default:
        break;
    }
    // Results of tiny tests arrive in bursts; write each burst once it is over.
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  };
  private flushQueued = false;

  private result(r: TestResult): void {
    const label = r.willRetry ? 'RERUN' : LABEL[r.status];
    const colored = r.status === 'passed' ? this.p.green(label) : r.status === 'failed' && !r.willRetry ? this.p.red(label) : this.p.yellow(label);
    const timing = r.status === 'skipped' || r.status === 'todo' ? '' : ` ${this.p.dim(`(${ms(r.durationMs)})`)}`;
    const attempt = r.attempt > 1 ? ` ${this.p.dim(`(attempt ${r.attempt})`)}` : '';
    this.line(`[${r.workerId}] ${colored} ${safe(this.id(r))}${attempt}${timing}`);
    if (r.status === 'failed' && !r.willRetry) this.failures.push(r);
    if (r.status === 'flaky') this.flaky.push(r);
  }

  private summary(s: RunSummary): void {
    const p = this.p;
    if (this.failures.length) {
      this.line('');
      this.line(p.red(rule('FAILURES')));
      for (const f of this.failures) this.failure(f);
    }
    if (this.collectErrors.length) {
      this.line('');
      this.line(p.red(rule('COLLECTION ERRORS')));
      for (const c of this.collectErrors) {
        this.line(p.bold(`_____ ${safe(c.file)} _____`));
        this.errorBlock(c.error);
      }
    }
    if (this.workerErrors.length) {
      this.line('');
      this.line(p.red(rule('WORKER ERRORS')));
      for (const w of this.workerErrors) {
        this.line(p.bold(`_____ ${w.workerId}${whenWorkerError(w)} _____`));
        this.errorBlock(w.error);
      }
    }
    this.line('');
    this.line(rule('summary'));
    if (this.flaky.length) {
      this.line(p.yellow('flaky (passed only after failing):'));
      for (const r of this.flaky) this.line(`  ${safe(this.id(r))} [${r.workerId}] passed on attempt ${r.attempt}`);
    }
    if (s.slowest.length) {
      this.line('slowest:');
      for (const t of s.slowest) this.line(`  ${ms(t.durationMs).padStart(9)}  ${safe(t.id)} [${t.workerId}]`);
    }
    if (s.workers.length) {
      const per = s.workers.map((w) => `${w.workerId} ${w.tests} tests ${pct(w.utilization)}${w.restarts ? ` (restarted ${w.restarts}×)` : ''}`);
      this.line(`workers: ${per.join(' · ')}`);
    }
    this.line(`wall ${ms(s.wallMs)} · test time ${ms(s.sumDurationsMs)} · speedup ${s.speedup.toFixed(2)}×`);
    if (s.retries) this.line(`retries: ${s.retries} · retry rate ${pct(s.retryRate)} · flaky rate ${pct(s.flakyRate)}`);
    if (s.stoppedBecause) this.line(p.yellow(`${s.stoppedBecause}; ${notRunText(s)}`));
    const extra: string[] = [];
    if (s.counts.flaky) extra.push(p.yellow(`${s.counts.flaky} flaky`));
    if (s.counts.todo) extra.push(`${s.counts.todo} todo`);
    if (s.collectErrors) extra.push(p.red(`${s.collectErrors} collection error${s.collectErrors === 1 ? '' : 's'}`));
    if (s.deselected) extra.push(`${s.deselected} deselected`);
    if ((s.notRun || s.filesNotCollected) && !s.stoppedBecause) extra.push(p.yellow(notRunText(s)));
    if (s.total === 0 && !s.collectErrors) extra.push('no tests ran');
    if (extra.length) this.line(extra.join(', '));
    const counts = `${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.skipped} skipped`;
    this.line(`qa: ${s.exitCode === 0 ? p.green(counts) : s.exitCode === 5 ? p.yellow(counts) : p.red(counts)}`);
    this.flush();
  }

  private id(r: TestResult): string {
    return displayId(r, this.count);
  }

  private failure(r: TestResult): void {
    this.line(this.p.bold(`_____ ${safe(this.id(r))} [${r.workerId}]${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''} _____`));
    if (r.error) this.errorBlock(r.error);
    for (const [name, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      if (!text) continue;
      this.line(this.p.dim(`----- captured ${name} -----`));
      const shown = text.length > OUTPUT_SHOWN ? `[… ${text.length - OUTPUT_SHOWN} earlier characters not shown]\n${text.slice(-OUTPUT_SHOWN)}` : text;
      this.line(safeBlock(shown.replace(/\n$/, '')));
    }
    this.line('');
  }

  private errorBlock(e: ErrorInfo): void {
    const head = e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ` : '';
    this.line(safeBlock(head + e.message));
    if (e.stack) this.line(this.p.dim(safeBlock(e.stack)));
  }
}


function rule(title: string): string {
  const side = Math.max(3, Math.floor((70 - title.length - 2) / 2));
  return `${'='.repeat(side)} ${title} ${'='.repeat(side)}`;
}
