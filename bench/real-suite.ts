// A real project's suite under qa next to its own runner (Vitest or Jest), both at their defaults,
// on the same machine in the same run. The project is used as it is on disk: this tool never
// fetches, clones or installs anything, and it changes nothing in the project but the reports it
// writes to a temp dir.
//
//   node --import tsx bench/real-suite.ts <project-dir> --own "<command>" [options]
//
//   --own "<command>"   the project's own test command, run by a shell in <project-dir>, e.g.
//                       "npx vitest run" or "TZ=America/New_York npx jest". Leading VAR=value
//                       assignments apply to qa as well: the suites need the same environment.
//   --rounds N          measured rounds (default 3); each round runs both, the order alternating
//   --warmup N          unmeasured rounds first (default 1): disk cache, transform caches
//   --json FILE         also write every sample and count as JSON
//   --timeout S         kill a run after S seconds (default 1800)
//   --verbose           print each run's stdout and stderr
//
// qa runs as `node <qa bin> run --ci --json <tmp>`, the bin being the project's
// node_modules/qa-lanes/bin/qa.js when there is one, else this repository's bin/qa.js. Counts come
// from each runner's own JSON report: the own command gets Vitest's or Jest's JSON reporter flags
// appended (detected from the command text). Exit code 0 whatever the tests do: a benchmark
// measures, it does not judge. A run that crashes or writes no report is BROKEN, not slow.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { REPO_ROOT, tempRoot } from './generate.js';
import type { JsonReport } from '../src/report/json.ts';
import { fmt, median, ratio } from './stats.js';

// ------------------------------------------------------------------ options

function usage(message: string): never {
  process.stderr.write(`real-suite: ${message}\n`);
  process.exit(4);
}

function whole(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) usage(`${flag} takes a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

const { values: flags, positionals } = parseArgs({
  options: {
    own: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    json: { type: 'string' },
    timeout: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
  strict: true,
});

if (flags.help) {
  const text = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  process.stdout.write(text.slice(0, text.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}
if (positionals.length !== 1) usage('give exactly one project directory');
if (!flags.own?.trim()) usage('--own "<command>" is required: the project\'s own test command');

const PROJECT = resolve(positionals[0]);
if (!existsSync(PROJECT) || !statSync(PROJECT).isDirectory()) usage(`${PROJECT} is not a directory`);
if (!existsSync(join(PROJECT, 'node_modules'))) usage(`${PROJECT} has no node_modules: install it first (this tool never installs anything)`);
const OWN = flags.own.trim();
const ROUNDS = whole(flags.rounds, '--rounds', 3, 1);
const WARMUP = whole(flags.warmup, '--warmup', 1, 0);
const TIMEOUT_MS = whole(flags.timeout, '--timeout', 1800, 1) * 1000;

const log = (line: string) => process.stderr.write(`real-suite: ${line}\n`);

// ------------------------------------------------------------------ the two commands

type Flavour = 'vitest' | 'jest';

/** Which runner the own command starts, from its text; the JSON flags differ between the two. */
function flavourOf(command: string): Flavour | undefined {
  if (/(^|[\s/])vitest(\s|$)/.test(command)) return 'vitest';
  if (/(^|[\s/])jest(\s|$)/.test(command)) return 'jest';
  return undefined;
}

/** `A=1 B="x y" npx jest` → { A: '1', B: 'x y' }: what the suite needs, so qa gets it too. */
function leadingEnv(command: string): Record<string, string> {
  const env: Record<string, string> = {};
  const re = /^\s*([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/;
  let rest = command;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    env[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
    rest = rest.slice(m[0].length);
  }
  return env;
}

/** The project's own qa when it has one (what its users run), else this checkout's. */
function qaBin(): string {
  const local = join(PROJECT, 'node_modules', 'qa-lanes', 'bin', 'qa.js');
  return existsSync(local) ? local : join(REPO_ROOT, 'bin', 'qa.js');
}

const FLAVOUR = flavourOf(OWN);
const QA_BIN = qaBin();
const SHARED_ENV = leadingEnv(OWN);

/** Markers an outer test run leaves in the environment would change how either runner behaves. */
function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('QA_') || key.startsWith('VITEST') || ['JEST_WORKER_ID', 'NODE_TEST_CONTEXT', 'FORCE_COLOR'].includes(key)) delete env[key];
  }
  return { ...env, ...extra };
}

// ------------------------------------------------------------------ running

interface Counts {
  files: number;
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  /** Test files that could not be loaded or failed outside any test (import errors, hooks). */
  fileErrors: number;
  /** The runner's own suite count (Vitest: files + describe blocks; Jest: files), when it has one. */
  suites?: number;
}

interface Sample {
  runner: Key;
  round: number;
  warmup: boolean;
  ms: number;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  counts?: Counts;
  /** Why the run does not count: no report, a crash, a timeout. */
  broken?: string;
  lastStderr: string;
}

interface Contestant {
  key: Key;
  label: string;
  /** The command as the report shows it. */
  shown: string;
  run: (report: string) => Promise<Exec>;
  read: (report: string) => Counts;
}

type Key = 'own' | 'qa';

interface Exec {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

let current: number | undefined;
// A runner's workers must not outlive an interrupted benchmark.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) killGroup(current);
    process.exit(130);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Spawn to exit, as a user waits for it. Its own process group so a timeout takes the shell, npx
 * and every worker with it, not just the first process.
 */
function exec(file: string, args: string[], opts: { shell?: boolean; env: NodeJS.ProcessEnv }): Promise<Exec> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd: PROJECT, env: opts.env, shell: opts.shell ?? false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child.pid;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killGroup(child.pid);
    }, TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      current = undefined;
      done({ ms, code, signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new Error('wrote no report');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new Error(`report is not JSON (${(e as Error).message})`);
  }
}

/** The parts of Vitest's and Jest's JSON reports that the table needs (the two share the shape). */
interface OwnReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  numRuntimeErrorTestSuites?: number;
  testResults: Array<{ status: string; message?: string; testExecError?: unknown; assertionResults: unknown[] }>;
}

function ownCounts(file: string): Counts {
  const r = readJson<OwnReport>(file);
  if (typeof r.numPassedTests !== 'number' || !Array.isArray(r.testResults)) throw new Error('report has no test counts');
  // Jest counts files that fail to run; Vitest only leaves a message on the file's result.
  const fileErrors = r.numRuntimeErrorTestSuites ?? r.testResults.filter((t) => t.status === 'failed' && (t.message || t.testExecError)).length;
  return {
    files: r.testResults.length,
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests,
    todo: r.numTodoTests,
    fileErrors,
    suites: r.numTotalTestSuites,
  };
}

function qaCounts(file: string): Counts {
  const r = readJson<JsonReport>(file);
  if (!Array.isArray(r.results)) throw new Error('report has no results');
  const by = (s: string) => r.results.filter((x) => x.status === s).length;
  const errored = new Set([...r.collectErrors.map((e) => e.file), ...r.workerErrors.flatMap((e) => (e.file ? [e.file] : []))]);
  return {
    files: new Set([...r.results.map((x) => x.file), ...errored]).size,
    // A test that passed on a retry passed; qa only retries when asked (--reruns), which this tool never does.
    passed: by('passed') + by('flaky'),
    failed: by('failed'),
    skipped: by('skipped'),
    todo: by('todo'),
    fileErrors: errored.size,
  };
}

function ownContestant(): Contestant {
  const reporter = (file: string) =>
    FLAVOUR === 'vitest' ? ` --reporter=json --outputFile=${JSON.stringify(file)}` : FLAVOUR === 'jest' ? ` --json --outputFile=${JSON.stringify(file)}` : '';
  return {
    key: 'own',
    label: FLAVOUR ? `own (${runnerName(FLAVOUR)})` : 'own',
    shown: OWN,
    // The user's line, through a shell, as they type it; the reporter flags go last so they reach the runner.
    run: (file) => exec(OWN + reporter(file), [], { shell: true, env: runEnv() }),
    read: (file) => {
      if (!FLAVOUR) throw new Error('not vitest or jest: no JSON report to read counts from');
      return ownCounts(file);
    },
  };
}

function qaContestant(): Contestant {
  const local = QA_BIN.startsWith(PROJECT);
  return {
    key: 'qa',
    label: `qa ${version(dirname(dirname(QA_BIN)))}`,
    shown: `node ${local ? 'node_modules/qa-lanes/bin/qa.js' : QA_BIN} run --ci`,
    run: (file) => exec(process.execPath, [QA_BIN, 'run', '--ci', '--json', file], { env: runEnv(SHARED_ENV) }),
    read: qaCounts,
  };
}

const lastLine = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? '';

let reports = 0;
async function once(c: Contestant, round: number, root: string): Promise<Sample> {
  const report = join(root, `${c.key}-${++reports}.json`);
  const r = await c.run(report);
  if (flags.verbose) process.stderr.write(`--- ${c.label} stdout ---\n${r.stdout}\n--- ${c.label} stderr ---\n${r.stderr}\n`);
  const sample: Sample = { runner: c.key, round, warmup: round < WARMUP, ms: r.ms, code: r.code, signal: r.signal, timedOut: r.timedOut, lastStderr: lastLine(r.stderr) || lastLine(r.stdout) };
  if (r.timedOut) sample.broken = `killed after ${fmt(TIMEOUT_MS)}`;
  else if (r.signal) sample.broken = `killed by ${r.signal}`;
  else {
    try {
      sample.counts = c.read(report);
    } catch (e) {
      sample.broken = (e as Error).message;
    }
  }
  return sample;
}

/** Round r runs own then qa when r is even, qa then own when odd: neither always goes first on a warm cache. */
async function measure(contestants: Contestant[], root: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const broken = new Set<Key>();
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const order = round % 2 ? [...contestants].reverse() : contestants;
    for (const c of order) {
      if (broken.has(c.key)) continue;
      const s = await once(c, round, root);
      samples.push(s);
      const what = round < WARMUP ? `warm-up ${round + 1}/${WARMUP}` : `round ${round - WARMUP + 1}/${ROUNDS}`;
      log(`${what} ${c.label}: ${fmt(s.ms)}, exit ${s.code ?? s.signal}${s.broken ? ` BROKEN (${s.broken})` : s.counts ? `, ${s.counts.passed} passed, ${s.counts.failed} failed` : ''}`);
      // A runner that cannot produce a report will not produce one next round: stop paying for it.
      if (s.broken) broken.add(c.key);
    }
  }
  return samples;
}

// ------------------------------------------------------------------ the report
// bench/run.ts runs its whole benchmark on import: its machine header is written again here, small.


function version(pkgDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** "vitest 4.1.12", or just "vitest" when the project has no such package of its own. */
function runnerName(flavour: Flavour): string {
  const v = version(join(PROJECT, 'node_modules', flavour));
  return v === '?' ? flavour : `${flavour} ${v}`;
}

/** The qa actually measured: the checkout its bin resolves to, and when its dist/ was built. */
function qaInfo(): string {
  const root = dirname(dirname(realpathSync(QA_BIN)));
  let commit = 'not a git checkout';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    commit = `commit ${head}${dirty ? ` + ${dirty.split('\n').length} uncommitted change(s) in src/` : ''}`;
  } catch {
    // Installed from a tarball: no history to name.
  }
  const cli = join(root, 'dist', 'cli.js');
  const built = existsSync(cli) ? `, dist/ built ${iso(statSync(cli).mtime)}` : ', no dist/ (run `npm run build`)';
  return `qa-lanes ${version(root)} (${commit}${built}) from ${root}`;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

interface Machine {
  date: string;
  cores: number;
  cpu: string;
  memGb: number;
  os: string;
  loadAtStart: number[];
  node: string;
  qa: string;
}

function machine(): Machine {
  return {
    date: iso(new Date()),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model?.trim() ?? 'unknown CPU',
    memGb: totalmem() / 2 ** 30,
    os: `${process.platform} ${release()}`,
    loadAtStart: loadavg(),
    node: process.version,
    qa: qaInfo(),
  };
}

function header(m: Machine): string {
  return [
    `# qa on a real suite`,
    '',
    `- date: ${m.date}`,
    `- machine: ${m.cores} cores (${m.cpu}), ${m.memGb.toFixed(1)} GB, ${m.os}, load average ${m.loadAtStart.map((x) => x.toFixed(2)).join(' ')} at start`,
    `- versions: node ${m.node} · ${m.qa}${FLAVOUR ? ` · ${runnerName(FLAVOUR)}` : ''}`,
    `- project: ${PROJECT}`,
    `- method: ${WARMUP} warm-up round${WARMUP === 1 ? '' : 's'}, then the median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}, the order alternating each round; ` +
      'wall time = spawn to exit. The own command runs through a shell as given (npx included); qa runs as `node <bin>`. Both at their defaults.',
  ].join('\n');
}

interface Summary {
  contestant: Contestant;
  measured: Sample[];
  broken?: Sample;
  /** Counts from the last measured run (or the last run at all when only warm-ups happened). */
  counts?: Counts;
  /** Some run's counts differed from another's: a flaky suite, or a shared-machine timeout. */
  countsVaried: boolean;
  median: number;
}

function summarise(c: Contestant, samples: Sample[]): Summary {
  const mine = samples.filter((s) => s.runner === c.key);
  const broken = mine.find((s) => s.broken);
  const measured = mine.filter((s) => !s.warmup && !s.broken);
  const counted = mine.filter((s) => s.counts);
  const key = (s: Sample) => JSON.stringify(s.counts);
  return {
    contestant: c,
    measured,
    ...(broken ? { broken } : {}),
    ...(counted.length ? { counts: counted.at(-1)!.counts! } : {}),
    countsVaried: new Set(counted.map(key)).size > 1,
    median: broken ? NaN : median(measured.map((s) => s.ms)),
  };
}

function timeTable(own: Summary, qa: Summary): string {
  const rows = [own, qa].map((s) => {
    const times = s.measured.map((x) => x.ms);
    const exits = [...new Set(s.measured.map((x) => x.code ?? x.signal))].join(', ');
    const wall = s.broken ? `BROKEN: exit ${s.broken.code ?? s.broken.signal}, ${s.broken.broken}${s.broken.lastStderr ? ` — last stderr line: ${s.broken.lastStderr.replaceAll('|', '\\|')}` : ''}` : fmt(s.median);
    const range = times.length > 1 ? `${fmt(Math.min(...times))} – ${fmt(Math.max(...times))}` : '';
    const q = s === own ? ratio(qa.median / own.median) : '';
    return `| ${s.contestant.label} | \`${s.contestant.shown}\` | ${wall} | ${range} | ${q} | ${s.broken ? '' : exits} |`;
  });
  return ['| runner | command | wall (median) | min – max | qa ÷ own | exit code |', '| --- | --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

function countTable(own: Summary, qa: Summary): string {
  const fields: Array<[keyof Counts, string]> = [
    ['files', 'test files'],
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['skipped', 'skipped'],
    ['todo', 'todo'],
    ['fileErrors', 'files that failed to load or run'],
  ];
  const cell = (s: Summary, k: keyof Counts) => (s.counts ? String(s.counts[k] ?? '—') : s.broken ? 'BROKEN' : 'not read');
  const diff = (k: keyof Counts) => {
    const a = own.counts?.[k];
    const b = qa.counts?.[k];
    if (a === undefined || b === undefined) return '—';
    return b - a === 0 ? '0' : b - a > 0 ? `+${b - a}` : String(b - a);
  };
  const rows = fields.map(([k, name]) => `| ${name} | ${cell(own, k)} | ${cell(qa, k)} | ${diff(k)} |`);
  if (own.counts?.suites !== undefined) rows.push(`| suites, as ${FLAVOUR} counts them${FLAVOUR === 'vitest' ? ' (files + describe blocks)' : ''} | ${own.counts.suites} | | |`);
  return ['| count | own | qa | qa − own |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}

function notes(own: Summary, qa: Summary): string[] {
  const out: string[] = [];
  for (const s of [own, qa]) if (s.countsVaried) out.push(`- ${s.contestant.label}: counts differed between runs (the table shows the last); see --json for each.`);
  const ran = (c: Counts) => c.passed + c.failed;
  if (own.counts && qa.counts && ran(own.counts) !== ran(qa.counts)) {
    // Fewer tests run is less work: the ratio then flatters whoever ran fewer.
    out.push(`- the runners did not run the same tests: own ${ran(own.counts)} passed or failed, qa ${ran(qa.counts)}; the wall times compare unequal work.`);
  } else if (own.counts && qa.counts && own.counts.failed !== qa.counts.failed) {
    out.push(`- the same number of tests ran, but ${Math.abs(qa.counts.failed - own.counts.failed)} judged differently (failed: own ${own.counts.failed}, qa ${qa.counts.failed}).`);
  }
  if (!FLAVOUR) out.push('- the own command is neither vitest nor jest: no reporter flags were added, so its counts are not read.');
  if (Object.keys(SHARED_ENV).length) out.push(`- qa ran with the own command's environment too: ${Object.entries(SHARED_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return out;
}

async function main(): Promise<void> {
  const m = machine();
  const root = tempRoot();
  try {
    const contestants = [ownContestant(), qaContestant()];
    log(`${PROJECT}: ${WARMUP} warm-up round(s), ${ROUNDS} measured; reports in ${root}`);
    const started = performance.now();
    const samples = await measure(contestants, root);
    const [own, qa] = contestants.map((c) => summarise(c, samples));
    const parts = [header(m), '', '## Wall time', '', timeTable(own, qa), '', '## Counts, from each runner\'s JSON report', '', countTable(own, qa)];
    const extra = notes(own, qa);
    if (extra.length) parts.push('', ...extra);
    const order = samples.filter((s) => !s.warmup).map((s) => `${s.runner} ${fmt(s.ms)}${s.broken ? ' (BROKEN)' : ''}`);
    parts.push('', `Samples (wall, in run order): ${order.join(', ') || '—'} · benchmark took ${fmt(performance.now() - started)}`);
    process.stdout.write(parts.join('\n') + '\n');
    if (flags.json) {
      const raw = { machine: m, project: PROJECT, own: { command: OWN, flavour: FLAVOUR ?? null }, qa: { bin: QA_BIN, env: SHARED_ENV }, rounds: ROUNDS, warmup: WARMUP, samples };
      writeFileSync(flags.json, JSON.stringify(raw, null, 2) + '\n');
      log(`raw numbers in ${flags.json}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
