// The worker proper (gw0..gwN-1), loaded by worker-boot.ts once the worker knows who it is: takes
// collect/run messages from the controller, one at a time, and answers with batched items.
import { openSync, writeSync } from 'node:fs';
import { PROGRESS_ENV, PROGRESS_WIDTH, PROTOCOL_VERSION, type FromWorker, type ToWorker, type WorkerItem } from '../core/protocol.js';
import type { ErrorInfo } from '../core/types.js';
import { installCapture } from './capture.js';
import { realNow } from './timeout.js';
import { toErrorInfo } from './errors.js';
import { Harness, testContext } from './harness.js';
import { bumpModules, takeImports, watching } from './hooks-port.js';
import { collectState } from './model.js';
import { useRootPackageMocks } from '../compat/root-mocks.js';
import { compatEnvironment, prepareCompatFile, projectOf, workerCompat } from '../compat/worker-settings.js';
import { compileRequiredSources, resolveRequiresLikeBundlers } from './require-resolve.js';
import { evictRequired, takeRequires, trackRequires } from './require-hook.js';

// Taken before any test can fake them (vi/jest.useFakeTimers fake setImmediate too): a faked one
// would stop results from ever leaving the worker.
const realSetImmediate = globalThis.setImmediate;
const root = process.env.QA_ROOT ?? process.cwd();
const compat = workerCompat();

/** `--isolate`/`--no-isolate` (QA_ISOLATE), else the file's Vitest/Jest project, else qa's shared default. */
function isolation(): (rel: string) => boolean {
  const forced = process.env.QA_ISOLATE;
  if (forced !== undefined) return () => forced === '1';
  return compat ? (rel) => projectOf(rel)?.isolate ?? true : () => false;
}
const harness = new Harness({
  root,
  defaultTimeout: Number(process.env.QA_TIMEOUT ?? 30000),
  ...(compat ? { prepare: prepareCompatFile, environment: (rel: string, source: string) => compatEnvironment(compat, root, rel, source) } : {}),
  isolate: isolation(),
});
if (compat) {
  resolveRequiresLikeBundlers(root, process.env.QA_ALIAS ? JSON.parse(process.env.QA_ALIAS) : []);
  await compileRequiredSources(root);
  if (compat.flavor === 'jest') useRootPackageMocks(root);
}
// Jest's globals always; Vitest's with `globals: true`.
if (compat && (compat.flavor === 'jest' || compat.projects.some((p) => p.globals))) await (await import('../compat/globals.js')).installGlobals(compat.flavor);

if (watching) trackRequires(root);

let outbox: WorkerItem[] = [];
/** Watch sessions: errors of teardowns done on invalidation, between runs; sent with the next collect or run. */
let teardownErrors: Array<{ error: ErrorInfo; file?: string }> = [];
let retiring = false;
let dropUpTo = 0;
let resumeAfterFailure: (() => void) | undefined;
let started = 0;
let lastBreath = realNow();

const progressFile = process.env[PROGRESS_ENV];
const progressFd = progressFile ? openSync(progressFile, 'r+') : undefined;

/** The count of items taken up, written synchronously so the controller has it even after a crash. */
function progress(): void {
  started++;
  if (progressFd !== undefined) writeSync(progressFd, String(started).padStart(PROGRESS_WIDTH), 0);
}

/**
 * Synchronous tests never give the event loop a turn; every few ms we take one, so results
 * flow out while a long run of tiny tests goes on and a `drop` from the controller is seen.
 */
function breathe(): Promise<void> | undefined {
  if (realNow() - lastBreath < 8) return undefined;
  return new Promise<void>((resolve) => realSetImmediate(resolve)).then(() => {
    lastBreath = realNow();
  });
}
let flushScheduled = false;
const MAX_BATCH = 512;

function send(msg: FromWorker, done?: () => void): void {
  process.send!(msg, undefined, undefined, done ? () => done() : undefined);
}

function flush(done?: () => void): void {
  flushScheduled = false;
  if (outbox.length === 0) {
    done?.();
    return;
  }
  const items = outbox;
  outbox = [];
  send({ t: 'batch', items }, done);
}

// Items leave when the event loop gets a breath (a test awaiting I/O, or the end of a run of
// synchronous tests), so a burst of tiny tests travels as one message.
function emit(item: WorkerItem): void {
  // A test that ended before its start left the worker needs no start (half the traffic of a
  // run of tiny tests).
  const last = outbox[outbox.length - 1];
  if (item.t === 'end' && last?.t === 'start' && last.id === item.id) outbox.pop();
  outbox.push(item);
  if (outbox.length >= MAX_BATCH) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    realSetImmediate(flush);
  }
}

/** Watch sessions: the project imports the hooks saw, and the requires, go to the controller's import graph. */
async function reportImports(edges?: Array<[string, string]>): Promise<void> {
  if (!watching) return;
  const all = [...(edges ?? (await takeImports(root))), ...takeRequires()];
  if (all.length) emit({ t: 'imports', edges: all });
}

// Measured on a generated suite: a worker that imported nothing holds ~60 MB; each isolated file
// import keeps what its modules allocated. Replacing the worker past this keeps it bounded.
const MEMORY_BUDGET_MB = Number(process.env.QA_WORKER_MEMORY_MB) || 250;

/** Between files: an isolating worker past its budget asks to be replaced (and takes no more work). */
function checkMemory(): void {
  if (retiring || !harness.isolating) return;
  const rssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  if (rssMb < MEMORY_BUDGET_MB) return;
  retiring = true;
  emit({ t: 'spent', rssMb });
}

function reportTeardownErrors(): void {
  for (const e of teardownErrors) emit({ t: 'error', ...e });
  teardownErrors = [];
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.t) {
    case 'invalidate':
      // Old generations end before new ones start: afterAll hooks and file fixtures of files that
      // will be imported again (normally done already), and worker fixtures their modules defined.
      for (const file of msg.forget) {
        for (const error of await harness.fileDone(file)) teardownErrors.push({ error, file });
        harness.forget(file);
      }
      teardownErrors.push(...(await harness.dropWorkerFixtures(msg.modules)));
      // `forget` holds the invalidated modules and deleted files: a deleted one must not be served from the cache.
      evictRequired(root, msg.forget);
      await reportImports(await bumpModules(root, msg.gen, msg.modules));
      return;
    case 'collect':
      reportTeardownErrors();
      for (const file of msg.files) {
        // Past its memory budget: the controller gives the files left to another worker.
        if (retiring) break;
        try {
          const loaded = await harness.load(file);
          emit({ t: 'collected', file, tests: loaded.metas });
        } catch (err) {
          emit({ t: 'collect-error', file, error: toErrorInfo(err) });
        }
        checkMemory();
      }
      await reportImports();
      emit({ t: 'done' });
      return;
    case 'run':
      reportTeardownErrors();
      for (const item of msg.tests) {
        if (retiring) break; // the controller gives what is left to another worker
        // Tiny synchronous tests run back to back without a promise between them.
        const breath = breathe();
        if (breath) await breath;
        progress();
        if (msg.seq <= dropUpTo) {
          emit({ t: 'dropped', id: item.id, iteration: item.iteration });
          continue;
        }
        const running = harness.run(item, () => emit({ t: 'start', id: item.id, attempt: item.attempt, iteration: item.iteration }));
        const result = running instanceof Promise ? await running : running;
        if (result.recycle) retiring = true;
        emit(result);
        if (result.status === 'failed' && msg.holdOnFailure) {
          // --maxfail/-x: wait for the controller's word before the next test, so a stop is exact.
          flush();
          await new Promise<void>((resolve) => (resumeAfterFailure = resolve));
        }
      }
      await reportImports();
      emit({ t: 'done' });
      return;
    case 'file-done':
      for (const error of await harness.fileDone(msg.file)) emit({ t: 'error', error, file: msg.file });
      checkMemory();
      return;
    case 'drop':
    case 'continue':
      return; // handled on arrival
    case 'workers':
      process.env.QA_WORKER_COUNT = String(msg.count);
      return;
    case 'stop':
      reportTeardownErrors();
      for (const error of await harness.shutdown()) emit({ t: 'error', error });
      // Tests may leave servers or timers behind; they must not keep the worker alive.
      flush(() => process.exit(0));
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
process.on('message', (msg: ToWorker) => {
  if (msg.t === 'drop' || msg.t === 'continue') {
    if (msg.t === 'drop') dropUpTo = Math.max(dropUpTo, msg.upTo);
    resumeAfterFailure?.();
    resumeAfterFailure = undefined;
    return;
  }
  queue = queue
    .then(() => handle(msg))
    .catch((err) => {
      // A handler that throws is a bug in qa: this worker never sends the `done` its controller
      // waits for. Exiting hands the run to the crash path (the running test is blamed, the
      // rest go to a fresh worker) instead of a run that hangs.
      emit({ t: 'error', error: toErrorInfo(err) });
      process.exit(70);
    });
});

// Errors that escape a test (a timer firing later, a forgotten promise) are pinned on the test
// whose code started that work, through its async context, even after it has finished.
const stray = (err: unknown) => {
  const running = collectState.info?.id;
  const owner = testContext.getStore() ?? running;
  emit({ t: 'error', error: toErrorInfo(err), ...(owner ? { testId: owner, afterEnd: owner !== running } : {}) });
};
process.on('uncaughtException', stray);
process.on('unhandledRejection', stray);
process.on('disconnect', () => process.exit(0));

// A test that calls process.exit() takes the worker down; results already gathered go out first
// (an IPC write of a small batch completes synchronously when the channel has room).
const exit = process.exit.bind(process);
process.exit = ((code?: number) => {
  flush();
  exit(code);
}) as typeof process.exit;

installCapture();
send({ t: 'ready', v: PROTOCOL_VERSION });
