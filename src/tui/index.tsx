// The TUI frontend: called by src/cli/main.ts when stdin and stdout are terminals.
// Events → store (store.ts) → frames at a capped rate (frame.ts) → Ink components (app.tsx);
// keys → controller (controller.ts) → session, or the watch controller in watch mode. The first
// run starts before Ink has even loaded.
import { appendFileSync } from 'node:fs';
import type { Session } from '../core/session.js';
import type { StressOptions } from '../core/stress.js';
import { colorWanted } from '../report/format.js';
import type { Reproduce } from '../report/verdict.js';
import { Controller, type SessionLike, type WatchLike } from './controller.js';
import { Publisher, type Size } from './frame.js';
import { TuiStore } from './store.js';

export interface TuiOptions {
  version: string;
  /** The Vitest or Jest config the run follows, for the title line. */
  configSource?: string;
  warnings: readonly string[];
  mode: 'run' | 'stress' | 'watch';
  /** `qa stress`: the command line's options. */
  stress?: StressOptions;
  /** `qa stress`: the command that replays a failure (built by the CLI, which knows its argv). */
  reproduce?: Reproduce;
  /** `qa watch`: the watch controller, not started yet. */
  watch?: WatchLike;
}

export interface TuiStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

/** Runs the TUI until the user quits; resolves with the exit code of the last run. */
export async function runTui(session: Session | SessionLike, opts: TuiOptions, streams: TuiStreams = { stdout: process.stdout, stdin: process.stdin, stderr: process.stderr }): Promise<number> {
  const { stdout, stdin } = streams;
  const size = (): Size => ({ rows: stdout.rows || 24, cols: stdout.columns || 80 });
  const store = new TuiStore({
    version: opts.version,
    ...(opts.configSource ? { configSource: opts.configSource } : {}),
    filter: { mark: session.opts.mark, keyword: session.opts.keyword },
    warnings: opts.warnings,
    ...(opts.reproduce ? { reproduce: opts.reproduce } : {}),
    ...(opts.watch ? { watch: { scope: opts.watch.scope } } : {}),
  });
  const off = session.on(store.apply);
  const offWatch = opts.watch?.on(store.applyWatch);
  const color = colorWanted(stdout);
  const publisher = new Publisher(store, { size, color });
  const interactive = Boolean(stdin.isTTY);
  const controller = new Controller(session, store, {
    mode: opts.mode,
    ...(opts.stress ? { stress: opts.stress } : {}),
    ...(opts.watch ? { watch: opts.watch } : {}),
    interactive,
    pageRows: () => size().rows - 6,
    cols: () => size().cols,
  });
  // Workers spawn and collect while Ink loads.
  controller.start();

  const onResize = () => publisher.soon();
  stdout.on('resize', onResize);
  // A signal (not a key: raw mode turns Ctrl-C into a key) quits like q does.
  const onSignal = () => controller.quit();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const wake = (k: Parameters<Controller['key']>[0]) => {
    controller.key(k);
    publisher.soon();
  };
  let mounted: Awaited<ReturnType<typeof import('./app.js')['mount']>> | undefined;
  // QA_TUI_STATS: what the frontend cost, for the TUI-vs-headless benchmark: a `qa tui:` line on
  // the terminal when qa exits; with a file name instead of 1, also one line per run in that file.
  const statsFile = process.env.QA_TUI_STATS && process.env.QA_TUI_STATS !== '1' ? process.env.QA_TUI_STATS : undefined;
  const stats = () => {
    const ink = mounted?.stats ?? { renders: 0, renderMs: 0 };
    return `${publisher.frames} frames, ${publisher.busyMs.toFixed(0)} ms building and committing them, ${ink.renders} ink renders, ${ink.renderMs.toFixed(0)} ms in ink output, frame interval now ${publisher.interval.toFixed(0)} ms`;
  };
  const offStats = statsFile
    ? session.on((e) => {
        if (e.type === 'run-end') appendFileSync(statsFile, `at=${Date.now()} wall=${e.summary.wallMs.toFixed(0)} ${stats()}\n`);
      })
    : undefined;
  try {
    const { mount } = await import('./app.js');
    mounted = mount({ publisher, onKey: wake, color }, streams);
    publisher.publish();
    const code = await controller.exited;
    return code;
  } finally {
    // The last frame is drawn before Ink lets go of the terminal.
    publisher.publish();
    publisher.stop();
    await mounted?.close();
    if (process.env.QA_TUI_STATS) stdout.write(`qa tui: ${stats()}\n`);
    stdout.off('resize', onResize);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    off();
    offWatch?.();
    offStats?.();
    // A run cut by a second q may still be settling: let the session finish it before close().
    await Promise.race([controller.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}
