// One worker process forked before qa has even loaded its own modules. Parsing the command line,
// loading the config and finding the test files take longer than a node process takes to boot,
// so the first worker boots meanwhile, on the other core, and the pool adopts it when it starts.
// A worker is forked bare and told who it is with an `init` message (protocol.ts), so a spare and
// a worker forked later are the same thing. `init` goes only after the worker said `boot`: while
// its entry module loads, a message would find nobody listening and be lost.
import { fork, type ChildProcess } from 'node:child_process';

const SLOT = Symbol.for('qa-lanes.spare');
type Slot = { [SLOT]?: { script: string; bare: BareWorker } };

export interface BareWorker {
  proc: ChildProcess;
  /** Resolves when the process listens for its `init` message. */
  booted: Promise<void>;
}

/** Forks a bare worker, to be sent `init` once booted. */
export function forkWorker(script: string, cwd: string): BareWorker {
  const proc = fork(script, [], { cwd, execArgv: [], env: process.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const booted = new Promise<void>((resolve) => proc.once('message', () => resolve()));
  return { proc, booted };
}

/** Forks the spare; it never keeps qa alive, and dies with it if nobody adopts it. */
export function startSpare(script: string): void {
  const bare = forkWorker(script, process.cwd());
  holdsLoop(bare.proc, false);
  // A spare that fails to start is simply not adopted.
  bare.proc.on('error', () => undefined);
  (globalThis as Slot)[SLOT] = { script, bare };
}

/** The spare, if it was forked from this script and is still alive; it is handed out once. */
export function takeSpare(script: string): BareWorker | undefined {
  const spare = (globalThis as Slot)[SLOT];
  delete (globalThis as Slot)[SLOT];
  const proc = spare?.bare.proc;
  if (!spare || !proc || spare.script !== script || proc.exitCode !== null || proc.signalCode !== null || !proc.connected) {
    proc?.kill();
    return undefined;
  }
  holdsLoop(proc, true);
  return spare.bare;
}

function holdsLoop(proc: ChildProcess, hold: boolean): void {
  const handles = [proc, proc.channel, proc.stdout, proc.stderr] as Array<{ ref?(): void; unref?(): void } | null | undefined>;
  for (const h of handles) (hold ? h?.ref : h?.unref)?.call(h);
}
