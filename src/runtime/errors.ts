// Turns anything a test can throw into plain ErrorInfo that survives IPC.
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import type { ErrorInfo } from '../core/types.js';

const INTERNAL_FRAME = /node:internal|\/qa-lanes\/dist\/|\/dist\/(worker|runtime|chunk-[\w]+)\.js|node_modules\/(expect|jest-|@jest)/;

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err && 'stack' in err)) {
    const e = err as Error & { matcherResult?: unknown };
    const message = String(e.message ?? '');
    const name = String(e.name ?? 'Error');
    return { name, message, stack: userFrames(String(e.stack ?? '')) };
  }
  return {
    name: 'NonError',
    message: `a non-Error value was thrown: ${inspect(err, { depth: 3, breakLength: Infinity })}`,
  };
}

const rootUrl = `${pathToFileURL(process.env.QA_ROOT ?? process.cwd()).href}/`;

/** Only the "    at ..." lines that point into user code, with paths relative to the project. */
function userFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !INTERNAL_FRAME.test(line))
    .map((line) => line.replaceAll(rootUrl, ''))
    .join('\n');
}
