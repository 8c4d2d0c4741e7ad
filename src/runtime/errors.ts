// Turns anything a test can throw into plain ErrorInfo that survives IPC.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import type { ErrorInfo } from '../core/types.js';

// This file is bundled into qa's dist/ folder: any frame there is qa's own, wherever it is installed.
const QA_DIST_URL = new URL('.', import.meta.url).href;
const QA_DIST_PATH = fileURLToPath(QA_DIST_URL);
const THIRD_PARTY = /node:internal|node:async_hooks|node_modules\/(expect|jest-|@jest|sucrase)/;
const isInternal = (frame: string) => frame.includes(QA_DIST_URL) || frame.includes(QA_DIST_PATH) || THIRD_PARTY.test(frame);

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err && 'stack' in err)) {
    const e = err as Error;
    const message = unversioned(text(() => e.message));
    const name = text(() => e.name) || 'Error';
    return { name, message, stack: userFrames(text(() => e.stack)) };
  }
  return { name: 'NonError', message: `a non-Error value was thrown: ${text(() => inspect(err, { depth: 3, breakLength: Infinity }))}` };
}

/** A thrown value's parts as text; its getters and toString are the test's code and may throw too. */
function text(read: () => unknown): string {
  try {
    const value = read();
    return value === undefined || value === null ? '' : String(value);
  } catch {
    return '(unprintable: reading it threw)';
  }
}

/** Watch sessions version module URLs (`file.ts?qa=3`, see ts-hooks.ts): users see plain paths. */
const unversioned = (text: string): string => text.replace(/(\.[cm]?[jt]sx?|\.json)\?qa=\d+/g, '$1');

const rootUrl = `${pathToFileURL(process.env.QA_ROOT ?? process.cwd()).href}/`;

/** Only the "    at ..." lines that point into user code, with paths relative to the project. */
function userFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !isInternal(line))
    .map((line) => unversioned(line.replaceAll(rootUrl, '')))
    .join('\n');
}
