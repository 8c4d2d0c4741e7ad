// The command line: yargs turns argv into a typed request; validation errors become UsageErrors.
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { UsageError } from '../core/errors.js';
import type { StressOptions } from '../core/stress.js';
import { DIST_MODES, type DistMode } from '../core/types.js';

export interface CliRequest {
  command: 'run' | 'list' | 'stress' | 'watch';
  /** Set for `qa stress`. */
  stress?: StressOptions;
  /** `--shuffle` (run, watch): the seed of the random order. */
  seed?: number;
  paths: string[];
  ids: string[];
  workers?: number;
  dist?: DistMode;
  mark?: string;
  keyword?: string;
  timeout?: number;
  count: number;
  reruns: number;
  rerunsDelay: number;
  rerunsBackoff: number;
  failOnFlaky: boolean;
  lastFailed: boolean;
  failedFirst: boolean;
  /** 0 = never stop early. */
  maxFail: number;
  maxWorkerRestart?: number;
  ci: boolean;
  config?: string;
  /** `--exclude GLOB`, repeatable, as Vitest has it: added to the config's exclude. */
  exclude: string[];
  /** `--project NAME`, repeatable: the Vitest or Jest projects to run (all when none). */
  project: string[];
  /** `--isolate` / `--no-isolate`: every test file gets its own project modules; unset, the config decides. */
  isolate?: boolean;
  /** run: a file for the JSON report; list: '' prints JSON to stdout. */
  json?: string;
  junit?: string;
  reporter: 'lines' | 'github';
}


export function parseWorkers(value: unknown): number {
  const text = String(value).trim();
  if (text === 'auto') return availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`-n/--workers takes a positive whole number or "auto", got "${text}"`);
  }
  return Number(text);
}

function wholeNumber(flag: string, min: number) {
  return (value: unknown): number => {
    const text = String(value).trim();
    if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} takes a whole number ≥ ${min}, got "${text}"`);
    return Number(text);
  };
}

/** `60s`, `2m`, `1500ms`, `1h`, or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration takes a time like 60s, 2m or 500ms, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function positiveNumber(flag: string) {
  return (value: unknown): number => {
    const n = Number(String(value).trim());
    if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} takes a positive number, got "${String(value)}"`);
    return n;
  };
}

export async function parseArgs(argv: string[], version: string): Promise<CliRequest | null> {
  let usageFailure: string | undefined;
  let shownHelp = false;
  const parser = yargs(argv)
    .scriptName('qa')
    .usage('$0 [run|list|stress|watch] [paths or file::test ids..] [options]')
    .command(['run [targets..]', '$0 [targets..]'], 'run tests (default)')
    .command('list [targets..]', 'collect and print test ids with their marks')
    .command('stress [targets..]', 'run the selected tests many times across all workers to expose races')
    .command('watch [targets..]', 'stay up and rerun the tests affected by every saved file')
    .option('until-fail', { type: 'boolean', default: false, describe: 'stress: stop at the first failure and print how to reproduce it' })
    .option('duration', { type: 'string', requiresArg: true, describe: 'stress: keep looping for this long (e.g. 60s, 2m) instead of a fixed count' })
    .option('shuffle', { type: 'boolean', default: false, describe: 'files and tests in a random order (the seed is printed)' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'seed for --shuffle (implies it)' })
    .option('serial-copies', { type: 'boolean', default: false, describe: 'stress: never run two copies of one test at the same time' })
    .option('workers', { alias: 'n', type: 'string', requiresArg: true, describe: 'worker processes: a number or "auto" (available cores)' })
    .option('mark', { alias: 'm', type: 'string', requiresArg: true, describe: 'run tests whose marks match, e.g. "smoke and not slow"' })
    .option('keyword', { alias: 'k', type: 'string', requiresArg: true, describe: 'run tests whose names match, e.g. "login or checkout"' })
    .option('dist', { type: 'string', requiresArg: true, choices: DIST_MODES, describe: 'unit of distribution: load | loadscope | loadfile | loadgroup' })
    .option('timeout', { type: 'string', requiresArg: true, describe: 'per-test timeout in ms (default 30000)' })
    .option('count', { type: 'string', requiresArg: true, describe: 'run every selected test N times (stress: default 100)' })
    .option('reruns', { type: 'string', requiresArg: true, default: '0', describe: 'retry a failing test up to N times; pass-after-fail is flaky' })
    .option('reruns-delay', { type: 'string', requiresArg: true, default: '0', describe: 'ms to wait before a retry' })
    .option('reruns-backoff', { type: 'string', requiresArg: true, default: '1', describe: 'multiply the delay by this for every further retry' })
    .option('fail-on-flaky', { type: 'boolean', default: false, describe: 'a test that passed only after failing fails the run' })
    .option('last-failed', { alias: 'lf', type: 'boolean', default: false, describe: 'run only the tests that failed last time (all if none did)' })
    .option('failed-first', { alias: 'ff', type: 'boolean', default: false, describe: 'run the tests that failed last time first' })
    .option('exitfirst', { alias: 'x', type: 'boolean', default: false, describe: 'stop at the first failure' })
    .option('maxfail', { type: 'string', requiresArg: true, describe: 'stop after N failures' })
    .option('max-worker-restart', { type: 'string', requiresArg: true, describe: 'worker crashes allowed before the run stops (default 4 × workers)' })
    .option('junit', { type: 'string', requiresArg: true, describe: 'write a JUnit XML report to FILE' })
    .option('json', { type: 'string', describe: 'run: write a JSON report to FILE; list: print JSON' })
    .option('reporter', { type: 'string', requiresArg: true, choices: ['lines', 'github'], describe: 'github adds workflow annotations (default when GITHUB_ACTIONS=true)' })
    .option('ci', { type: 'boolean', default: false, describe: 'headless: plain lines, no prompts (also whenever stdout is not a terminal)' })
    .option('config', { alias: 'c', type: 'string', requiresArg: true, describe: 'path to a qa config file' })
    .option('exclude', { type: 'string', array: true, requiresArg: true, describe: 'leave out test files matching GLOB (repeatable)' })
    .option('isolate', { type: 'boolean', describe: 'fresh project modules for every test file (--no-isolate: shared, faster)' })
    .option('project', { type: 'string', array: true, requiresArg: true, describe: 'run only this Vitest/Jest project (repeatable)' })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(version)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      usageFailure = err?.message ?? msg;
    });
  const parsed = (await parser.parseAsync()) as Record<string, unknown>;
  // yargs spreads some messages over lines ("Invalid values:\n  Argument: dist, ..."): keep one.
  if (usageFailure) {
    const missing = /^Not enough arguments following: (\S+)/.exec(usageFailure);
    if (missing) throw new UsageError(`${missing[1].length === 1 ? '-' : '--'}${missing[1]} needs a value`);
    // With several bad choices yargs lists one per line: the first is reported.
    const choice = /^Invalid values:\s*Argument: (\S+), Given: ([^\n]*?), Choices: ([^\n]*)/.exec(usageFailure);
    if (choice) throw new UsageError(`--${choice[1]} takes one of ${choice[3].replace(/\s+/g, ' ').trim()}; got ${choice[2].trim()}`);
    throw new UsageError(usageFailure.replace(/\s*\n\s*/g, ' ').trim());
  }
  if (parsed.help || parsed.version) shownHelp = true;
  if (shownHelp) return null;

  const first = (parsed._ as string[])[0];
  const command = first === 'list' || first === 'stress' || first === 'watch' ? first : 'run';
  const extra = (parsed._ as Array<string | number>).slice(first === command || first === 'run' ? 1 : 0).map(String);
  const targets = [...((parsed.targets as string[] | undefined) ?? []), ...extra];
  const shuffled = Boolean(parsed.shuffle) || parsed.seed !== undefined;
  const seed = parsed.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeNumber('--seed', 0)(parsed.seed);
  return {
    command,
    paths: targets.filter((t) => !t.includes('::')),
    ids: targets.filter((t) => t.includes('::')),
    workers: parsed.workers === undefined ? undefined : parseWorkers(parsed.workers),
    dist: parsed.dist as DistMode | undefined,
    mark: parsed.mark as string | undefined,
    keyword: parsed.keyword as string | undefined,
    timeout: parsed.timeout === undefined ? undefined : wholeNumber('--timeout', 0)(parsed.timeout),
    count: parsed.count === undefined ? 1 : wholeNumber('--count', 1)(parsed.count),
    ...(command !== 'stress' && shuffled ? { seed } : {}),
    ...(command === 'stress'
      ? {
          stress: {
            count: parsed.count === undefined ? 100 : wholeNumber('--count', 1)(parsed.count),
            untilFail: Boolean(parsed['until-fail']),
            ...(parsed.duration === undefined ? {} : { durationMs: parseDuration(String(parsed.duration)) }),
            shuffle: shuffled,
            seed,
            serialCopies: Boolean(parsed['serial-copies']),
          },
        }
      : {}),
    reruns: wholeNumber('--reruns', 0)(parsed.reruns),
    rerunsDelay: wholeNumber('--reruns-delay', 0)(parsed['reruns-delay']),
    rerunsBackoff: positiveNumber('--reruns-backoff')(parsed['reruns-backoff']),
    failOnFlaky: Boolean(parsed['fail-on-flaky']),
    lastFailed: Boolean(parsed['last-failed']),
    failedFirst: Boolean(parsed['failed-first']),
    maxFail: parsed.exitfirst ? 1 : parsed.maxfail === undefined ? 0 : wholeNumber('--maxfail', 1)(parsed.maxfail),
    maxWorkerRestart: parsed['max-worker-restart'] === undefined ? undefined : wholeNumber('--max-worker-restart', 0)(parsed['max-worker-restart']),
    ci: Boolean(parsed.ci),
    config: parsed.config as string | undefined,
    exclude: ((parsed.exclude as string[] | undefined) ?? []).map(String),
    project: ((parsed.project as string[] | undefined) ?? []).map(String),
    ...(parsed.isolate === undefined ? {} : { isolate: Boolean(parsed.isolate) }),
    json: parsed.json as string | undefined,
    junit: parsed.junit as string | undefined,
    reporter: (parsed.reporter as 'lines' | 'github' | undefined) ?? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'lines'),
  };
}
