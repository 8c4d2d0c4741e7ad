// QA_WATCH_TRACE=<file>: a machine-readable timeline of a watch session, for benchmarks and for
// finding where the time between a save and its first result goes. One JSON object per line,
// appended synchronously (a line is on disk before the next event), each with `t`, the wall clock
// in ms (Date.now(), comparable across processes on one machine), and `ev`:
//
//   fs          a raw file event from the watcher (before debouncing)   kind, file
//   batch       the debounced batch the controller is handed            added, changed, deleted
//   watch-run   a run is about to start                                  run, all, files (selected test files)
//   watch-skip  the batch selects no test file                           changed, added, deleted
//   run-start   workers are fed (collection is over)                     tests, workers
//   test-end    a final result (retries are not final)                   id, file, status, worker
//   run-end     the run is over                                          passed, failed, wallMs
//   watch-idle  the watcher waits again
//
// Only used when the variable is set: nothing is opened or formatted otherwise.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Session } from '../core/session.js';
import type { WatchController } from './controller.js';

type Fields = Record<string, unknown>;

export const TRACE_ENV = 'QA_WATCH_TRACE';

const file = process.env[TRACE_ENV] ? resolve(process.env[TRACE_ENV]) : undefined;

/** The trace file (absolute), if any: the watcher must not see its own trace grow. */
export const traceFile = file;

/** Appends one event line, when tracing; never throws (a trace must not break the watch). */
export function trace(ev: string, fields: Fields = {}): void {
  if (!file) return;
  try {
    appendFileSync(file, JSON.stringify({ t: Date.now(), ev, ...fields }) + '\n');
  } catch {
    // an unwritable trace file only loses the trace
  }
}

/** Traces the run and watch events of a watch session (the watcher traces its own). */
export function traceWatch(session: Session, watch: WatchController): void {
  if (!file) return;
  session.on((e) => {
    switch (e.type) {
      case 'run-start':
        return trace('run-start', { tests: e.tests, workers: e.workers });
      case 'test-end':
        if (e.result.willRetry) return;
        return trace('test-end', { id: e.result.id, file: e.result.file, status: e.result.status, worker: e.result.workerId });
      case 'run-end':
        return trace('run-end', { passed: e.summary.counts.passed, failed: e.summary.counts.failed, wallMs: Math.round(e.summary.wallMs) });
    }
  });
  watch.on((e) => {
    switch (e.type) {
      case 'watch-run':
        return trace('watch-run', { run: e.run, all: e.all, files: e.files });
      case 'watch-skip':
        return trace('watch-skip', { ...e.changes });
      case 'watch-idle':
        return trace('watch-idle');
      case 'watch-error':
        return trace('watch-error', { message: e.message });
    }
  });
}
