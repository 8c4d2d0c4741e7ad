// The benchmark: qa against mocha --parallel, vitest (forks) and node --test on identical generated
// suites (bench/generate.ts), measured side by side in one run, plus what only qa has (the TUI, qa
// stress, qa watch from a save to its first result) and peak memory. Prints markdown: the machine
// and versions, one table row per runner and suite, then a line per target (issues 7 and watch)
// saying met or missed, then every sample.
//
//   node --import tsx bench/run.ts              full run (several minutes on 2 cores)
//   node --import tsx bench/run.ts --quick      1 run, small sizes
//   node --import tsx bench/run.ts --tiny       seconds: proves the harness works (npm test)
//   --only startup,trivial,sleep,skewed,tui,stress,memory,watch    --runs N    --warmup N    --keep
//   sizes: --trivial 20x100,200x60  --sleep 200x50:10 (tests x ms : files)
//          --skewed 40x10:4 (files x tests : long tests)  --stress-count 1000  --tui 200x60  --memory 200x60
//
// Wall time is the whole command, spawn to exit, as a user waits for it. Each cell: warm-up
// round(s), then the median of --runs rounds; in every round each runner runs once, the order
// rotating so no runner always follows the same neighbour. A run only counts if the runner's own
// output reports the expected number of passed tests and no failures: a broken config cannot
// look fast. Timings are never asserted; exit code 1 means a runner broke, not that qa was slow.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SKEWED,
  REPO_ROOT,
  skewedSuite,
  sleepSuite,
  startupSuite,
  stressSuite,
  tempRoot,
  trivialSuite,
  writeSuite,
  writeWatchProject,
  type Dialect,
  type GeneratedSuite,
  type SkewedOptions,
} from './generate.js';
import { staticImporters, staticImports } from './imports.js';
import { available as procAvailable, sampleTree, type TreePeak } from './proctree.js';
import { fmt, median, ratio } from './stats.js';

// ------------------------------------------------------------------ options

const CELLS = ['startup', 'trivial', 'isolation', 'sleep', 'skewed', 'tui', 'stress', 'memory', 'watch'] as const;
type Cell = (typeof CELLS)[number];

/** The watch cell: a generated project and the demo-suite, files saved in turn. */
interface WatchSizes {
  project: { files: number; perFile: number; slowMs: number };
  /** Paths `qa watch` is given in the demo-suite copy (none: all of it). */
  demoPaths: string[];
  /** Demo-suite files saved in turn, root-relative. */
  demoTouch: string[];
}

interface Sizes {
  watch: WatchSizes;
  trivial: Array<[number, number]>;
  sleep: { tests: number; ms: number; files: number; workers: number };
  skewed: SkewedOptions;
  skewedWorkers: number;
  stress: { count: number; ms: number; workers: number };
  tui: [number, number];
  memory: [number, number];
}

const FULL: Sizes = {
  trivial: [
    [20, 100],
    [200, 60],
  ],
  sleep: { tests: 200, ms: 50, files: 10, workers: 8 },
  skewed: DEFAULT_SKEWED,
  skewedWorkers: 4,
  watch: {
    project: { files: 24, perFile: 5, slowMs: 300 },
    demoPaths: [],
    demoTouch: ['demo-suite/app/pricing.ts', 'demo-suite/app/format.ts', 'demo-suite/app/io.ts', 'demo-suite/fixtures.ts', 'demo-suite/unit/validation.test.ts'],
  },
  stress: { count: 1000, ms: 1, workers: 2 },
  tui: [200, 60],
  memory: [200, 60],
};

const QUICK: Sizes = {
  trivial: [[20, 100]],
  sleep: { tests: 80, ms: 50, files: 10, workers: 8 },
  skewed: { ...DEFAULT_SKEWED, files: 20, perFile: 10, long: 2, longMs: [500, 1000] },
  skewedWorkers: 4,
  watch: {
    project: { files: 12, perFile: 5, slowMs: 300 },
    demoPaths: [],
    demoTouch: ['demo-suite/app/pricing.ts', 'demo-suite/app/format.ts', 'demo-suite/unit/validation.test.ts'],
  },
  stress: { count: 300, ms: 1, workers: 2 },
  tui: [20, 100],
  memory: [20, 100],
};

const TINY: Sizes = {
  trivial: [[2, 5]],
  sleep: { tests: 8, ms: 10, files: 2, workers: 4 },
  skewed: { ...DEFAULT_SKEWED, files: 4, perFile: 3, long: 1, shortMs: [1, 5], longMs: [50, 80] },
  skewedWorkers: 4,
  // The demo-suite's unit tests only: its API tests would make the first run take seconds.
  watch: {
    project: { files: 4, perFile: 2, slowMs: 50 },
    demoPaths: ['demo-suite/unit'],
    demoTouch: ['demo-suite/app/pricing.ts', 'demo-suite/unit/format.test.ts'],
  },
  stress: { count: 20, ms: 1, workers: 2 },
  tui: [2, 5],
  memory: [2, 5],
};

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(4);
}

function pair(text: string, flag: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) usage(`${flag} takes FILESxTESTS like 20x100, got "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

function positive(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min) usage(`${flag} takes a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tiny: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    keep: { type: 'boolean', default: false },
    trivial: { type: 'string' },
    sleep: { type: 'string' },
    skewed: { type: 'string' },
    'stress-count': { type: 'string' },
    tui: { type: 'string' },
    memory: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (flags.help) {
  const text = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  process.stdout.write(text.slice(0, text.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}

const mode = flags.tiny ? 'tiny' : flags.quick ? 'quick' : 'full';
const sizes: Sizes = structuredClone(mode === 'tiny' ? TINY : mode === 'quick' ? QUICK : FULL);
if (flags.trivial) sizes.trivial = flags.trivial.split(',').map((s) => pair(s, '--trivial'));
if (flags.sleep) {
  const m = /^(\d+)x(\d+)(?:ms)?(?::(\d+))?$/.exec(flags.sleep.trim());
  if (!m) usage(`--sleep takes TESTSxMS[:FILES] like 200x50:10, got "${flags.sleep}"`);
  sizes.sleep = { ...sizes.sleep, tests: Number(m[1]), ms: Number(m[2]), files: m[3] ? Number(m[3]) : sizes.sleep.files };
}
if (flags.skewed) {
  const m = /^(\d+)x(\d+)(?::(\d+))?$/.exec(flags.skewed.trim());
  if (!m) usage(`--skewed takes FILESxTESTS[:LONG] like 40x10:4, got "${flags.skewed}"`);
  sizes.skewed = { ...sizes.skewed, files: Number(m[1]), perFile: Number(m[2]), long: m[3] ? Number(m[3]) : sizes.skewed.long };
}
if (flags['stress-count']) sizes.stress.count = positive(flags['stress-count'], '--stress-count');
if (flags.tui) sizes.tui = pair(flags.tui, '--tui');
if (flags.memory) sizes.memory = pair(flags.memory, '--memory');

const RUNS = flags.runs ? positive(flags.runs, '--runs') : mode === 'full' ? 3 : 1;
const WARMUP = flags.warmup ? positive(flags.warmup, '--warmup', 0) : mode === 'full' ? 1 : 0;
const TIMEOUT_MS = flags.timeout ? positive(flags.timeout, '--timeout') * 1000 : mode === 'tiny' ? 120_000 : 600_000;
const only = new Set<Cell>(
  flags.only
    ? flags.only.split(',').map((c) => {
        const name = c.trim() as Cell;
        if (!CELLS.includes(name)) usage(`--only takes a list of ${CELLS.join(', ')}; got "${c}"`);
        return name;
      })
    : CELLS,
);

// ------------------------------------------------------------------ runners

type Key = 'qa' | 'mocha' | 'vitest' | 'node';
const KEYS: readonly Key[] = ['qa', 'mocha', 'vitest', 'node'];
const LABEL: Record<Key, string> = { qa: 'qa', mocha: 'mocha --parallel', vitest: 'vitest (forks)', node: 'node --test' };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const root = tempRoot();
process.on('exit', () => {
  if (!flags.keep) rmSync(root, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    process.exit(130);
  });
}

/**
 * A private copy of qa as built now (bin/, dist/, package.json: dist/ bundles its dependencies),
 * so every run measures the same build even when dist/ is rebuilt while the benchmark runs.
 */
function snapshotQa(): { dir: string; builtAt: Date } {
  const dist = join(REPO_ROOT, 'dist');
  const entries = ['cli.js', 'worker.js', 'runtime.js', 'register-ts.js', 'ts-hooks.js', 'expect.cjs'];
  const dir = join(root, 'qa-snapshot');
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const before = statSync(join(dist, 'cli.js')).mtimeMs;
      // A build in progress: wait for it to settle.
      if (Date.now() - before < 2000) throw new Error('dist/ is being written');
      rmSync(dir, { recursive: true, force: true });
      cpSync(dist, join(dir, 'dist'), { recursive: true });
      cpSync(join(REPO_ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
      cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
      if (statSync(join(dist, 'cli.js')).mtimeMs !== before) throw new Error('dist/ changed while copying');
      for (const e of entries) if (!existsSync(join(dir, 'dist', e))) throw new Error(`dist/${e} is missing`);
      return { dir, builtAt: new Date(before) };
    } catch (err) {
      if (attempt === 0) log(`waiting for a complete dist/ (${(err as Error).message}); run \`npm run build\` if it never comes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  throw new Error(`no complete build in ${dist}: run \`npm run build\``);
}

const snapshot = snapshotQa();
const QA_ROOT = snapshot.dir;
const QA_BIN = join(QA_ROOT, 'bin', 'qa.js');
const bin = (name: string) => realpathSync(join(REPO_ROOT, 'node_modules', '.bin', name));
const MOCHA_BIN = bin('mocha');
const VITEST_BIN = bin('vitest');
const RSS_URL = pathToFileURL(join(REPO_ROOT, 'bench', 'rss.mjs')).href;

/** The arguments after `node` for one runner on one suite with `workers` workers. */
function commandFor(key: Key, suite: GeneratedSuite, workers: number): string[] {
  switch (key) {
    case 'qa':
      return [QA_BIN, '--ci', '-n', String(workers)];
    case 'mocha':
      // mocha's default 2 s timeout would fail the skewed suite's long tests.
      return [MOCHA_BIN, '--parallel', '--jobs', String(workers), '--timeout', '30000', 'tests/**/*.test.js'];
    case 'vitest':
      return [VITEST_BIN, 'run', '--pool=forks', `--maxWorkers=${workers}`];
    case 'node':
      return ['--test', `--test-concurrency=${workers}`, ...suite.files];
  }
}

/** How a command line reads in the report (paths shortened). */
function shown(args: string[]): string {
  const short = args.map((a) =>
    a === QA_BIN ? 'qa' : a === MOCHA_BIN ? 'mocha' : a === VITEST_BIN ? 'vitest' : a.startsWith('tests/') && a.endsWith('.test.js') && !a.includes('*') ? '' : a,
  );
  const files = args.filter((a) => a.startsWith('tests/') && a.endsWith('.test.js') && !a.includes('*')).length;
  const words = short.filter((a) => a !== '');
  if (files) words.push(files === 1 ? 'tests/<file>.test.js' : `tests/*.test.js (${files} files as arguments)`);
  return (words[0] === 'qa' || words[0] === 'mocha' || words[0] === 'vitest' ? '' : 'node ') + words.join(' ');
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const plain = (text: string) => text.replace(ANSI, '').replace(/\r/g, '');

/** The runner's own count of passed and failed tests, from its output. */
function counts(key: Key, output: string): { passed: number; failed: number } | undefined {
  const text = plain(output);
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  switch (key) {
    case 'qa': {
      const m = /^qa: (\d+) passed, (\d+) failed, (\d+) skipped/m.exec(text);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
    }
    case 'mocha': {
      const passed = num(/^\s*(\d+) passing/m);
      return passed === undefined ? undefined : { passed, failed: num(/^\s*(\d+) failing/m) ?? 0 };
    }
    case 'vitest': {
      const line = /^\s*Tests\s+(.+)$/m.exec(text);
      if (!line) return undefined;
      return { passed: Number(/(\d+) passed/.exec(line[1])?.[1] ?? 0), failed: Number(/(\d+) failed/.exec(line[1])?.[1] ?? 0) };
    }
    case 'node': {
      const passed = num(/^(?:#|ℹ) pass (\d+)$/m);
      return passed === undefined ? undefined : { passed, failed: num(/^(?:#|ℹ) fail (\d+)$/m) ?? 0 };
    }
  }
}

/** qa's own summary line: `wall X · test time Y`. */
function qaWall(output: string): { wallMs: number; testMs: number } | undefined {
  const m = /^wall (.+?) · test time (.+?)(?: ·|$)/m.exec(plain(output));
  if (!m) return undefined;
  return { wallMs: toMs(m[1]), testMs: toMs(m[2]) };
}

function toMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?) (ms|s)$/.exec(text.trim());
  if (m) return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  const long = /^(\d+)m ([\d.]+)s$/.exec(text.trim());
  if (long) return Number(long[1]) * 60_000 + Number(long[2]) * 1000;
  return NaN;
}

// ------------------------------------------------------------------ processes

/** Nothing inherited from an outer qa, node --test or vitest run; no colours; CI unset. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('QA_') ||
      key.startsWith('VITEST') ||
      key.startsWith('MOCHA') ||
      ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'FORCE_COLOR', 'NODE_ENV', 'CI', 'GITHUB_ACTIONS', 'TEST', 'NODE_V8_COVERAGE'].includes(key)
    ) {
      delete env[key];
    }
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  peak?: TreePeak;
  timedOut: boolean;
}

function exec(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; sampleMemory?: boolean }): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env ?? baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const sampler = opts.sampleMemory && child.pid ? sampleTree(child.pid, 25) : undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      sampler?.stop();
      reject(e);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      const peak = sampler?.stop();
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms, timedOut, ...(peak ? { peak } : {}) });
    });
  });
}

const tail = (text: string, lines = 12) => plain(text).trimEnd().split('\n').slice(-lines).join('\n');

// ------------------------------------------------------------------ samples and cells

interface Sample {
  ms: number;
  ok: boolean;
  /** Why it does not count, when !ok. */
  problem?: string;
  passed?: number;
  failed?: number;
  /** qa's summary line, when the runner is qa. */
  qa?: { wallMs: number; testMs: number };
  /** Extra numbers a cell wants to keep (runs/s, time to summary, ...). */
  extra?: Record<string, number>;
  note?: string;
  /** Peak memory, when the run was sampled for it. */
  memory?: MemoryInfo;
}

interface MemoryInfo {
  peak?: TreePeak;
  /** qa only, from process.resourceUsage() (bench/rss.mjs), kB. */
  controllerKb?: number;
  workersKb?: number[];
}

interface Contestant {
  /** Row label. */
  label: string;
  key: Key;
  workers: number;
  /** Unmeasured set-up before each run (e.g. delete .qa/). */
  prepare?: () => Promise<void> | void;
  /** `memory`: also sample peak memory (warm-up runs only: sampling costs CPU). */
  run: (opts?: { memory?: boolean }) => Promise<Sample>;
  /** The command as the report shows it. */
  command: string;
}

interface Row {
  suite: string;
  tests: number;
  contestant: Contestant;
  samples: Sample[];
  broken?: Sample;
  /** The qa row that peers in this group are compared with. */
  compareWith?: Row;
  /** Shown in the note column. */
  note?: string;
  /** Peak memory from a sampled warm-up run. */
  memory?: MemoryInfo;
}

const rows: Row[] = [];
const problems: string[] = [];
const extras: string[] = [];
const memoryRows: string[] = [];
const targets: Array<{ met: boolean | undefined; text: string }> = [];

const kb = (k: number) => (k > 0 ? `${(k / 1024).toFixed(0)} MB` : '—');
const medianOf = (row: Row | undefined, pick: (s: Sample) => number | undefined = (s) => s.ms) =>
  row && !row.broken ? median(row.samples.map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x))) : NaN;

let rssFiles = 0;

/**
 * Runs a headless runner once and checks its pass count. With `memory`, the whole process tree is
 * sampled from /proc, and qa runs as `node --import bench/rss.mjs bin/qa.js` with the same import
 * in NODE_OPTIONS for its workers, which then report their own maxRSS.
 */
async function measure(key: Key, args: string[], cwd: string, expected: number, opts: { memory?: boolean } = {}): Promise<Sample> {
  const rssFile = join(root, `rss-${++rssFiles}.txt`);
  const qaMemory = opts.memory && key === 'qa';
  const r = await exec(qaMemory ? ['--import', RSS_URL, ...args] : args, {
    cwd,
    env: qaMemory ? baseEnv({ QA_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import=${RSS_URL}` }) : baseEnv(),
    sampleMemory: opts.memory && procAvailable,
  });
  const c = counts(key, r.stdout + '\n' + r.stderr);
  const sample: Sample = { ms: r.ms, ok: true, ...(c ?? {}) };
  if (opts.memory) {
    sample.memory = { ...(r.peak ? { peak: r.peak } : {}) };
    if (qaMemory) {
      const controller = /qa-bench: controller maxRSS (\d+) kB/.exec(r.stderr)?.[1];
      if (controller) sample.memory.controllerKb = Number(controller);
      sample.memory.workersKb = existsSync(rssFile)
        ? readFileSync(rssFile, 'utf8')
            .split('\n')
            .map((l) => l.split(' '))
            .filter((f) => f[0]?.startsWith('gw'))
            .map((f) => Number(f[2]))
        : [];
    }
  }
  if (key === 'qa') {
    const w = qaWall(r.stdout);
    if (w) sample.qa = w;
  }
  if (r.timedOut) sample.problem = `timed out after ${fmt(TIMEOUT_MS)}`;
  else if (r.code !== 0) sample.problem = `exit code ${r.code ?? r.signal}`;
  else if (!c) sample.problem = 'no pass count in its output';
  else if (c.passed !== expected || c.failed !== 0) sample.problem = `passed ${c.passed} of ${expected}, ${c.failed} failed`;
  if (sample.problem) {
    sample.ok = false;
    sample.note = `${sample.problem}\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
  }
  return sample;
}

function headless(key: Key, suite: GeneratedSuite, workers: number, label = LABEL[key], extra: string[] = []): Contestant {
  const args = [...commandFor(key, suite, workers), ...extra];
  const dir = suite.dirs[key as Dialect];
  return { label, key, workers, command: shown(args), run: (o) => measure(key, args, dir, suite.tests, o) };
}

/**
 * Warm-up rounds, then `RUNS` measured rounds; each round runs every contestant once, order
 * rotating. With `memoryInWarmup`, the first warm-up run of each contestant also samples memory.
 */
async function rounds(suite: string, tests: number, contestants: Contestant[], memoryInWarmup = false): Promise<Row[]> {
  const mine = contestants.map((c): Row => ({ suite, tests, contestant: c, samples: [] }));
  const total = WARMUP + RUNS;
  for (let round = 0; round < total; round++) {
    const warm = round < WARMUP;
    for (let i = 0; i < mine.length; i++) {
      const row = mine[(i + round) % mine.length];
      if (row.broken) continue;
      await row.contestant.prepare?.();
      const memory = memoryInWarmup && round === 0 && warm;
      const s = await row.contestant.run(memory ? { memory } : undefined);
      if (memory && s.ok) row.memory = s.memory;
      log(`${suite} ${warm ? 'warm-up' : `run ${round - WARMUP + 1}/${RUNS}`} ${row.contestant.label}${row.contestant.workers ? ` -n ${row.contestant.workers}` : ''}: ${fmt(s.ms)}${s.ok ? '' : ` BROKEN (${s.problem})`}`);
      if (!s.ok) {
        row.broken = s;
        problems.push(`${suite} · ${row.contestant.label}: ${s.note ?? s.problem}`);
      } else if (!warm) row.samples.push(s);
    }
  }
  rows.push(...mine);
  const qa = mine.find((r) => r.contestant.key === 'qa');
  for (const r of mine) if (r !== qa && r.contestant.key !== 'qa') r.compareWith = qa;
  return mine;
}

// ------------------------------------------------------------------ the cells

async function startupCell(): Promise<void> {
  const suite = writeSuite(root, startupSuite(), { qaRoot: QA_ROOT });
  const [qa, , , node] = await rounds('startup', 1, KEYS.map((k) => headless(k, suite, 2)));
  const q = medianOf(qa);
  const n = medianOf(node);
  targets.push({ met: verdict(q / n <= 1.1, q, n), text: `startup, 1 test: qa ${fmt(q)} vs node --test ${fmt(n)} = ${ratio(q / n)}× (target ≤ 1.10×)` });
}

const trivialResults: Array<{ tests: number; rows: Row[] }> = [];
/** Memory sampled during the trivial cell's warm-up (no extra runs needed). */
let memoryFrom: { name: string; rows: Row[]; how: string } | undefined;
async function trivialCell(): Promise<void> {
  for (const [files, perFile] of sizes.trivial) {
    const suite = writeSuite(root, trivialSuite(files, perFile), { qaRoot: QA_ROOT });
    const sampled = only.has('memory') && WARMUP > 0 && files === sizes.memory[0] && perFile === sizes.memory[1];
    const mine = await rounds(`trivial ${files}×${perFile}`, suite.tests, KEYS.map((k) => headless(k, suite, 2)), sampled);
    trivialResults.push({ tests: suite.tests, rows: mine });
    if (sampled) memoryFrom = { name: `trivial ${files}×${perFile}`, rows: mine, how: 'the warm-up run of the trivial cell' };
  }
  const biggest = trivialResults.reduce((a, b) => (b.tests > a.tests ? b : a));
  const [qa, mocha, vitest] = biggest.rows;
  const q = medianOf(qa);
  const m = medianOf(mocha);
  const v = medianOf(vitest);
  const name = `trivial ${biggest.rows[0].suite.replace('trivial ', '')} (${biggest.tests.toLocaleString('en-US')} tests), 2 workers`;
  targets.push({ met: verdict(q / m <= 0.5, q, m), text: `${name}: qa ${fmt(q)} vs mocha --parallel ${fmt(m)} = ${ratio(q / m)}× (target ≤ 0.50×)` });
  targets.push({ met: verdict(q / v <= 0.1, q, v), text: `${name}: qa ${fmt(q)} vs vitest ${fmt(v)} = ${ratio(q / v)}× (target ≤ 0.10×)` });
}

/** What fresh project modules for every test file cost: qa and vitest, each isolated and shared, on the biggest trivial suite. */
async function isolationCell(): Promise<void> {
  const [files, perFile] = sizes.trivial.at(-1)!;
  // Its own folder: the trivial cell writes the same suite.
  const dir = join(root, 'isolation');
  mkdirSync(dir, { recursive: true });
  const suite = writeSuite(dir, trivialSuite(files, perFile), { qaRoot: QA_ROOT });
  const name = `isolation ${files}×${perFile}`;
  const [shared, isolated, vitestIsolated, vitestShared] = await rounds(name, suite.tests, [
    headless('qa', suite, 2, 'qa, shared (its default)', ['--no-isolate']),
    headless('qa', suite, 2, 'qa --isolate', ['--isolate']),
    headless('vitest', suite, 2, 'vitest (isolate: its default)'),
    headless('vitest', suite, 2, 'vitest --no-isolate', ['--no-isolate']),
  ]);
  for (const r of [vitestIsolated, vitestShared]) r.compareWith = isolated;
  const cost = medianOf(isolated) / medianOf(shared);
  isolated.note = `${ratio(cost)}× qa shared`;
  vitestIsolated.note = `${ratio(medianOf(vitestIsolated) / medianOf(vitestShared))}× vitest --no-isolate`;
  targets.push({ met: verdict(cost <= 1.5, medianOf(isolated), medianOf(shared)), text: `${name}, 2 workers: qa --isolate ${fmt(medianOf(isolated))} vs shared ${fmt(medianOf(shared))} = ${ratio(cost)}× (target ≤ 1.50×)` });
}

async function sleepCell(): Promise<void> {
  const { tests, ms, files, workers } = sizes.sleep;
  const suite = writeSuite(root, sleepSuite(tests, ms, files), { qaRoot: QA_ROOT });
  const name = `sleep ${tests}×${ms} ms`;
  const one = headless('qa', suite, 1, 'qa, 1 worker');
  const many = headless('qa', suite, workers);
  const peers = (['mocha', 'vitest', 'node'] as const).map((k) => headless(k, suite, workers));
  const [qa1, qaN, ...rest] = await rounds(name, suite.tests, [one, many, ...peers]);
  for (const r of rest) r.compareWith = qaN;
  const a = medianOf(qa1);
  const b = medianOf(qaN);
  qaN.note = `speedup over 1 worker ${ratio(a / b)}×`;
  const inner = medianOf(qa1, (s) => s.qa?.wallMs) / medianOf(qaN, (s) => s.qa?.wallMs);
  targets.push({
    met: verdict(a / b >= 6.5, a, b),
    text: `${name}, ${workers} workers vs 1: qa ${fmt(b)} vs ${fmt(a)} = ${ratio(a / b)}× speedup (target ≥ 6.5×; from qa's own wall lines ${ratio(inner)}×)`,
  });
}

async function skewedCell(): Promise<void> {
  const workers = sizes.skewedWorkers;
  const spec = skewedSuite(sizes.skewed);
  const suite = writeSuite(root, spec, { qaRoot: QA_ROOT });
  const name = `skewed ${sizes.skewed.files}×${sizes.skewed.perFile}`;
  const cache = join(suite.dirs.qa, '.qa');
  const first: Contestant = { ...headless('qa', suite, workers, 'qa, first run (no .qa/)'), prepare: () => rmSync(cache, { recursive: true, force: true }) };
  const second: Contestant = {
    ...headless('qa', suite, workers, 'qa, second run (.qa/ durations)'),
    // Durations must be known: the round's order may put this one before the first run.
    prepare: async () => {
      if (!existsSync(cache)) await measure('qa', commandFor('qa', suite, workers), suite.dirs.qa, suite.tests);
    },
  };
  const peers = (['mocha', 'vitest', 'node'] as const).map((k) => headless(k, suite, workers));
  const [qaFirst, qaSecond, ...rest] = await rounds(name, suite.tests, [first, second, ...peers]);
  for (const r of rest) r.compareWith = qaSecond;
  const ideal = Math.max(suite.totalSleepMs / workers, suite.longestSleepMs);
  const makespan = medianOf(qaSecond, (s) => s.qa?.wallMs);
  const measuredTest = medianOf(qaSecond, (s) => s.qa?.testMs);
  const measuredIdeal = Math.max(measuredTest / workers, suite.longestSleepMs);
  qaSecond.note = `qa's wall line ${fmt(makespan)} · bound ${fmt(ideal)}`;
  qaFirst.note = `qa's wall line ${fmt(medianOf(qaFirst, (s) => s.qa?.wallMs))}`;
  targets.push({
    met: verdict(makespan <= 1.1 * ideal, makespan, ideal),
    text:
      `${name}, ${workers} workers, second run: makespan (qa's wall line) ${fmt(makespan)} vs max(total ${fmt(suite.totalSleepMs)} / ${workers}, longest ${fmt(suite.longestSleepMs)}) = ${fmt(ideal)}: ` +
      `${ratio(makespan / ideal)}× (target ≤ 1.10×; against qa's measured test time ${fmt(measuredTest)} / ${workers} it is ${ratio(makespan / measuredIdeal)}×; whole command ${fmt(medianOf(qaSecond))})`,
  });
}

// ---- TUI vs headless through a pseudo-terminal

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const SUMMARY = /qa: (\d+) passed, (\d+) failed, (\d+) skipped/;

/**
 * Runs qa in a pseudo-terminal (util-linux `script`) and times the moment its summary line
 * appears; with `quit`, then presses q (the TUI stays open for more runs until the user leaves).
 */
function ptyRun(args: string[], cwd: string, expected: number, quit: boolean): Promise<Sample> {
  const cmd = `stty rows 50 cols 160 2>/dev/null; exec ${[process.execPath, QA_BIN, ...args].map(quote).join(' ')}`;
  const env = baseEnv({ NO_COLOR: undefined, TERM: process.env.TERM && process.env.TERM !== 'dumb' ? process.env.TERM : 'xterm-256color', QA_TUI_STATS: quit ? '1' : undefined });
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    let scanned = 0;
    let summaryAt: number | undefined;
    let quitTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      raw += d;
      if (summaryAt !== undefined) return;
      // Escape sequences may straddle chunks: look again at a margin before the new text.
      const window = plain(raw.slice(Math.max(0, scanned - 2000)));
      scanned = raw.length;
      if (SUMMARY.test(window)) {
        summaryAt = performance.now() - started;
        if (quit) {
          child.stdin.write('q');
          // A second q after a while: the first may have landed while a frame was being drawn.
          quitTimer = setTimeout(() => child.stdin.write('q'), 3000);
        }
      }
    });
    child.stderr.on('data', () => {});
    child.stdin.on('error', () => {});
    const limit = setTimeout(() => child.kill('SIGKILL'), Math.min(TIMEOUT_MS, 300_000));
    child.on('close', (code) => {
      clearTimeout(limit);
      if (quitTimer) clearTimeout(quitTimer);
      const exitMs = performance.now() - started;
      const text = plain(raw);
      const m = SUMMARY.exec(text);
      const w = qaWall(text);
      const stats = /^qa tui: .*$/m.exec(text)?.[0];
      const sample: Sample = { ms: summaryAt ?? NaN, ok: true, extra: { exitMs } };
      if (m) {
        sample.passed = Number(m[1]);
        sample.failed = Number(m[2]);
      }
      if (w) sample.qa = w;
      if (stats) sample.note = stats;
      if (summaryAt === undefined || !m) sample.problem = `no summary line in the terminal output (exit ${code})`;
      else if (sample.passed !== expected || sample.failed !== 0) sample.problem = `passed ${sample.passed} of ${expected}, ${sample.failed} failed`;
      else if (code !== 0) sample.problem = `exit code ${code}`;
      if (sample.problem) {
        sample.ok = false;
        sample.note = `${sample.problem}\n--- terminal (tail) ---\n${tail(text, 20)}`;
      }
      child.stdin.destroy();
      resolve(sample);
    });
  });
}

async function tuiCell(): Promise<void> {
  const [files, perFile] = sizes.tui;
  const suite = writeSuite(root, trivialSuite(files, perFile), { dialects: ['qa'], folder: `tui-${files}x${perFile}`, qaRoot: QA_ROOT });
  const name = `TUI vs headless ${files}×${perFile} (pty)`;
  if (!hasScript()) {
    extras.push(`| ${name} | pending: no util-linux \`script\` on this machine to give qa a terminal |`);
    targets.push({ met: undefined, text: `TUI vs headless: pending (no \`script\` to make a pseudo-terminal)` });
    return;
  }
  const dir = suite.dirs.qa;
  const headlessC: Contestant = { label: 'qa --ci in a pty', key: 'qa', workers: 2, command: 'qa --ci -n 2 (in a pty)', run: () => ptyRun(['--ci', '-n', '2'], dir, suite.tests, false) };
  const tuiC: Contestant = { label: 'qa TUI in a pty', key: 'qa', workers: 2, command: 'qa -n 2 (in a pty; q once the summary shows)', run: () => ptyRun(['-n', '2'], dir, suite.tests, true) };
  const [h, t] = await rounds(name, suite.tests, [headlessC, tuiC]);
  if (t.broken) {
    extras.push(`| ${name} | pending: the TUI did not show a summary (${t.broken.problem}); see the samples |`);
    targets.push({ met: undefined, text: `TUI vs headless, ${suite.tests.toLocaleString('en-US')} tests: pending — the TUI did not finish a run in the pty (${t.broken.problem})` });
    return;
  }
  const hs = medianOf(h);
  const ts = medianOf(t);
  const hExit = medianOf(h, (s) => s.extra?.exitMs);
  const tExit = medianOf(t, (s) => s.extra?.exitMs);
  const hw = medianOf(h, (s) => s.qa?.wallMs);
  const tw = medianOf(t, (s) => s.qa?.wallMs);
  const stats = t.samples.at(-1)?.note;
  h.note = `exit at ${fmt(hExit)} · qa's wall line ${fmt(hw)}`;
  t.note = `q pressed at the summary, exit at ${fmt(tExit)} · qa's wall line ${fmt(tw)}${stats ? ` · ${stats}` : ''}`;
  extras.push(
    `| ${name}, 2 workers | spawn → summary line: headless ${fmt(hs)}, TUI ${fmt(ts)} → ${ratio(ts / hs)}×; qa's own wall lines ${fmt(hw)} vs ${fmt(tw)} → ${ratio(tw / hw)}× |`,
  );
  targets.push({
    met: verdict(ts / hs <= 1.05, ts, hs),
    text: `TUI vs headless, ${suite.tests.toLocaleString('en-US')} tests in a pty, 2 workers: spawn → summary ${fmt(ts)} vs ${fmt(hs)} = ${ratio(ts / hs)}× (target ≤ 1.05×; qa's wall lines ${ratio(tw / hw)}×)`,
  });
}

// ---- qa stress

async function stressCell(): Promise<void> {
  const { count, ms, workers } = sizes.stress;
  const suite = writeSuite(root, stressSuite(ms), { dialects: ['qa'], qaRoot: QA_ROOT });
  const args = [QA_BIN, 'stress', '--ci', '--count', String(count), '-n', String(workers)];
  const c: Contestant = {
    label: 'qa stress',
    key: 'qa',
    workers,
    command: shown(args),
    run: async () => {
      const r = await exec(args, { cwd: suite.dirs.qa });
      const text = plain(r.stdout);
      const m = /^(\d+) runs of (\d+) tests? in (.+?) \((\d+) runs\/s\)/m.exec(text);
      const sample: Sample = { ms: r.ms, ok: true };
      if (m) {
        sample.passed = Number(m[1]);
        sample.extra = { runs: Number(m[1]), runsPerSecond: Number(m[4]), verdictWallMs: toMs(m[3]) };
      }
      if (r.code !== 0) sample.problem = `exit code ${r.code ?? r.signal}`;
      else if (!m) sample.problem = 'no verdict line';
      else if (Number(m[1]) !== count || !/never failed/.test(text)) sample.problem = `expected ${count} passing runs`;
      if (sample.problem) {
        sample.ok = false;
        sample.note = `${sample.problem}\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
      }
      return sample;
    },
  };
  const [row] = await rounds(`stress ${count}× ${ms} ms`, count, [c]);
  if (row.broken) return;
  const rps = medianOf(row, (s) => s.extra?.runsPerSecond);
  const wall = medianOf(row, (s) => s.extra?.verdictWallMs);
  const ideal = (count * ms) / workers;
  const overhead = wall - ideal;
  row.note = `${Math.round(rps)} runs/s`;
  extras.push(
    `| qa stress --count ${count}, a ${ms} ms test, ${workers} workers | ${Math.round(rps).toLocaleString('en-US')} runs/s · verdict wall ${fmt(wall)} · ` +
      `overhead ${fmt(overhead)} over ${count}×${ms} ms/${workers} = ${fmt(ideal)} (${((overhead / (count / workers)) * 1000).toFixed(0)} µs per run per worker) · whole command ${fmt(medianOf(row))} |`,
  );
}

// ---- memory

async function memoryCell(): Promise<void> {
  let source = memoryFrom;
  if (!source) {
    // No warm-up of that size ran: one sampled run of each runner, not timed.
    const [files, perFile] = sizes.memory;
    const suite = writeSuite(root, trivialSuite(files, perFile), { folder: `memory-${files}x${perFile}`, qaRoot: QA_ROOT });
    const mine: Row[] = [];
    for (const key of KEYS) {
      const c = headless(key, suite, 2);
      const s = await c.run({ memory: true });
      log(`memory ${c.label}: ${fmt(s.ms)}${s.ok ? '' : ` BROKEN (${s.problem})`}`);
      const row: Row = { suite: `trivial ${files}×${perFile}`, tests: suite.tests, contestant: c, samples: [] };
      if (s.ok) row.memory = s.memory;
      else {
        row.broken = s;
        problems.push(`memory · ${c.label}: ${s.note ?? s.problem}`);
      }
      mine.push(row);
    }
    source = { name: `trivial ${files}×${perFile}`, rows: mine, how: 'one extra run of each runner' };
  }
  memoryHow = source.how;
  if (!procAvailable) memoryRows.push(`| (no /proc: whole-tree peaks are not measured on ${process.platform}) | | | | |`);
  for (const row of source.rows) {
    const label = row.contestant.label;
    const m = row.memory;
    if (!m) {
      memoryRows.push(`| ${source.name} | ${label} | ${row.broken ? 'BROKEN' : '—'} | | |`);
      continue;
    }
    const p = m.peak;
    const exact =
      row.contestant.key === 'qa'
        ? ` · maxRSS (process.resourceUsage): controller ${m.controllerKb ? kb(m.controllerKb) : '—'}, workers ${m.workersKb?.length ? m.workersKb.map(kb).join(', ') : '—'}`
        : '';
    memoryRows.push(`| ${source.name} | ${label} | ${p ? kb(p.treeKb) : '—'} (${p?.processes ?? '?'} processes) | ${p ? kb(p.rootKb) : '—'} | ${p ? kb(p.childKb) : '—'}${exact} |`);
  }
}

let memoryHow = '';

// ---- qa watch: from a save to the first result

interface TraceEvent {
  t: number;
  ev: string;
  file?: string;
  files?: string[];
}

/** One save and what followed it, in ms after the write. */
interface Touch {
  file: string;
  firstResultMs: number;
  /** When the bench saw the first result line on qa's stdout (pipe and reporter included). */
  seenMs: number;
  detectMs: number;
  batchMs: number;
  runStartMs: number;
  idleMs: number;
  selected: string[];
  ran: string[];
}

const RESULT = /^\[gw\d+\] (PASSED|FAILED|SKIPPED|TODO|FLAKY|RERUN) /m;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `qa watch --ci -n 2` in `dir` with QA_WATCH_TRACE (src/watch/trace.ts) pointing outside the
 * project; the trace gives qa's own timestamps of every step, stdout what a user would see.
 */
function startWatch(dir: string, paths: string[], traceFile: string) {
  writeFileSync(traceFile, '');
  // A private TMPDIR: the demo-suite keeps its databases under $TMPDIR/qa-lanes-demo.
  const tmp = `${dir}.tmp`;
  mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [QA_BIN, 'watch', '--ci', '-n', '2', ...paths], {
    cwd: dir,
    env: baseEnv({ QA_WATCH_TRACE: traceFile, TMPDIR: tmp }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  const chunks: Array<{ t: number; text: string }> = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    chunks.push({ t: Date.now(), text: d });
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const events = (): TraceEvent[] =>
    readFileSync(traceFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TraceEvent);
  const output = () => `--- stdout (tail) ---\n${tail(stdout, 30)}\n--- stderr (tail) ---\n${tail(stderr)}`;
  /** Polls the trace until `done` holds for the events after index `from`. */
  const until = async (from: number, done: (es: TraceEvent[]) => boolean, ms: number, what: string): Promise<TraceEvent[]> => {
    const end = Date.now() + ms;
    for (;;) {
      const es = events().slice(from);
      if (done(es)) return es;
      if (child.exitCode !== null) throw new Error(`qa watch exited (${child.exitCode}) while waiting for ${what}\n${output()}`);
      if (Date.now() > end) throw new Error(`no ${what} within ${fmt(ms)}\n${output()}`);
      await pause(10);
    }
  };
  /** Waits until the trace has been quiet for `ms` (a second batch from one save would show here). */
  const settle = async (ms = 250) => {
    for (let n = events().length; ; ) {
      await pause(ms);
      const now = events().length;
      if (now === n) return;
      n = now;
    }
  };
  const firstResultSeen = (after: number): number => {
    let text = '';
    for (const c of chunks) {
      if (c.t < after) continue;
      text += c.text;
      if (RESULT.test(text)) return c.t - after;
    }
    return NaN;
  };
  const stop = async (): Promise<number | null> => {
    child.kill('SIGINT');
    const timer = setTimeout(kill, 15_000);
    const code = await exited;
    clearTimeout(timer);
    process.off('exit', kill);
    return code;
  };
  return { events, until, settle, firstResultSeen, stop, output };
}

/**
 * Starts `qa watch` on a project, waits for the first (full) run, then saves each file of
 * `touch` in turn (a comment appended), WARMUP + RUNS times, and reads from qa's trace when the
 * save was seen, when its run started, and when its first result came. Selection is checked
 * against the test files that import the saved file, read from the sources (bench/imports.ts).
 */
async function watchProject(name: string, dir: string, paths: string[], touch: string[]): Promise<void> {
  const traceFile = join(root, `${name.replace(/\W+/g, '-')}.trace.jsonl`);
  const w = startWatch(dir, paths, traceFile);
  const touches: Touch[] = [];
  try {
    const first = await w.until(0, (es) => es.some((e) => e.ev === 'watch-idle'), Math.min(TIMEOUT_MS, 120_000), 'end of the first run');
    const testFiles = new Set(first.find((e) => e.ev === 'watch-run')?.files ?? []);
    await w.settle();
    log(`watch ${name}: first run over (${testFiles.size} test files)`);
    const imports = staticImports(dir);
    let n = 0;
    for (let round = 0; round < WARMUP + RUNS; round++) {
      for (const file of touch) {
        const from = w.events().length;
        const t0 = Date.now();
        appendFileSync(join(dir, file), `\n// saved by the benchmark (${++n})\n`);
        const es = await w.until(from, (xs) => xs.some((e) => e.ev === 'watch-idle'), 60_000, `run after saving ${file}`);
        const at = (ev: string, pick: (e: TraceEvent) => boolean = () => true) => {
          const e = es.find((x) => x.ev === ev && pick(x));
          return e ? e.t - t0 : NaN;
        };
        const end = es.findIndex((e) => e.ev === 'watch-idle');
        const run = es.slice(0, end);
        const t: Touch = {
          file,
          firstResultMs: at('test-end'),
          seenMs: w.firstResultSeen(t0),
          detectMs: at('fs', (e) => e.file === file),
          batchMs: at('batch'),
          runStartMs: at('run-start'),
          idleMs: at('watch-idle'),
          selected: run.find((e) => e.ev === 'watch-run')?.files ?? [],
          ran: [...new Set(run.filter((e) => e.ev === 'test-end').map((e) => e.file!))].sort(),
        };
        await w.settle();
        const warm = round < WARMUP;
        log(`watch ${name} ${warm ? 'warm-up' : `run ${round - WARMUP + 1}/${RUNS}`} ${file}: first result ${fmt(t.firstResultMs)} (seen ${fmt(t.seenMs)}), ${t.ran.length}/${t.selected.length} files ran`);
        if (!warm) touches.push(t);
      }
    }
    for (const file of touch) {
      const mine = touches.filter((t) => t.file === file);
      const importers = staticImporters(imports, file, (f) => testFiles.has(f));
      const selected = mine[0]?.selected ?? [];
      const ran = mine[0]?.ran ?? [];
      const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
      const exact = mine.every((t) => same(t.selected, importers)) && mine.every((t) => t.ran.every((f) => importers.includes(f)));
      if (!exact) problems.push(`watch ${name} · ${file}: qa selected ${mine.map((t) => `[${t.selected.join(', ')}]`).join(' / ')} and ran [${ran.join(', ')}], but [${importers.join(', ')}] import it`);
      const m = (pick: (t: Touch) => number) => median(mine.map(pick).filter(Number.isFinite));
      const firsts = mine.map((t) => t.firstResultMs);
      watchRows.push({ project: name, file, importers, selected, ran, exact, median: m((t) => t.firstResultMs), max: Math.max(...firsts), seen: m((t) => t.seenMs), detect: m((t) => t.detectMs), batch: m((t) => t.batchMs), runStart: m((t) => t.runStartMs), idle: m((t) => t.idleMs) });
    }
  } finally {
    const code = await w.stop();
    if (code !== 0) problems.push(`watch ${name}: qa watch exited with ${code} after Ctrl-C\n${w.output()}`);
  }
}

interface WatchRow {
  project: string;
  file: string;
  importers: string[];
  selected: string[];
  ran: string[];
  exact: boolean;
  median: number;
  max: number;
  seen: number;
  detect: number;
  batch: number;
  runStart: number;
  idle: number;
}
const watchRows: WatchRow[] = [];

async function watchCell(): Promise<void> {
  const { project, demoPaths, demoTouch } = sizes.watch;
  const generated = writeWatchProject(root, project, QA_ROOT);
  try {
    await watchProject(`generated ${project.files}×${project.perFile}`, generated.dir, [], generated.touch);
  } catch (err) {
    problems.push(`watch generated project: ${(err as Error).message}`);
  }
  // A copy of the demo-suite as a project of its own: the repository's config, qa from the snapshot.
  const demo = join(root, 'watch-demo');
  cpSync(join(REPO_ROOT, 'demo-suite'), join(demo, 'demo-suite'), { recursive: true });
  cpSync(join(REPO_ROOT, 'qa.config.ts'), join(demo, 'qa.config.ts'));
  writeFileSync(join(demo, 'package.json'), JSON.stringify({ name: 'bench-watch-demo', private: true, type: 'module' }, null, 2) + '\n');
  mkdirSync(join(demo, 'node_modules'), { recursive: true });
  symlinkSync(QA_ROOT, join(demo, 'node_modules', 'qa-lanes'), 'dir');
  const name = `demo-suite${demoPaths.length ? ` (${demoPaths.join(' ')})` : ''}`;
  try {
    await watchProject(name, demo, demoPaths, demoTouch);
  } catch (err) {
    problems.push(`watch ${name}: ${(err as Error).message}`);
  }
  const demoRows = watchRows.filter((r) => r.project === name);
  if (demoRows.length) {
    const worst = demoRows.reduce((a, b) => (b.median > a.median ? b : a));
    targets.push({
      met: verdict(demoRows.every((r) => r.median < 300), worst.median),
      text:
        `watch, ${name}, 2 warm workers: save → first result under 300 ms for every saved file: slowest median ${fmt(worst.median)} (${worst.file}), ` +
        `max of all ${fmt(Math.max(...demoRows.map((r) => r.max)))}; selection exact for ${demoRows.filter((r) => r.exact).length}/${demoRows.length} files`,
    });
  }
}

function watchSection(): string[] {
  if (watchRows.length === 0) return [];
  const short = (files: string[]) => (files.length ? files.map((f) => f.replace(/^.*\//, '')).join(', ') : '—');
  return [
    '',
    `## qa watch: save → first result (2 workers, median of ${RUNS})`,
    '',
    "Save = a comment appended to the file; times are ms after the write, from qa's QA_WATCH_TRACE timeline (its own clock); " +
      '"seen" = the first result line arriving on the pipe. Steps: the watcher sees the write · the debounced batch · workers fed (after collection) · the run is over.',
    '',
    '| project | saved file | importing test files (from the sources) | qa selected | ran | exact | first result | max | seen | sees · batch · fed · over |',
    '| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | --- |',
    ...watchRows.map(
      (r) =>
        `| ${r.project} | ${r.file} | ${r.importers.length}: ${short(r.importers)} | ${r.selected.length} | ${r.ran.length} | ${r.exact ? 'yes' : 'NO'} | ${fmt(r.median)} | ${fmt(r.max)} | ${fmt(r.seen)} | ${[r.detect, r.batch, r.runStart, r.idle].map(fmt).join(' · ')} |`,
    ),
  ];
}

function verdict(met: boolean, ...inputs: number[]): boolean | undefined {
  return inputs.every(Number.isFinite) ? met : undefined;
}

// ------------------------------------------------------------------ the report

function version(pkgDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function gitInfo(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return `commit ${head}${dirty ? ` + ${dirty.split('\n').length} uncommitted change(s) in src/` : ''}`;
  } catch {
    return 'no git';
  }
}

function header(): string {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const built = `, dist/ built ${snapshot.builtAt.toISOString().replace(/\.\d+Z$/, 'Z')}, measured from a copy`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const argv = process.argv.slice(2);
  return [
    `# qa benchmark${mode === 'full' ? '' : ` (--${mode}: sizes too small for the targets to mean much)`}`,
    '',
    `- date: ${now}`,
    `- machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, ${process.platform} ${release()}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at start`,
    `- versions: node ${process.version} · qa-lanes ${version(REPO_ROOT)} (${gitInfo()}${built}) · vitest ${version(join(REPO_ROOT, 'node_modules', 'vitest'))} · mocha ${version(join(REPO_ROOT, 'node_modules', 'mocha'))}`,
    `- command: \`node --import tsx bench/run.ts${argv.length ? ' ' + argv.join(' ') : ''}\` (in ${REPO_ROOT})`,
    `- method: ${WARMUP} warm-up round${WARMUP === 1 ? '' : 's'}, then the median of ${RUNS} round${RUNS === 1 ? '' : 's'}; every round runs each runner once, order rotating. ` +
      'Wall time = the whole command, spawn to exit. A run counts only if the runner itself reports every test passed. ' +
      'Test files are plain ESM .js, generated identically for every runner (bench/generate.ts).',
  ].join('\n');
}

function table(): string {
  const out = [
    '| suite | runner | workers | wall (median) | min – max | passed | qa ÷ runner | command · note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const c = r.contestant;
    const times = r.samples.map((s) => s.ms).filter(Number.isFinite);
    const m = medianOf(r);
    const q = r.compareWith ? medianOf(r.compareWith) : NaN;
    const passed = r.broken ? `BROKEN: ${r.broken.problem}` : `${r.samples[0]?.passed ?? '?'}/${r.tests}`;
    const note = [`\`${c.command}\``, r.note].filter(Boolean).join(' · ');
    out.push(
      `| ${r.suite} | ${c.label} | ${c.workers} | ${r.broken ? '—' : fmt(m)} | ${times.length > 1 ? `${fmt(Math.min(...times))} – ${fmt(Math.max(...times))}` : ''} | ${passed} | ${r.compareWith ? ratio(q / m) : ''} | ${note} |`,
    );
  }
  return out.join('\n');
}

function samples(): string {
  const out: string[] = [];
  for (const r of rows) {
    const ms = r.samples.map((s) => fmt(s.ms)).join(', ');
    const inner = r.samples.some((s) => s.qa) ? ` · qa's wall lines: ${r.samples.map((s) => (s.qa ? fmt(s.qa.wallMs) : '—')).join(', ')}` : '';
    out.push(`- ${r.suite} · ${r.contestant.label}: ${ms || '—'}${inner}`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  log(`${mode} run: ${RUNS} run(s) after ${WARMUP} warm-up round(s); suites in ${root}${flags.keep ? ' (kept)' : ''}`);
  const head = header();
  const cells: Record<Cell, () => Promise<void>> = { startup: startupCell, trivial: trivialCell, isolation: isolationCell, sleep: sleepCell, skewed: skewedCell, tui: tuiCell, stress: stressCell, memory: memoryCell, watch: watchCell };
  const started = performance.now();
  for (const cell of CELLS) {
    if (!only.has(cell)) continue;
    try {
      await cells[cell]();
    } catch (err) {
      problems.push(`${cell}: harness error: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const parts = [head, '', '## Wall time', '', table()];
  if (extras.length) parts.push('', '## qa only', '', '| measure | result |', '| --- | --- |', ...extras);
  parts.push(...watchSection());
  if (memoryRows.length) {
    parts.push(
      '',
      '## Peak memory (one run each, 2 workers)',
      '',
      `Measured on ${memoryHow}. Whole tree = the largest sum of RSS over the runner and all its processes at one moment (sampled from /proc every 25 ms); controller and largest worker = their own peaks.`,
      '',
      '| suite | runner | whole tree | controller | largest worker |',
      '| --- | --- | ---: | ---: | --- |',
      ...memoryRows,
    );
  }
  parts.push('', '## Targets', '');
  if (targets.length === 0) parts.push('- (no target cells selected)');
  for (const t of targets) parts.push(`- ${t.met === undefined ? 'pending' : t.met ? 'met' : 'missed'}: ${t.text}`);
  parts.push('', `## Samples (wall, in run order) · benchmark took ${fmt(performance.now() - started)}`, '', samples());
  if (problems.length) parts.push('', '## Problems', '', ...problems.map((p) => '```\n' + p + '\n```'));
  process.stdout.write(parts.join('\n') + '\n');
  if (flags.keep) log(`suites kept in ${root}`);
  return problems.length ? 1 : 0;
}

process.exitCode = await main();
