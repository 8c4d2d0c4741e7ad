// The run phase: keeps every lane fed from the scheduler, turns worker answers into results,
// retries failures, and survives workers that exit, are killed, or hang.
import { performance } from 'node:perf_hooks';
import type { PhaseHandlers } from './collector.js';
import type { Lane, Lanes } from './lanes.js';
import type { WorkerTestEnd } from './protocol.js';
import type { Scheduler, WorkItem } from './schedule.js';
import type { Tally } from './tally.js';
import type { RunEvent, TestResult } from './types.js';

export interface ExecuteOptions {
  timeout: number;
  reruns: number;
  maxWorkerRestarts: number;
  isCancelled(): boolean;
}

export interface Executed {
  /** Duration of every test that ran, for the .qa/ cache. */
  durations: Map<string, number>;
  failedIds: string[];
  notRun: number;
}

type Outcome = Omit<WorkerTestEnd, 't' | 'id'>;

export function executePhase(
  lanes: Lanes,
  scheduler: Scheduler,
  tally: Tally,
  opts: ExecuteOptions,
  emit: (event: RunEvent) => void,
  install: (handlers: PhaseHandlers) => void,
): Promise<Executed> {
  const durations = new Map<string, number>();
  const failed = new Set<string>();
  let restarts = 0;
  let notRun = 0;
  let respawning = 0;

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      lanes.unwatch();
      resolve({ durations, failedIds: [...failed], notRun });
    };
    const idle = () => [...lanes.values()].every((l) => l.inflight.length === 0) && respawning === 0;
    const maybeFinish = () => {
      if ((scheduler.remainingUnits === 0 || opts.isCancelled()) && idle()) finish();
    };

    const fill = (lane: Lane) => {
      while (!opts.isCancelled() && scheduler.wantsMore(lane.chunks, lane.inflight.reduce((sum, i) => sum + i.estimate, 0))) {
        const items = scheduler.next((f) => lane.worker.files.has(f));
        if (items.length === 0) break;
        if (lane.inflight.length === 0) lane.since = performance.now();
        lane.inflight.push(...items);
        lane.chunks++;
        lane.worker.send({ t: 'run', tests: items.map((i) => ({ id: i.test.id, attempt: i.attempt, iteration: i.iteration })) });
        for (const i of items) {
          lane.touched.add(i.test.file);
          lane.worker.files.add(i.test.file);
        }
        releaseFiles(items);
      }
    };
    const fillAll = () => {
      for (const l of lanes.values()) fill(l);
    };

    // A file whose units are all handed out is done for every worker that ran part of it:
    // they may run its afterAll hooks and drop its file fixtures.
    const releaseFiles = (items: WorkItem[]) => {
      for (const file of new Set(items.map((i) => i.test.file))) {
        if (scheduler.pendingFor(file) > 0) continue;
        for (const l of lanes.values()) if (l.touched.delete(file)) l.worker.send({ t: 'file-done', file });
      }
    };

    const settle = (workerId: string, item: WorkItem, end: Outcome) => {
      const test = item.test;
      const retry = end.status === 'failed' && item.attempt <= (test.reruns ?? opts.reruns) && !opts.isCancelled();
      const result: TestResult = {
        id: test.id,
        file: test.file,
        suitePath: test.suitePath,
        name: test.name,
        marks: test.marks,
        workerId,
        status: end.status === 'passed' && item.attempt > 1 ? 'flaky' : end.status,
        durationMs: end.durationMs,
        error: end.error,
        stdout: end.stdout,
        stderr: end.stderr,
        attempt: item.attempt,
        iteration: item.iteration,
        ...(retry ? { willRetry: true } : {}),
      };
      if (test.mode === 'run') durations.set(test.id, end.durationMs);
      tally.attempt(result);
      emit({ type: 'test-end', result });
      if (retry) {
        scheduler.requeue([{ ...item, attempt: item.attempt + 1 }]);
        return;
      }
      tally.final(result);
      if (result.status === 'failed') failed.add(test.id);
    };

    const record = (lane: Lane, end: WorkerTestEnd) => {
      const item = lane.inflight.shift();
      lane.since = performance.now();
      if (!item || item.test.id !== end.id) {
        tally.internalErrors++;
        emit({
          type: 'worker-error',
          workerId: lane.worker.id,
          error: { name: 'ProtocolError', message: `worker ${lane.worker.id} answered for ${end.id} but was expected to run ${item?.test.id ?? 'nothing'}` },
        });
        return;
      }
      settle(lane.worker.id, item, end);
    };

    install({
      items(worker, items) {
        const lane = lanes.of(worker);
        if (!lane) return;
        for (const item of items) {
          if (item.t === 'start') emit({ type: 'test-start', workerId: worker.id, id: item.id, attempt: item.attempt, iteration: item.iteration });
          else if (item.t === 'end') record(lane, item);
          else if (item.t === 'done') lane.chunks--;
          else if (item.t === 'error') {
            // afterAll, fixture teardown, or an error that escaped a test: the run is not green.
            tally.internalErrors++;
            emit({ type: 'worker-error', workerId: worker.id, error: item.error, testId: item.testId, file: item.file });
          }
        }
        fillAll();
        maybeFinish();
      },

      exit(worker, code, signal, expected) {
        const lane = lanes.of(worker);
        if (!lane) return;
        const cancelled = opts.isCancelled();
        emit({ type: 'worker-down', workerId: worker.id, code, signal, expected: expected || cancelled });
        if (expected) return;
        const since = lane.since;
        const { inflight, killedFor } = lanes.reset(lane);
        const [running, ...rest] = inflight;
        if (cancelled) {
          // Cut by Ctrl-C: neither passed nor failed.
          notRun += inflight.length;
          return maybeFinish();
        }
        if (running) {
          const tail = worker.outputTail().trim();
          settle(worker.id, running, {
            status: 'failed',
            durationMs: performance.now() - since,
            error: {
              name: killedFor ? 'Timeout' : 'WorkerCrash',
              message: killedFor ?? `worker ${worker.id} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while running it`,
              ...(tail ? { stack: `last output of ${worker.id}:\n${tail}` } : {}),
            },
            stdout: '',
            stderr: '',
            attempt: running.attempt,
            iteration: running.iteration,
          });
        }
        scheduler.requeue(rest);
        if (++restarts > opts.maxWorkerRestarts) {
          tally.internalErrors++;
          emit({
            type: 'worker-error',
            workerId: worker.id,
            error: { name: 'TooManyRestarts', message: `workers crashed ${restarts} times (limit ${opts.maxWorkerRestarts}); stopping the run` },
          });
          notRun += scheduler.clear();
          return maybeFinish();
        }
        respawning++;
        void lanes.respawn(lane).then((ok) => {
          respawning--;
          if (ok) tally.worker(lane.worker.id, lane.worker.restarts);
          if (lanes.size === 0) notRun += scheduler.clear();
          fillAll();
          maybeFinish();
        });
      },

      cancel() {
        notRun += scheduler.clear();
        for (const lane of lanes.values()) if (lane.inflight.length) lane.worker.kill('SIGKILL');
        maybeFinish();
      },
    });

    lanes.watch((lane) => {
      const head = lane.inflight[0];
      return head ? { ms: head.test.timeout ?? opts.timeout, what: 'test' } : undefined;
    });
    if (opts.isCancelled()) notRun += scheduler.clear();
    fillAll();
    maybeFinish();
  });
}
