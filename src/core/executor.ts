// The run phase: keeps every lane fed from the scheduler, turns worker answers into results,
// retries failures, and survives workers that exit, are killed, or hang.
import { performance } from 'node:perf_hooks';
import type { PhaseHandlers } from './collector.js';
import type { Lane, Lanes } from './lanes.js';
import type { WorkerTestEnd } from './protocol.js';
import type { Scheduler, Unit, WorkItem } from './schedule.js';
import type { Tally } from './tally.js';
import type { RunEvent, TestResult } from './types.js';

export interface ExecuteOptions {
  timeout: number;
  reruns: number;
  /** Wait before a retry, multiplied by `rerunsBackoff` for every further attempt. */
  rerunsDelay: number;
  rerunsBackoff: number;
  /** Stop after this many failed tests (`-x` is 1); 0 = never. */
  maxFail: number;
  maxWorkerRestarts: number;
  isCancelled(): boolean;
  /** More units when the queue runs low (stress --duration); undefined when there are no more. */
  refill?: () => Unit[] | undefined;
}

export interface Executed {
  /** Duration of every test that ran, for the .qa/ cache. */
  durations: Map<string, number>;
  /** Ids that ran to a final result, and those of them that failed. */
  ranIds: Set<string>;
  failedIds: Set<string>;
  notRun: number;
  stoppedBecause?: string;
}


export function executePhase(
  lanes: Lanes,
  scheduler: Scheduler,
  tally: Tally,
  opts: ExecuteOptions,
  emit: (event: RunEvent) => void,
  install: (handlers: PhaseHandlers) => void,
): Promise<Executed> {
  const durations = new Map<string, number>();
  const ran = new Set<string>();
  const failed = new Set<string>();
  let restarts = 0;
  let notRun = 0;
  let respawning = 0;
  let delayedRetries = 0;
  let failures = 0;
  let stoppedBecause: string | undefined;

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      lanes.unwatch();
      resolve({ durations, ranIds: ran, failedIds: failed, notRun, ...(stoppedBecause ? { stoppedBecause } : {}) });
    };
    const stopping = () => opts.isCancelled() || stoppedBecause !== undefined;
    const idle = () => [...lanes.values()].every((l) => l.inflight.length === 0 && l.chunks <= 0) && respawning === 0 && delayedRetries === 0;
    const maybeFinish = () => {
      if ((scheduler.remainingUnits === 0 || stopping()) && idle()) finish();
    };
    /** Queued work is dropped at once; running tests finish or are cut at their timeout. */
    const stop = (why: string) => {
      stoppedBecause ??= why;
      notRun += scheduler.clear();
      // Work already handed to workers but not started is queued work too.
      for (const lane of lanes.values()) if (lane.inflight.length > 0) lane.worker.send({ t: 'drop', upTo: lane.seq });
    };

    const fill = (lane: Lane) => {
      // A lane whose process is dead or being replaced gets work once the new one is up.
      if (lane.worker.retired || lane.worker.exited) return;
      while (!stopping() && scheduler.wantsMore(lane.chunks, lane.inflight.reduce((sum, i) => sum + i.estimate, 0))) {
        const items = scheduler.next(lane.worker.files);
        if (items.length === 0) break;
        if (lane.inflight.length === 0) lane.since = performance.now();
        lane.inflight.push(...items);
        lane.chunks++;
        lane.worker.send({
          t: 'run',
          seq: ++lane.seq,
          tests: items.map((i) => ({ id: i.test.id, attempt: i.attempt, iteration: i.iteration })),
          ...(opts.maxFail > 0 ? { holdOnFailure: true } : {}),
        });
        for (const i of items) {
          lane.touched.add(i.test.file);
          lane.worker.files.add(i.test.file);
        }
        releaseFiles(items);
      }
    };
    const fillAll = () => {
      if (opts.refill && !stopping() && scheduler.remainingUnits < lanes.target * 2) {
        const more = opts.refill();
        if (more) scheduler.append(more);
      }
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

    const settle = (workerId: string, item: WorkItem, end: Omit<WorkerTestEnd, 't' | 'id'>) => {
      const test = item.test;
      const retry = end.status === 'failed' && item.attempt <= (test.reruns ?? opts.reruns) && !stopping();
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
        stdout: end.stdout ?? '',
        stderr: end.stderr ?? '',
        attempt: item.attempt,
        iteration: item.iteration,
        ...(retry ? { willRetry: true } : {}),
      };
      if (test.mode === 'run') durations.set(test.id, end.durationMs);
      tally.attempt(result);
      emit({ type: 'test-end', result });
      if (retry) {
        const again = { ...item, attempt: item.attempt + 1 };
        const delay = opts.rerunsDelay * opts.rerunsBackoff ** (item.attempt - 1);
        if (delay <= 0) return scheduler.requeue([again]);
        delayedRetries++;
        setTimeout(() => {
          delayedRetries--;
          if (stopping()) notRun++;
          else scheduler.requeue([again]);
          fillAll();
          maybeFinish();
        }, delay);
        return;
      }
      tally.final(result);
      if (test.mode === 'run') ran.add(test.id);
      if (result.status === 'failed') {
        failed.add(test.id);
        if (opts.maxFail > 0 && ++failures >= opts.maxFail) stop(`stopped after ${failures} failure${failures === 1 ? '' : 's'} (${opts.maxFail === 1 ? '-x' : `--maxfail ${opts.maxFail}`})`);
      }
    };

    const record = (lane: Lane, end: WorkerTestEnd) => {
      const item = lane.inflight.shift();
      lane.completed++;
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

    /** A new process for the lane (`start` spawns it); work resumes when it is up. */
    const replace = (lane: Lane, start: (lane: Lane) => Promise<boolean>) => {
      respawning++;
      void start(lane).then((ok) => {
        respawning--;
        if (ok) tally.worker(lane.worker.id, lane.worker.restarts);
        if (lanes.gone) notRun += scheduler.clear();
        fillAll();
        maybeFinish();
      });
    };

    const recycle = (lane: Lane) => {
      const { inflight } = lanes.reset(lane);
      if (stopping()) notRun += inflight.length;
      else scheduler.requeue(inflight);
      replace(lane, (l) => lanes.recycle(l));
    };

    install({
      joined(lane) {
        tally.worker(lane.worker.id, lane.worker.restarts);
        fill(lane);
      },
      items(worker, items) {
        for (const item of items) {
          if (item.t !== 'error') continue;
          // afterAll, fixture teardown, or an error that escaped a test: the run is not green.
          tally.internalErrors++;
          emit({ type: 'worker-error', workerId: worker.id, error: item.error, testId: item.testId, file: item.file, ...(item.afterEnd ? { afterEnd: true } : {}) });
        }
        const lane = lanes.of(worker);
        if (!lane || worker.retired) return;
        for (const item of items) {
          if (item.t === 'start') emit({ type: 'test-start', workerId: worker.id, id: item.id, attempt: item.attempt, iteration: item.iteration });
          else if (item.t === 'done') lane.chunks--;
          else if (item.t === 'spent') {
            recycle(lane);
            break;
          }
          else if (item.t === 'dropped') {
            lane.inflight.shift();
            lane.completed++;
            notRun++;
          }
          else if (item.t === 'end') {
            record(lane, item);
            // The worker holds after a failure until told whether the run goes on.
            if (item.status === 'failed' && opts.maxFail > 0) lane.worker.send(stopping() ? { t: 'drop', upTo: lane.seq } : { t: 'continue' });
            if (item.recycle) {
              recycle(lane);
              break;
            }
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
        const completed = lane.completed;
        const { inflight, killedFor } = lanes.reset(lane);
        if (cancelled) {
          // Cut by Ctrl-C: neither passed nor failed.
          notRun += inflight.length;
          return maybeFinish();
        }
        // The progress file says how many items the process took up; results batched after the
        // last flush died with it, so the running test is found by count, not by last message.
        const runningAt = worker.started() - completed - 1;
        const running = runningAt >= 0 ? inflight[runningAt] : undefined;
        const rest = running ? [...inflight.slice(0, runningAt), ...inflight.slice(runningAt + 1)] : inflight;
        const how = `${signal ? `was killed by ${signal}` : `exited with code ${code}`}`;
        const tail = worker.outputTail().trim();
        const lastOutput = tail ? { stack: `last output of ${worker.id}:\n${tail}` } : {};
        if (running) {
          settle(worker.id, running, {
            status: 'failed',
            durationMs: performance.now() - lane.since,
            error: { name: killedFor ? 'Timeout' : 'WorkerCrash', message: killedFor ?? `worker ${worker.id} ${how} while running it`, ...lastOutput },
          });
        } else {
          tally.internalErrors++;
          emit({ type: 'worker-error', workerId: worker.id, error: { name: 'WorkerCrash', message: `worker ${worker.id} ${how} between tests`, ...lastOutput } });
        }
        if (stopping()) {
          notRun += rest.length;
          return maybeFinish();
        }
        scheduler.requeue(rest);
        if (++restarts > opts.maxWorkerRestarts) {
          tally.internalErrors++;
          const why = `workers crashed ${restarts} times (--max-worker-restart ${opts.maxWorkerRestarts}); stopping the run`;
          emit({ type: 'worker-error', workerId: worker.id, error: { name: 'TooManyRestarts', message: why } });
          stop(why);
          return maybeFinish();
        }
        replace(lane, (l) => lanes.respawn(l));
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
