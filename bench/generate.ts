// Writes one benchmark suite in several dialects — qa, vitest, node:test, mocha — so every runner
// runs exactly the same tests. Each dialect gets a folder of its own with a package.json
// ("type": "module") and the imports it needs resolvable from there:
//
//   <root>/<suite>/qa/        node_modules/qa-lanes -> this repository, tests import 'qa-lanes'
//   <root>/<suite>/vitest/    node_modules/vitest -> the repository's vitest, vitest.config.js
//   <root>/<suite>/node/      node:test + node:assert/strict
//   <root>/<suite>/mocha/     global it(), node:assert/strict
//
// Test files are plain ESM JavaScript (`tests/fNNN.test.js`): the one format all four runners take
// without a transform, so nobody pays for TypeScript here.
//
// Run on its own to look at a suite: `node --import tsx bench/generate.ts [dir]`.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/core/stress.ts';

/** The repository root, from this file's location (bench/generate.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/[\\/]$/, '');

export type Dialect = 'qa' | 'vitest' | 'node' | 'mocha';
export const DIALECTS: readonly Dialect[] = ['qa', 'vitest', 'node', 'mocha'];

/** One test: its name and how long it sleeps (0: no sleep, just the assertion). */
export interface TestSpec {
  name: string;
  sleepMs: number;
}

export interface FileSpec {
  /** Relative to the dialect folder, e.g. `tests/f007.test.js`. */
  path: string;
  tests: TestSpec[];
}

export interface SuiteSpec {
  name: string;
  files: FileSpec[];
}

export interface GeneratedSuite {
  spec: SuiteSpec;
  /** Dialect → its folder. */
  dirs: Record<Dialect, string>;
  /** Test files relative to each dialect folder (the same in all of them). */
  files: string[];
  tests: number;
  /** Sum of the generated sleeps, ms. */
  totalSleepMs: number;
  /** The longest generated sleep, ms. */
  longestSleepMs: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const width = (n: number) => Math.max(3, String(Math.max(0, n - 1)).length);

// ------------------------------------------------------------------ suites

/** `files` × `perFile` tests, each with one equality assertion. */
export function trivialSuite(files: number, perFile: number): SuiteSpec {
  const fw = width(files);
  const tw = width(perFile);
  return {
    name: `trivial-${files}x${perFile}`,
    files: Array.from({ length: files }, (_, f) => ({
      path: `tests/f${pad(f, fw)}.test.js`,
      tests: Array.from({ length: perFile }, (_, t) => ({ name: `adds ${pad(t, tw)}`, sleepMs: 0 })),
    })),
  };
}

/** `tests` tests sleeping `ms` each, spread evenly over `files` files. */
export function sleepSuite(tests: number, ms: number, files: number): SuiteSpec {
  const fw = width(files);
  const perFile = Math.ceil(tests / files);
  const out: FileSpec[] = [];
  for (let f = 0, left = tests; f < files && left > 0; f++) {
    const n = Math.min(perFile, left);
    left -= n;
    out.push({ path: `tests/s${pad(f, fw)}.test.js`, tests: Array.from({ length: n }, (_, t) => ({ name: `sleeps ${pad(t, width(n))}`, sleepMs: ms })) });
  }
  return { name: `sleep-${tests}x${ms}ms`, files: out };
}

/** Deterministic PRNG: the skewed suite is the same on every machine (qa's own seeded generator). */
export const mulberry32 = seededRandom;

export interface SkewedOptions {
  files: number;
  perFile: number;
  /** How many long tests. */
  long: number;
  shortMs: [number, number];
  longMs: [number, number];
  seed: number;
}

export const DEFAULT_SKEWED: SkewedOptions = { files: 40, perFile: 10, long: 4, shortMs: [10, 50], longMs: [1000, 2000], seed: 20261122 };

/** Many short sleeps and a few long ones at seeded random places. */
export function skewedSuite(o: SkewedOptions = DEFAULT_SKEWED): SuiteSpec {
  const rand = mulberry32(o.seed);
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(rand() * (hi - lo + 1));
  const fw = width(o.files);
  const tw = width(o.perFile);
  const files: FileSpec[] = Array.from({ length: o.files }, (_, f) => ({
    path: `tests/k${pad(f, fw)}.test.js`,
    tests: Array.from({ length: o.perFile }, (_, t) => ({ name: `step ${pad(t, tw)}`, sleepMs: between(o.shortMs) })),
  }));
  const total = o.files * o.perFile;
  const picked = new Set<number>();
  while (picked.size < Math.min(o.long, total)) picked.add(Math.floor(rand() * total));
  for (const i of picked) {
    const test = files[Math.floor(i / o.perFile)].tests[i % o.perFile];
    test.sleepMs = between(o.longMs);
    test.name = test.name.replace('step', 'long step');
  }
  return { name: `skewed-${o.files}x${o.perFile}`, files };
}

/** One file, one test. */
export function startupSuite(): SuiteSpec {
  return { name: 'startup', files: [{ path: 'tests/one.test.js', tests: [{ name: 'one', sleepMs: 0 }] }] };
}

/** One test that sleeps `ms` (for `qa stress`). */
export function stressSuite(ms = 1): SuiteSpec {
  return { name: 'stress', files: [{ path: 'tests/tick.test.js', tests: [{ name: `ticks ${ms} ms`, sleepMs: ms }] }] };
}

// ------------------------------------------------------------------ dialects

function body(dialect: Dialect, test: TestSpec, index: number): string {
  const expected = index + 1;
  const check = dialect === 'qa' || dialect === 'vitest' ? `expect(${index} + 1).toBe(${expected});` : `assert.equal(${index} + 1, ${expected});`;
  const call = dialect === 'mocha' ? 'it' : 'test';
  const name = JSON.stringify(test.name);
  if (test.sleepMs > 0) return `${call}(${name}, async () => {\n  await sleep(${test.sleepMs});\n  ${check}\n});\n`;
  return `${call}(${name}, () => {\n  ${check}\n});\n`;
}

const HEADERS: Record<Dialect, string> = {
  qa: "import { test, expect } from 'qa-lanes';\n",
  vitest: "import { test, expect } from 'vitest';\n",
  node: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n",
  mocha: "import assert from 'node:assert/strict';\n",
};

const SLEEP = "import { setTimeout as sleep } from 'node:timers/promises';\n";

export function fileText(dialect: Dialect, file: FileSpec): string {
  const sleeps = file.tests.some((t) => t.sleepMs > 0);
  return HEADERS[dialect] + (sleeps ? SLEEP : '') + '\n' + file.tests.map((t, i) => body(dialect, t, i)).join('\n');
}

function writeDialect(dir: string, dialect: Dialect, spec: SuiteSpec, qaRoot: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `bench-${spec.name}-${dialect}`, private: true, type: 'module' }, null, 2) + '\n');
  if (dialect === 'qa') symlinkSync(qaRoot, join(dir, 'node_modules', 'qa-lanes'), 'dir');
  if (dialect === 'vitest') {
    symlinkSync(join(REPO_ROOT, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
    // Only this folder's tests; the peers' defaults otherwise (isolation, reporter).
    writeFileSync(
      join(dir, 'vitest.config.js'),
      `export default {\n  test: {\n    root: ${JSON.stringify(dir)},\n    include: ['tests/**/*.test.js'],\n    testTimeout: 30000,\n  },\n};\n`,
    );
  }
  for (const file of spec.files) {
    const path = join(dir, file.path);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, fileText(dialect, file));
  }
}

export interface WriteOptions {
  dialects?: readonly Dialect[];
  /** Folder under the root (default: the suite's name). */
  folder?: string;
  /** What node_modules/qa-lanes links to (default: this repository). */
  qaRoot?: string;
}

/** Writes `spec` in every dialect (or those asked for) under `root/<folder>/<dialect>/`. */
export function writeSuite(root: string, spec: SuiteSpec, opts: WriteOptions = {}): GeneratedSuite {
  const dirs = {} as Record<Dialect, string>;
  for (const d of opts.dialects ?? DIALECTS) {
    dirs[d] = join(root, opts.folder ?? spec.name, d);
    writeDialect(dirs[d], d, spec, opts.qaRoot ?? REPO_ROOT);
  }
  const sleeps = spec.files.flatMap((f) => f.tests.map((t) => t.sleepMs));
  return {
    spec,
    dirs,
    files: spec.files.map((f) => f.path),
    tests: sleeps.length,
    totalSleepMs: sleeps.reduce((a, b) => a + b, 0),
    longestSleepMs: Math.max(0, ...sleeps),
  };
}

// ------------------------------------------------------------------ a project for `qa watch`

export interface WatchProject {
  dir: string;
  /** Test files (root-relative). */
  tests: string[];
  /** Files the watch benchmark saves, source modules first, a test file last. */
  touch: string[];
}

/**
 * A small TypeScript project for the watch benchmark: source modules that import each other
 * (core ← a ← d, core ← b, c alone, a CommonJS legacy.cjs that b.test requires through
 * createRequire) and `files` test files of `perFile` tests importing them; the first test of
 * every fourth file sleeps `slowMs`, so plain LPT would start the run on slow tests.
 */
export function writeWatchProject(root: string, o: { files: number; perFile: number; slowMs: number }, qaRoot = REPO_ROOT): WatchProject {
  const dir = join(root, `watch-project-${o.files}x${o.perFile}`);
  const put = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  put('package.json', JSON.stringify({ name: 'bench-watch', private: true, type: 'module' }, null, 2) + '\n');
  put('qa.config.mjs', "export default { include: ['tests/**/*.test.ts'] };\n");
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(qaRoot, join(dir, 'node_modules', 'qa-lanes'), 'dir');
  put('src/core.ts', 'export const base = (n: number): number => n + 1;\n');
  put('src/a.ts', "import { base } from './core.js';\nexport const a = (n: number): number => base(n) * 2;\n");
  put('src/b.ts', "import { base } from './core.js';\nexport const b = (n: number): number => base(n) - 1;\n");
  put('src/c.ts', 'export const c = (n: number): number => n * 3;\n');
  put('src/d.ts', "import { a } from './a.js';\nexport const d = (n: number): number => a(n) + 1;\n");
  put('src/legacy.cjs', 'exports.legacy = (n) => n - 2;\n');
  const fw = width(o.files);
  const uses: Array<{ name: string; module: string; value: (n: number) => number }> = [
    { name: 'a', module: 'a', value: (n) => (n + 1) * 2 },
    { name: 'b', module: 'b', value: (n) => n },
    { name: 'c', module: 'c', value: (n) => n * 3 },
    { name: 'd', module: 'd', value: (n) => (n + 1) * 2 + 1 },
  ];
  const tests: string[] = [];
  for (let f = 0; f < o.files; f++) {
    const use = uses[f % uses.length];
    const path = `tests/w${pad(f, fw)}.test.ts`;
    const lines = ["import { test, expect } from 'qa-lanes';", `import { ${use.name} } from '../src/${use.module}.js';`];
    const legacy = use.name === 'b';
    if (legacy) lines.push("import { createRequire } from 'node:module';", "const { legacy } = createRequire(import.meta.url)('../src/legacy.cjs');");
    if (f % 4 === 0) lines.push("import { setTimeout as sleep } from 'node:timers/promises';");
    lines.push('');
    for (let t = 0; t < o.perFile; t++) {
      const slow = f % 4 === 0 && t === 0;
      const check = `expect(${use.name}(${t})).toBe(${use.value(t)});${legacy ? ` expect(legacy(${t})).toBe(${t - 2});` : ''}`;
      lines.push(slow ? `test('slow ${t}', async () => { await sleep(${o.slowMs}); ${check} });` : `test('case ${t}', () => { ${check} });`);
    }
    put(path, lines.join('\n') + '\n');
    tests.push(path);
  }
  return { dir, tests, touch: ['src/core.ts', 'src/c.ts', 'src/legacy.cjs', tests[Math.min(1, tests.length - 1)]] };
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'qa-bench-'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? tempRoot();
  mkdirSync(root, { recursive: true });
  for (const spec of [startupSuite(), trivialSuite(20, 100), trivialSuite(200, 60), sleepSuite(200, 50, 10), skewedSuite(), stressSuite()]) {
    const s = writeSuite(root, spec);
    process.stdout.write(`${spec.name}: ${s.tests} tests in ${s.files.length} files, ${s.totalSleepMs} ms of sleep → ${join(root, spec.name)}\n`);
  }
}
