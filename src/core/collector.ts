// The collect phase: workers import test files in parallel, pulling a few files at a time.
// A file that throws, exits the worker, or hangs while importing becomes a collection error for
// that file alone; the worker is replaced and the other files are still collected.
import { performance } from 'node:perf_hooks';
import type { Lane, Lanes } from './lanes.js';
import type { WorkerHandle } from './pool.js';
import type { WorkerItem } from './protocol.js';
import type { CollectError, TestMeta } from './types.js';

export interface Collected {
  tests: TestMeta[];
  errors: CollectError[];
  /** Files left unimported by a cancel: neither collected nor in error. */
  uncollected: string[];
}

export interface PhaseHandlers {
  /** A worker came up while the phase goes on. */
  joined(lane: Lane): void;
  items(worker: WorkerHandle, items: WorkerItem[]): void;
  exit(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null, expected: boolean): void;
  cancel(): void;
}

export function collectPhase(
  lanes: Lanes,
  files: string[],
  timeout: number,
  emit: (e: { type: 'collect-error'; error: CollectError } | { type: 'worker-error'; workerId: string; error: CollectError['error']; file?: string }) => void,
  install: (handlers: PhaseHandlers) => void,
): Promise<Collected> {
  const byFile = new Map<string, TestMeta[]>();
  const errors: CollectError[] = [];
  const uncollected: string[] = [];
  const queue = [...files];
  const batch = Math.max(1, Math.ceil(files.length / (lanes.target * 4)));

  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      lanes.unwatch();
      resolve({ tests: files.flatMap((f) => byFile.get(f) ?? []), errors, uncollected: [...uncollected, ...queue] });
    };
    const idle = () => [...lanes.values()].every((l) => l.collecting.length === 0 && l.chunks <= 0);
    const maybeFinish = () => {
      if ((queue.length === 0 || cancelled) && idle() && !respawning) finish();
    };
    let cancelled = false;
    let respawning = 0;
    /** Workers that asked to be replaced (memory): what they did not import goes back to the queue. */
    const spent = new Set<Lane>();

    const feed = (lane: Lane) => {
      // A lane whose process is dead or being replaced gets files once the new one is up.
      if (cancelled || lane.collecting.length || lane.worker.retired || lane.worker.exited) return;
      const chunk = queue.splice(0, batch);
      if (chunk.length === 0) return;
      lane.collecting = chunk;
      lane.chunks++;
      lane.since = performance.now();
      for (const f of chunk) lane.worker.files.add(f);
      lane.worker.send({ t: 'collect', files: chunk });
    };

    const fail = (file: string, error: CollectError['error']) => {
      const entry = { file, error };
      errors.push(entry);
      emit({ type: 'collect-error', error: entry });
    };

    const answered = (lane: Lane, file: string) => {
      lane.collecting = lane.collecting.filter((f) => f !== file);
      lane.since = performance.now();
    };

    const replaceSpent = (lane: Lane) => {
      spent.delete(lane);
      queue.unshift(...lane.collecting);
      lanes.reset(lane);
      resume(lane, lanes.recycle(lane));
    };

    /** Collection goes on once the lane's new process is up (or every file left fails, if none can start). */
    const resume = (lane: Lane, started: Promise<boolean>) => {
      respawning++;
      void started.then((ok) => {
        respawning--;
        if (lanes.gone) {
          for (const file of queue.splice(0)) fail(file, { name: 'CollectionError', message: 'no worker could be started to import it' });
        }
        if (ok) feed(lane);
        for (const l of lanes.values()) feed(l);
        maybeFinish();
      });
    };

    install({
      joined(lane) {
        feed(lane);
      },
      items(worker, items) {
        const lane = lanes.of(worker);
        if (!lane) return;
        for (const item of items) {
          if (item.t === 'collected') {
            byFile.set(item.file, item.tests);
            answered(lane, item.file);
          } else if (item.t === 'collect-error') {
            worker.files.delete(item.file);
            fail(item.file, item.error);
            answered(lane, item.file);
          } else if (item.t === 'error') {
            emit({ type: 'worker-error', workerId: worker.id, error: item.error, file: item.file });
          } else if (item.t === 'spent') {
            spent.add(lane);
          } else if (item.t === 'done') {
            lane.chunks--;
          }
        }
        if (spent.has(lane) && lane.chunks <= 0) return replaceSpent(lane);
        feed(lane);
        maybeFinish();
      },
      exit(worker, code, signal, expected) {
        const lane = lanes.of(worker);
        if (!lane || expected) return;
        const { collecting, killedFor } = lanes.reset(lane);
        if (cancelled) {
          // Cut by Ctrl-C mid-import: the file is not broken, just not collected.
          uncollected.push(...collecting);
          return maybeFinish();
        }
        const [culprit, ...rest] = collecting;
        if (culprit) {
          const how = killedFor ?? `worker ${worker.id} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while importing this file`;
          const tail = worker.outputTail().trim();
          fail(culprit, { name: 'CollectionError', message: how, ...(tail ? { stack: `last output of ${worker.id}:\n${tail}` } : {}) });
        }
        queue.unshift(...rest);
        resume(lane, lanes.respawn(lane));
      },
      cancel() {
        cancelled = true;
        for (const lane of lanes.values()) if (lane.collecting.length) lane.worker.kill('SIGKILL');
        maybeFinish();
      },
    });
    lanes.watch((lane) => (lane.collecting.length ? { ms: timeout, what: `importing ${lane.collecting[0]}` } : undefined));
    for (const lane of lanes.values()) feed(lane);
    maybeFinish();
  });
}
