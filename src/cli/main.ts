// `qa`: parse the command line, load the config, build a session, hand it to a frontend.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QaConfig } from '../core/config-types.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../core/discover.js';
import { UsageError } from '../core/errors.js';
import { parseExpr } from '../core/expr.js';
import { Session, type ConfiguredOptions, type SessionOptions } from '../core/session.js';
import { EXIT } from '../core/types.js';
import { colorWanted, safe } from '../report/format.js';
import { GithubReporter } from '../report/github.js';
import { JsonReporter } from '../report/json.js';
import { JUnitReporter } from '../report/junit.js';
import { LineReporter, type Writer } from '../report/lines.js';
import { VerdictJsonReporter, VerdictReporter, type Reproduce } from '../report/verdict.js';
import type { StressVerdict } from '../core/stress.js';
import type { WatchController } from '../watch/controller.js';
import { parseArgs, type CliRequest } from './args.js';
import { dropOutputOnClosedPipe } from './closed-pipe.js';
import { readCompat, type CompatRun } from './compat.js';
import { loadConfig } from './config.js';

const here = (file: string) => new URL(`./${file}`, import.meta.url);
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The options the config decides (the command line's flags win): read again when a watch session sees the config saved. */
function configuredOptions(req: CliRequest, config: QaConfig, compat = false): ConfiguredOptions {
  const mark = req.mark ?? config.mark;
  const keyword = req.keyword ?? config.keyword;
  // Bad expressions fail before any worker starts.
  if (mark !== undefined) parseExpr(mark, '-m');
  if (keyword !== undefined) parseExpr(keyword, '-k');
  const configured = config.workers === undefined || config.workers === 'auto' ? availableParallelism() : config.workers;
  return {
    include: config.include ?? DEFAULT_INCLUDE,
    exclude: [...DEFAULT_EXCLUDE, ...(config.exclude ?? []), ...req.exclude],
    workers: req.workers ?? configured,
    dist: req.dist ?? config.dist ?? (compat ? 'loadfile' : 'load'),
    timeout: req.timeout ?? config.timeout ?? 30_000,
    mark: mark || undefined,
    keyword: keyword || undefined,
    markers: config.markers,
    strictMarkers: config.strictMarkers ?? false,
  };
}

function sessionOptions(req: CliRequest, root: string, config: QaConfig, compat: CompatRun | undefined): SessionOptions {
  return {
    root,
    // Vitest and Jest run a file's tests in one process, in order, and suites rely on it.
    ...configuredOptions(req, config, compat !== undefined),
    ...(compat ? { compat: compat.compat, timeout: req.timeout ?? compat.timeout } : {}),
    // Vitest and Jest projects isolate as their config says (both by default); qa's own suites share.
    ...((req.isolate ?? (compat ? undefined : config.isolate)) !== undefined ? { isolate: req.isolate ?? config.isolate } : {}),
    paths: req.paths,
    ids: req.ids,
    count: req.count,
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    reruns: req.reruns,
    rerunsDelay: req.rerunsDelay,
    rerunsBackoff: req.rerunsBackoff,
    failOnFlaky: req.failOnFlaky,
    lastFailed: req.lastFailed,
    failedFirst: req.failedFirst,
    maxFail: req.maxFail,
    maxWorkerRestarts: req.maxWorkerRestart,
    workerScript: fileURLToPath(here('worker.js')),
    tsHooks: here('register-ts.js').href,
  };
}

async function list(session: Session, json: boolean): Promise<number> {
  const { tests, errors } = await session.list();
  if (json) {
    process.stdout.write(JSON.stringify({ tests, errors }, null, 2) + '\n');
  } else {
    const lines = tests.map((t) => `${safe(t.id)}${t.marks.length ? `  [${t.marks.join(', ')}]` : ''}${t.mode !== 'run' ? `  (${t.mode})` : ''}`);
    for (const e of errors) lines.push(`ERROR collecting ${safe(e.file)}: ${safe(e.error.message.split('\n')[0])}`);
    lines.push(`${tests.length} test${tests.length === 1 ? '' : 's'} collected${errors.length ? `, ${errors.length} collection error${errors.length === 1 ? '' : 's'}` : ''}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return errors.length ? EXIT.testsFailed : tests.length ? EXIT.ok : EXIT.noTests;
}

/** Report files and annotations: the same for the TUI and headless frontends. */
function attachReports(session: Session, req: CliRequest): void {
  if (req.junit) session.on(new JUnitReporter(resolve(req.junit)).onEvent);
  if (req.json && req.command === 'run') session.on(new JsonReporter(resolve(req.json)).onEvent);
  if (req.json && req.command === 'stress') session.on(new VerdictJsonReporter(resolve(req.json)).onEvent);
  if (req.reporter === 'github') session.on(new GithubReporter(process.stdout).onEvent);
}

/** The TUI needs a terminal on both ends; --ci, CI=true or a pipe mean plain lines. */
function wantsTui(req: CliRequest): boolean {
  return !req.ci && req.command !== 'list' && Boolean(process.stdout.isTTY && process.stdin.isTTY) && !process.env.CI;
}

/** The user's own command line, with the count and seed that reach the failing iteration. */
function reproduceCommand(iteration: number, verdict: StressVerdict): string {
  const drop = new Set(['--count', '--seed', '--duration']);
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (drop.has(a)) i++;
    else if (a === '--until-fail' || a === '--shuffle' || [...drop].some((d) => a.startsWith(`${d}=`))) continue;
    else args.push(a);
  }
  args.push('--count', String(iteration), ...(verdict.shuffled ? ['--shuffle', '--seed', String(verdict.seed)] : []));
  return `npx qa ${args.map(shellQuote).join(' ')}`;
}

const reproduce: Reproduce = (_id, iteration, verdict) => reproduceCommand(iteration, verdict);

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function stress(session: Session, req: CliRequest, out: Writer): Promise<number> {
  session.on(new VerdictReporter(out, { color: colorWanted(process.stdout), reproduce }).onEvent);
  const { summary } = await session.stress(req.stress!);
  return summary.exitCode;
}

async function headless(session: Session, req: CliRequest, configSource: string | undefined): Promise<number> {
  const reporter = new LineReporter(process.stdout, { color: colorWanted(process.stdout), version, warnings: session.warnings, configSource });
  session.on(reporter.onEvent);
  let interrupts = 0;
  let lastInterrupt = 0;
  const onSigint = () => {
    const now = Date.now();
    // npm forwards one Ctrl-C as two signals; a repeat within a moment is the same keypress.
    if (now - lastInterrupt < 300) return;
    lastInterrupt = now;
    if (++interrupts === 1) {
      process.stderr.write('\nqa: interrupted; stopping (press Ctrl-C again to kill the workers now)\n');
      session.cancel();
    } else {
      session.kill();
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    if (req.command === 'stress') return await stress(session, req, process.stdout);
    const summary = await session.run();
    return summary.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * `qa watch`, headless: runs until SIGINT/SIGTERM. Stopped while waiting for changes it exits 0
 * (ending a watch session is the normal way out); stopped during a run, that run is cut and it
 * exits 2 like an interrupted pytest run; a second signal kills the workers at once (2).
 */
async function watchHeadless(session: Session, watch: WatchController): Promise<number> {
  const { attachHeadlessWatch } = await import('../watch/headless.js');
  attachHeadlessWatch(session, watch, process.stdout, { color: colorWanted(process.stdout), version });
  let onSignal: (() => void) | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      let signals = 0;
      let last = 0;
      onSignal = () => {
        const now = Date.now();
        if (now - last < 300) return; // npm forwards one Ctrl-C twice
        last = now;
        if (++signals > 1) {
          session.kill();
          resolve(EXIT.interrupted);
          return;
        }
        const interrupted = watch.busy;
        if (interrupted) {
          process.stderr.write('\nqa: interrupted; stopping the run (press Ctrl-C again to kill the workers now)\n');
          session.cancel();
        }
        void watch
          .close()
          .then(() => watch.settled())
          .then(() => resolve(interrupted ? EXIT.interrupted : EXIT.ok), reject);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      watch.start().catch(reject);
    });
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

/** `qa watch`, on a terminal (the TUI) or headless; either way the watcher is closed on the way out. */
async function watchMode(session: Session, req: CliRequest, tui: boolean, configSource: string | undefined): Promise<number> {
  // chokidar and the watch code load only for `qa watch`.
  const { WatchController } = await import('../watch/controller.js');
  const reloadConfig = async () => {
    const { config } = await loadConfig(process.cwd(), req.config, here('ts-hooks.js').href, { fresh: true });
    await session.reconfigure(configuredOptions(req, config, configSource !== undefined));
  };
  const watch = new WatchController(session, { paths: req.paths, ids: req.ids, debounceMs: Number(process.env.QA_WATCH_DEBOUNCE_MS) || 100, reloadConfig });
  try {
    if (!tui) return await watchHeadless(session, watch);
    const { runTui } = await import('../tui/index.js');
    return await runTui(session, { version, warnings: session.warnings, mode: 'watch', watch, ...(configSource ? { configSource } : {}) });
  } finally {
    await watch.close();
  }
}

async function main(): Promise<number> {
  dropOutputOnClosedPipe(process.stdout, process.stderr);
  const req = await parseArgs(process.argv.slice(2), version);
  if (!req) return EXIT.ok;
  const { root, config, source } = await loadConfig(process.cwd(), req.config, here('ts-hooks.js').href);
  // No qa config: a Vitest or Jest project runs by its own config.
  const compat = source ? undefined : await readCompat(root, here('ts-hooks.js').href, req.project, req.exclude);
  if (req.project.length && !compat) throw new UsageError('--project picks Vitest or Jest projects, and no Vitest or Jest config was found');
  const watching = req.command === 'watch';
  const tui = wantsTui(req);
  // Before the session, whose workers take what the setup provided.
  const global = req.command === 'list' ? undefined : await compat?.globalSetup();
  if (global) Object.assign(compat!.compat.env, global.env);
  const session = new Session({ ...sessionOptions(req, root, config, compat), keepWorkers: tui || watching, watch: watching });
  try {
    if (req.command === 'list') {
      if (req.json) throw new UsageError('qa list --json prints to stdout and takes no file name');
      return await list(session, req.json !== undefined);
    }
    if (req.json === '') throw new UsageError('--json needs a file name');
    attachReports(session, req);
    if (watching) return await watchMode(session, req, tui, compat?.source);
    if (tui) {
      // Ink and React load only for the TUI (here and in watchMode): headless never pays for them.
      const { runTui } = await import('../tui/index.js');
      const mode = req.command === 'stress' ? ({ mode: 'stress', stress: req.stress, reproduce } as const) : ({ mode: 'run' } as const);
      return await runTui(session, { version, warnings: session.warnings, ...mode, ...(compat ? { configSource: compat.source } : {}) });
    }
    return await headless(session, req, compat?.source);
  } finally {
    await session.close();
    await global?.teardown();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`qa: error: ${safe(err.message)}\n${err.detail.map((l) => safe(l) + '\n').join('')}`);
      process.exitCode = EXIT.usage;
      return;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`qa: internal error: ${e.message}\n${process.env.QA_DEBUG ? `${e.stack}\n` : '(set QA_DEBUG=1 to see where)\n'}`);
    process.exitCode = EXIT.internal;
  },
);
