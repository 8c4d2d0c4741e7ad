// JUnit XML in the shape Maven Surefire writes, which Jenkins, GitLab and the GitHub test-report
// actions all read: one <testsuite> per test file, reruns as <flakyFailure>/<rerunFailure>.
import { hostname } from 'node:os';
import type { CollectError, ErrorInfo, RunEvent, RunSummary, TestResult, TestStatus } from '../core/types.js';
import { writeFileAtomic } from '../core/atomic.js';
import { firstLine, iterationSuffix } from './format.js';
import { attrs, cleanText, xmlText } from './xml.js';

/** A failed attempt that was retried: what <flakyFailure>/<rerunFailure> show. */
interface FailedAttempt {
  error?: ErrorInfo;
  stdout: string;
  stderr: string;
}

/** What the report needs of one final result; output only where it is shown. */
interface Case {
  classname: string;
  name: string;
  file: string;
  durationMs: number;
  status: TestStatus;
  error?: ErrorInfo;
  stdout: string;
  stderr: string;
  earlier: FailedAttempt[];
}

interface Suite {
  file: string;
  /** Wall-clock start of the earliest test seen, for `timestamp`. */
  startedAt: number;
  cases: Case[];
  collectErrors: CollectError[];
}

type WorkerErrorEvent = Extract<RunEvent, { type: 'worker-error' }>;

export const WORKER_ERRORS_SUITE = 'qa worker errors';

export class JUnitReporter {
  private count = 1;
  private runStartedAt = Date.now();
  private suites = new Map<string, Suite>();
  /** Failed attempts waiting for their test's final attempt, by iteration and id. */
  private retried = new Map<string, FailedAttempt[]>();
  private workerErrors: WorkerErrorEvent[] = [];

  constructor(private readonly path: string) {}

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-start':
        this.count = Math.max(1, event.count || 1);
        this.runStartedAt = Date.now();
        break;
      case 'collect-error':
        this.suite(event.error.file, Date.now()).collectErrors.push(event.error);
        break;
      case 'test-end':
        this.result(event.result);
        break;
      case 'worker-error':
        this.workerErrors.push(event);
        break;
      case 'run-end':
        writeFileAtomic(this.path, this.render(event.summary));
        break;
      default:
        break;
    }
  };

  private suite(file: string, startedAt: number): Suite {
    let s = this.suites.get(file);
    if (!s) {
      s = { file, startedAt, cases: [], collectErrors: [] };
      this.suites.set(file, s);
    } else if (startedAt < s.startedAt) {
      s.startedAt = startedAt;
    }
    return s;
  }

  private result(r: TestResult): void {
    const key = `${r.iteration}\u0000${r.id}`;
    if (r.willRetry) {
      const list = this.retried.get(key) ?? [];
      list.push({ error: r.error, stdout: r.stdout, stderr: r.stderr });
      this.retried.set(key, list);
      return;
    }
    const earlier = this.retried.get(key) ?? [];
    this.retried.delete(key);
    // A plain pass shows no output; failures and flaky passes keep theirs.
    const keepOutput = r.status === 'failed' || r.status === 'flaky';
    const now = Date.now();
    this.suite(r.file, now - Math.max(0, r.durationMs)).cases.push({
      classname: classname(r.file, r.suitePath),
      name: [...r.suitePath, r.name].join(' › ') + iterationSuffix(r.iteration, this.count),
      file: r.file,
      durationMs: r.durationMs,
      status: r.status,
      error: r.status === 'failed' || r.status === 'flaky' ? r.error : undefined,
      stdout: keepOutput ? r.stdout : '',
      stderr: keepOutput ? r.stderr : '',
      earlier,
    });
  }

  private render(summary: RunSummary): string {
    const host = hostname();
    const body: string[] = [];
    const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const add = (c: typeof total) => {
      total.tests += c.tests;
      total.failures += c.failures;
      total.errors += c.errors;
      total.skipped += c.skipped;
    };

    const files = [...this.suites.keys()].sort();
    for (const file of files) {
      const suite = this.suites.get(file)!;
      const c = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      const cases: string[] = [];
      let ms = 0;
      for (const ce of suite.collectErrors) {
        c.tests++;
        c.errors++;
        cases.push(
          `    <testcase${attrs({ classname: classname(ce.file, []), name: ce.file, time: seconds(0), file: ce.file })}>\n` +
            `      ${errorElement('error', ce.error)}\n` +
            `    </testcase>`,
        );
      }
      for (const tc of suite.cases) {
        c.tests++;
        ms += tc.durationMs;
        if (tc.status === 'failed') c.failures++;
        if (tc.status === 'skipped' || tc.status === 'todo') c.skipped++;
        cases.push(renderCase(tc));
      }
      add(c);
      body.push(
        `  <testsuite${attrs({ name: file, ...c, time: seconds(ms), timestamp: isoLocal(suite.startedAt), hostname: host })}>\n` +
          cases.join('\n') +
          (cases.length ? '\n' : '') +
          `  </testsuite>`,
      );
    }

    if (this.workerErrors.length) {
      const c = { tests: this.workerErrors.length, failures: 0, errors: this.workerErrors.length, skipped: 0 };
      add(c);
      const cases = this.workerErrors.map((w, i) => {
        const where = w.testId ? ` during ${w.testId}` : w.file ? ` in ${w.file}` : '';
        return (
          `    <testcase${attrs({
            classname: w.file ? classname(w.file, []) : 'qa.workers',
            name: `worker error ${i + 1} [${w.workerId}]${where}`,
            time: seconds(0),
            file: w.file,
          })}>\n` +
          `      ${errorElement('error', w.error)}\n` +
          `    </testcase>`
        );
      });
      body.push(
        `  <testsuite${attrs({ name: WORKER_ERRORS_SUITE, ...c, time: seconds(0), timestamp: isoLocal(this.runStartedAt), hostname: host })}>\n` +
          cases.join('\n') +
          `\n  </testsuite>`,
      );
    }

    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<testsuites${attrs({ name: 'qa', ...total, time: seconds(summary.wallMs) })}>\n` +
      body.map((b) => b + '\n').join('') +
      `</testsuites>\n`
    );
  }
}

function renderCase(tc: Case): string {
  const head = `    <testcase${attrs({ classname: tc.classname, name: tc.name, time: seconds(tc.durationMs), file: tc.file })}`;
  const children: string[] = [];
  switch (tc.status) {
    case 'failed':
      children.push(errorElement('failure', tc.error));
      for (const a of tc.earlier) children.push(rerunElement('rerunFailure', a));
      break;
    case 'flaky':
      for (const a of tc.earlier) children.push(rerunElement('flakyFailure', a));
      break;
    case 'skipped':
      children.push('<skipped/>');
      break;
    case 'todo':
      children.push('<skipped message="todo"/>');
      break;
    default:
      break;
  }
  children.push(...outputElements(tc.stdout, tc.stderr));
  if (!children.length) return `${head}/>`;
  return `${head}>\n${children.map((c) => `      ${c}\n`).join('')}    </testcase>`;
}

/** `<failure>`/`<error>`: message and type as attributes, the whole story as text. */
function errorElement(tag: 'failure' | 'error', error: ErrorInfo | undefined): string {
  return `<${tag}${attrs(errorAttrs(error))}>${xmlText(errorText(error))}</${tag}>`;
}

/** Surefire's rerun elements: the trace in <stackTrace>, the attempt's output beside it. */
function rerunElement(tag: 'flakyFailure' | 'rerunFailure', a: FailedAttempt): string {
  const inner = [`<stackTrace>${xmlText(errorText(a.error))}</stackTrace>`, ...outputElements(a.stdout, a.stderr)];
  return `<${tag}${attrs(errorAttrs(a.error))}>\n${inner.map((c) => `        ${c}\n`).join('')}      </${tag}>`;
}

function outputElements(stdout: string, stderr: string): string[] {
  const out: string[] = [];
  if (cleanText(stdout)) out.push(`<system-out>${xmlText(stdout)}</system-out>`);
  if (cleanText(stderr)) out.push(`<system-err>${xmlText(stderr)}</system-err>`);
  return out;
}

function errorAttrs(error: ErrorInfo | undefined): { message: string; type: string } {
  if (!error) return { message: 'failed', type: 'Error' };
  const message = firstLine(cleanText(error.message)) || error.name || 'Error';
  return { message, type: error.name || 'Error' };
}

function errorText(error: ErrorInfo | undefined): string {
  if (!error) return 'failed';
  const head = error.name && error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ` : '';
  const parts = [head + error.message];
  if (error.diff) parts.push(error.diff);
  if (error.stack) parts.push(error.stack);
  return parts.join('\n');
}

/**
 * `demo-suite/api/users.test.ts` + [Users, create] → `demo-suite.api.users.test.Users.create`:
 * tools split classname at its last dots into package and class.
 */
export function classname(file: string, suitePath: readonly string[]): string {
  const base = file.replace(/\\/g, '/').replace(/\.[^./]*$/, '').replace(/\//g, '.');
  return [base, ...suitePath].join('.');
}

function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** JUnit's schema wants `YYYY-MM-DDTHH:MM:SS` without a zone; this is UTC. */
function isoLocal(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}
