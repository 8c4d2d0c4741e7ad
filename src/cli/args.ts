// The command line: yargs turns argv into a typed request; validation errors become UsageErrors.
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { UsageError } from '../core/errors.js';
import type { DistMode } from '../core/types.js';

export interface CliRequest {
  command: 'run' | 'list';
  paths: string[];
  ids: string[];
  workers?: number;
  dist?: DistMode;
  mark?: string;
  keyword?: string;
  timeout?: number;
  count: number;
  reruns: number;
  ci: boolean;
  config?: string;
  json: boolean;
}

const DISTS: readonly DistMode[] = ['load', 'loadscope', 'loadfile', 'loadgroup'];

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
    if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} takes a whole number${min > 0 ? ` ≥ ${min}` : ''}, got "${text}"`);
    return Number(text);
  };
}

export async function parseArgs(argv: string[], version: string): Promise<CliRequest | null> {
  let usageFailure: string | undefined;
  let shownHelp = false;
  const parser = yargs(argv)
    .scriptName('qa')
    .usage('$0 [run|list] [paths or file::test ids..] [options]')
    .command(['run [targets..]', '$0 [targets..]'], 'run tests (default)')
    .command('list [targets..]', 'collect and print test ids with their marks')
    .option('workers', { alias: 'n', type: 'string', requiresArg: true, describe: 'worker processes: a number or "auto" (available cores)' })
    .option('mark', { alias: 'm', type: 'string', requiresArg: true, describe: 'run tests whose marks match, e.g. "smoke and not slow"' })
    .option('keyword', { alias: 'k', type: 'string', requiresArg: true, describe: 'run tests whose names match, e.g. "login or checkout"' })
    .option('dist', { type: 'string', requiresArg: true, choices: DISTS, describe: 'unit of distribution: load | loadscope | loadfile | loadgroup' })
    .option('timeout', { type: 'string', requiresArg: true, describe: 'per-test timeout in ms (default 30000)' })
    .option('count', { type: 'string', requiresArg: true, default: '1', describe: 'run every selected test N times' })
    .option('reruns', { type: 'string', requiresArg: true, default: '0', describe: 'retry a failing test up to N times; pass-after-fail is flaky' })
    .option('ci', { type: 'boolean', default: false, describe: 'headless: plain lines, no prompts (also whenever stdout is not a terminal)' })
    .option('config', { alias: 'c', type: 'string', requiresArg: true, describe: 'path to a qa config file' })
    .option('json', { type: 'boolean', default: false, describe: 'with list: print JSON' })
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
    throw new UsageError(usageFailure.replace(/\s*\n\s*/g, ' ').trim());
  }
  if (parsed.help || parsed.version) shownHelp = true;
  if (shownHelp) return null;

  const command = (parsed._ as string[])[0] === 'list' ? 'list' : 'run';
  const extra = (parsed._ as Array<string | number>).filter((x) => x !== 'list' && x !== 'run').map(String);
  const targets = [...((parsed.targets as string[] | undefined) ?? []), ...extra];
  return {
    command,
    paths: targets.filter((t) => !t.includes('::')),
    ids: targets.filter((t) => t.includes('::')),
    workers: parsed.workers === undefined ? undefined : parseWorkers(parsed.workers),
    dist: parsed.dist as DistMode | undefined,
    mark: parsed.mark as string | undefined,
    keyword: parsed.keyword as string | undefined,
    timeout: parsed.timeout === undefined ? undefined : wholeNumber('--timeout', 0)(parsed.timeout),
    count: wholeNumber('--count', 1)(parsed.count),
    reruns: wholeNumber('--reruns', 0)(parsed.reruns),
    ci: Boolean(parsed.ci),
    config: parsed.config as string | undefined,
    json: Boolean(parsed.json),
  };
}
