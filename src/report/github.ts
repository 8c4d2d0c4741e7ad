// GitHub Actions annotations: workflow commands (`::error file=…,line=…::message`) that put
// failures on the lines of the pull request's diff. Escaping follows @actions/core:
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
import type { ErrorInfo, RunEvent, TestResult } from '../core/types.js';
import { iterationSuffix } from './format.js';
import { stripAnsi } from './xml.js';

export interface AnnotationProperties {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

/** The message part of a workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: 'error' | 'warning' | 'notice', props: AnnotationProperties, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(stripAnsi(String(v)))}`);
  return `::${command}${list.length ? ` ${list.join(',')}` : ''}::${escapeData(stripAnsi(message))}`;
}

/** `    at fn (path:12:5)`, `    at path:12:5`, `    at file:///abs/path:12:5`. */
const FRAME = /^\s*at\s+(?:.*?\s\()?(?:file:\/\/)?([^()\s][^()]*?):(\d+):(\d+)\)?\s*$/;

/** Line and column of the first stack frame in `file`, the test's own file. */
export function frameIn(stack: string | undefined, file: string): { line: number; col: number } | undefined {
  if (!stack) return undefined;
  const want = file.replace(/\\/g, '/');
  for (const raw of stack.split('\n')) {
    const m = FRAME.exec(raw);
    if (!m) continue;
    const path = m[1].replace(/\\/g, '/').replace(/^\.\//, '');
    if (path === want || path.endsWith(`/${want}`)) return { line: Number(m[2]), col: Number(m[3]) };
  }
  return undefined;
}

function location(file: string, error: ErrorInfo | undefined): AnnotationProperties {
  const at = frameIn(error?.stack, file);
  return at ? { file, line: at.line, col: at.col } : { file };
}

function messageOf(error: ErrorInfo | undefined): string {
  if (!error) return 'failed';
  return error.message || error.name || 'failed';
}

export class GithubReporter {
  private count = 1;
  private lines: string[] = [];
  /** The last failed attempt of a test that is being retried, by iteration and id. */
  private retried = new Map<string, ErrorInfo | undefined>();

  constructor(private readonly out: { write(s: string): unknown }) {}

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-start':
        this.count = Math.max(1, event.count || 1);
        break;
      case 'collect-error':
        this.lines.push(workflowCommand('error', { file: event.error.file }, messageOf(event.error.error)));
        break;
      case 'test-end':
        this.result(event.result);
        break;
      case 'worker-error': {
        // Nobody's test owns it (afterAll, teardown, a stray rejection), but it fails the run.
        const where = event.testId ? ` during ${event.testId}` : '';
        this.lines.push(
          workflowCommand(
            'error',
            { ...(event.file ? location(event.file, event.error) : {}), title: `worker error [${event.workerId}]${where}` },
            messageOf(event.error),
          ),
        );
        break;
      }
      case 'run-end':
        if (this.lines.length) this.out.write(this.lines.join('\n') + '\n');
        this.lines = [];
        break;
      default:
        break;
    }
  };

  private result(r: TestResult): void {
    const key = `${r.iteration}\u0000${r.id}`;
    if (r.willRetry) {
      this.retried.set(key, r.error);
      return;
    }
    const earlier = this.retried.get(key);
    this.retried.delete(key);
    const title = r.id + iterationSuffix(r.iteration, this.count);
    if (r.status === 'failed') {
      this.lines.push(workflowCommand('error', { ...location(r.file, r.error), title }, messageOf(r.error)));
    } else if (r.status === 'flaky') {
      const failures = r.attempt - 1;
      this.lines.push(
        workflowCommand(
          'warning',
          { ...location(r.file, earlier), title: `flaky: ${title}` },
          `passed on attempt ${r.attempt} after ${failures} failed attempt${failures === 1 ? '' : 's'}: ${messageOf(earlier)}`,
        ),
      );
    }
  }
}
