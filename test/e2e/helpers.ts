// Shared plumbing for the end-to-end tests: copy a fixture project into a fresh temp dir, run the
// real built `qa` binary in it as a subprocess, and pick its output apart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (test/e2e/helpers.ts), never hard-coded. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');
export const QA_BIN = join(REPO_ROOT, 'bin', 'qa.js');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const QA_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

if (!existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) {
  throw new Error(`qa is not built: run \`npm run build\` in ${REPO_ROOT} before the e2e tests`);
}

const created: string[] = [];
process.on('exit', () => {
  if (process.env.QA_E2E_KEEP) return;
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty temp dir, removed when the test process exits (set QA_E2E_KEEP=1 to keep them). */
export function tempDir(prefix = 'qa-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * Copies test/fixtures/<name> into a fresh temp dir (null: an empty project), adds `files`
 * (relative path → content) and links node_modules/qa-lanes to this repo so fixture test files
 * can `import { test, expect } from 'qa-lanes'`. Returns the project dir.
 */
export function project(name: string | null, files: Record<string, string> = {}): string {
  const dir = tempDir(`qa-e2e-${name ?? 'empty'}-`);
  if (name !== null) {
    const src = join(FIXTURES, name);
    assert.ok(existsSync(src), `no fixture project ${src}`);
    cpSync(src, dir, { recursive: true });
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'qa-lanes'), 'dir');
  return dir;
}

/**
 * Copies test/compat/<name> (a project written for Vitest or Jest) into a fresh temp dir and links
 * qa-lanes and the named packages from this repository's node_modules, as an install would.
 */
export function compatProject(name: string, packages: string[]): string {
  const dir = tempDir(`qa-compat-${name}-`);
  cpSync(join(REPO_ROOT, 'test', 'compat', name), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'qa-lanes'), 'dir');
  for (const pkg of packages) symlinkSync(join(REPO_ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
  return dir;
}

export interface QaResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole qa process as seen from outside. */
  elapsedMs: number;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Kill qa (and fail) if it runs longer than this. */
  timeoutMs?: number;
}

/** Environment for qa: no colour forcing, nothing inherited from an outer qa or node:test run. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('QA_') || key === 'FORCE_COLOR' || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') delete env[key];
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface StartedQa {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdoutSoFar(): string;
  done: Promise<QaResult>;
}

/** Starts `node bin/qa.js ...args` and returns the process plus a promise of its result. */
export function startQa(args: string[], opts: RunOptions): StartedQa {
  const started = Date.now();
  const child = spawn(process.execPath, [QA_BIN, ...args], {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const limit = opts.timeoutMs ?? 30_000;
  const done = new Promise<QaResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qa ${args.join(' ')} did not finish within ${limit} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, limit);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
  return { child, stdoutSoFar: () => stdout, done };
}

/** Runs qa to completion. `--ci` is added unless the args already have it. */
export function runQa(args: string[], opts: RunOptions): Promise<QaResult> {
  const withCi = args.includes('--ci') ? args : ['--ci', ...args];
  return startQa(withCi, opts).done;
}

/** Shows the whole run when an assertion about it fails. */
export function explain(r: QaResult): string {
  return `exit code ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

export function assertExit(r: QaResult, code: number): void {
  assert.equal(r.code, code, `expected exit code ${code}\n${explain(r)}`);
}

export type Status = 'PASSED' | 'FAILED' | 'SKIPPED' | 'TODO' | 'FLAKY' | 'RERUN';

export interface ResultLine {
  worker: string;
  status: Status;
  /** The stable test id, without the `[i/N]` copy suffix of --count. */
  id: string;
  /** `i/N` from a `[i/N]` suffix, when --count made copies. */
  copy?: string;
  /** From `(attempt N)`, when the test was retried. */
  attempt?: number;
  line: string;
}

const RESULT_LINE =
  /^\[(gw\d+)\] (PASSED|FAILED|SKIPPED|TODO|FLAKY|RERUN) (.*?)(?:\[(\d+\/\d+)\])?(?: \(attempt (\d+)\))?(?: \((?:\d+(?:\.\d+)? m?s|\d+m [\d.]+s)\))?$/;

/** Every `[gwK] STATUS id (N ms)` line, in output order. */
export function results(stdout: string): ResultLine[] {
  const out: ResultLine[] = [];
  for (const line of stdout.split('\n')) {
    const m = RESULT_LINE.exec(line);
    if (m) out.push({ worker: m[1], status: m[2] as Status, id: m[3], ...(m[4] ? { copy: m[4] } : {}), ...(m[5] ? { attempt: Number(m[5]) } : {}), line });
  }
  return out;
}

/** Sorted ids of the result lines with one of the given statuses (all lines when none given). */
export function ids(stdout: string, ...statuses: Status[]): string[] {
  return results(stdout)
    .filter((r) => statuses.length === 0 || statuses.includes(r.status))
    .map((r) => r.id)
    .sort();
}

/** id → worker for the final result line of every test. */
export function workerOf(stdout: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of results(stdout)) map.set(r.id, r.worker);
  return map;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

export function lastLine(text: string): string {
  const all = lines(text);
  return all[all.length - 1] ?? '';
}

/** The text of a `==== TITLE ====` section up to the next rule line. */
export function section(stdout: string, title: string): string {
  const all = stdout.split('\n');
  const start = all.findIndex((l) => new RegExp(`^=+ ${title} =+$`).test(l));
  if (start < 0) return '';
  const end = all.findIndex((l, i) => i > start && /^=+ .* =+$/.test(l));
  return all.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** One failure's block in the FAILURES section: from its `_____ id [gwK] _____` header to the next header. */
export function failureBlock(stdout: string, id: string): string {
  const all = section(stdout, 'FAILURES').split('\n');
  const start = all.findIndex((l) => l.startsWith(`_____ ${id} [`));
  if (start < 0) return '';
  const end = all.findIndex((l, i) => i > start && l.startsWith('_____ '));
  return all.slice(start, end < 0 ? undefined : end).join('\n');
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  wallMs?: number;
  testTimeMs?: number;
  speedup?: number;
  /** `workers:` line: worker → [tests, utilization %]. */
  workers: Map<string, { tests: number; utilization: number }>;
}

function toMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?) (ms|s)$/.exec(text.trim());
  if (m) return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  const long = /^(\d+)m ([\d.]+)s$/.exec(text.trim());
  if (long) return Number(long[1]) * 60_000 + Number(long[2]) * 1000;
  return NaN;
}

export function summary(stdout: string): Summary {
  const counts = /^qa: (\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(stdout);
  assert.ok(counts, `no "qa: N passed, N failed, N skipped" line in:\n${stdout}`);
  const wall = /^wall (.+?) · test time (.+?) · speedup (\d+\.\d+)×$/m.exec(stdout);
  const workers = new Map<string, { tests: number; utilization: number }>();
  const wline = /^workers: (.+)$/m.exec(stdout);
  if (wline) {
    for (const part of wline[1].split(' · ')) {
      const m = /^(gw\d+) (\d+) tests (\d+)%/.exec(part);
      assert.ok(m, `unreadable worker entry "${part}" in: ${wline[0]}`);
      workers.set(m[1], { tests: Number(m[2]), utilization: Number(m[3]) });
    }
  }
  return {
    passed: Number(counts[1]),
    failed: Number(counts[2]),
    skipped: Number(counts[3]),
    ...(wall ? { wallMs: toMs(wall[1]), testTimeMs: toMs(wall[2]), speedup: Number(wall[3]) } : {}),
    workers,
  };
}

/** A usage error: exit 4, nothing on stdout, stderr starts with one `qa: error: ...` line, no stack trace. */
export function assertUsageError(r: QaResult, ...mentions: Array<string | RegExp>): string {
  assertExit(r, 4);
  assert.equal(r.stdout, '', `a usage error prints nothing on stdout\n${explain(r)}`);
  const first = r.stderr.split('\n')[0];
  assert.match(first, /^qa: error: \S/, `stderr must start with "qa: error: ..."\n${explain(r)}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace on a usage error\n${explain(r)}`);
  assert.doesNotMatch(r.stderr, /internal error/, explain(r));
  for (const m of mentions) {
    if (typeof m === 'string') assert.ok(first.includes(m), `the error line should mention ${JSON.stringify(m)}: ${first}`);
    else assert.match(first, m);
  }
  return first;
}

// Verdicts per test, for comparing qa with the real Vitest or Jest on the same files.
export type Verdicts = Map<string, string>;

/** qa's verdict per test, keyed `file > describe > test` as the real runners' JSON names them. */
export function qaVerdicts(jsonFile: string): Verdicts {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as { results: Array<{ id: string; status: string }> };
  const status = (s: string) => (s === 'skipped' ? 'skipped' : s);
  return new Map(report.results.map((r) => [r.id.split('::').join(' > '), status(r.status)]));
}

/** The real runner's verdicts from its `--json` output (Vitest and Jest share the format). */
export function runnerVerdicts(jsonFile: string, root: string): Verdicts {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
    testResults: Array<{ name: string; assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string }> }>;
  };
  const status = (s: string) => (s === 'pending' ? 'skipped' : s);
  const out: Verdicts = new Map();
  for (const file of report.testResults) {
    const rel = file.name.slice(root.length + 1);
    for (const t of file.assertionResults) out.set([rel, ...t.ancestorTitles, t.title].join(' > '), status(t.status));
  }
  return out;
}

export const sorted = (v: Verdicts) => [...v.entries()].sort(([a], [b]) => a.localeCompare(b));

/** qa's verdicts on a project (`qa run --json`), with its output; fails on anything but exit 0 or 1. */
export async function qaJson(dir: string, args: string[] = []): Promise<{ verdicts: Verdicts; stdout: string; code: number | null }> {
  const json = join(tempDir('qa-compat-json-'), 'qa.json');
  const r = await runQa(['run', '--json', json, ...args], { cwd: dir, timeoutMs: 60_000 });
  assert.ok(r.code === 0 || r.code === 1, explain(r));
  return { verdicts: qaVerdicts(json), stdout: r.stdout, code: r.code };
}
