// `qa watch` end to end: the real watcher on real files in a temp project, the real CLI in a
// subprocess, its stdout read as it comes. Every step saves files and waits for the block of the
// run (or the "no test file depends on it" note) that the save caused.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { codeFiles, staticImporters, staticImports } from '../../bench/imports.ts';
import { project, REPO_ROOT, results, startQa, tempDir, type StartedQa } from './helpers.js';

const FILES: Record<string, string> = {
  'qa.config.mjs': "export default { include: ['test/**/*.test.ts'] };\n",
  'src/math.ts': 'export const add = (a: number, b: number): number => a + b;\n',
  // util imports math: editing math reaches util.test.ts transitively.
  'src/util.ts': "import { add } from './math.js';\nexport const twice = (a: number): number => add(a, a);\n",
  'src/strings.ts': 'export const upper = (s: string): string => s.toUpperCase();\n',
  'src/unused.ts': 'export const nobody = 1;\n',
  'test/math.test.ts': "import { test, expect } from 'qa-lanes';\nimport { add } from '../src/math.js';\ntest('adds', () => { expect(add(1, 2)).toBe(3); });\n",
  'test/util.test.ts': "import { test, expect } from 'qa-lanes';\nimport { twice } from '../src/util.js';\ntest('twice', () => { expect(twice(2)).toBe(4); });\n",
  'test/strings.test.ts': "import { test, expect } from 'qa-lanes';\nimport { upper } from '../src/strings.js';\ntest('upper', () => { expect(upper('a')).toBe('A'); });\n",
};

const IDLE = 'qa watch: waiting for changes';

/** The output of watch step n (1-based): from its first line to its "waiting" line. */
function block(stdout: string, n: number): string {
  const parts = stdout.split(`${IDLE} (Ctrl-C to stop)\n`);
  return parts[n - 1] ?? '';
}

const idles = (stdout: string) => stdout.split(IDLE).length - 1;

/** Resolves when the watcher has finished `n` steps; rejects with all output after `ms`. */
async function waitIdle(qa: StartedQa, n: number, ms = 10_000): Promise<string> {
  const start = Date.now();
  while (idles(qa.stdoutSoFar()) < n) {
    if (Date.now() - start > ms) throw new Error(`watch step ${n} did not finish within ${ms} ms:\n${qa.stdoutSoFar()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return block(qa.stdoutSoFar(), n);
}

/** Test files that have result lines in a block. */
function filesRan(text: string): string[] {
  return [...new Set(results(text).map((r) => r.id.slice(0, r.id.indexOf('::'))))].sort();
}

/** `qa watch --ci` on a temp project: `first()` waits for the first run, `save()` for the step a save causes. */
function watchProject(files: Record<string, string>, args: string[] = ['-n', '2'], env: Record<string, string> = {}) {
  const dir = project(null, files);
  const qa = startQa(['watch', '--ci', ...args], { cwd: dir, timeoutMs: 80_000, env });
  after(() => {
    if (qa.child.exitCode === null) qa.child.kill('SIGKILL');
  });
  let step = 1;
  /** Saves files, waits for the next step, and measures save → first result line of that step. */
  async function save(changes: Record<string, string | null>): Promise<{ out: string; firstResultMs?: number }> {
    const before = qa.stdoutSoFar().length;
    let firstResultMs: number | undefined;
    const t0 = performance.now();
    const onData = () => {
      if (firstResultMs === undefined && results(qa.stdoutSoFar().slice(before)).length) firstResultMs = performance.now() - t0;
    };
    qa.child.stdout!.on('data', onData);
    for (const [rel, text] of Object.entries(changes)) {
      if (text === null) rmSync(join(dir, rel));
      else writeFileSync(join(dir, rel), text);
    }
    try {
      const out = await waitIdle(qa, ++step);
      return { out, firstResultMs };
    } finally {
      qa.child.stdout!.off('data', onData);
    }
  }
  /** Ctrl-C while waiting: the watch ends with exit code 0. */
  async function stop(): Promise<void> {
    qa.child.kill('SIGINT');
    const r = await qa.done;
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  }
  return { dir, qa, save, stop, first: () => waitIdle(qa, 1, 20_000) };
}

const { qa, save, first } = watchProject(FILES);

test('the first run runs everything and builds the import graph', async () => {
  const out = await first();
  assert.deepEqual(filesRan(out), ['test/math.test.ts', 'test/strings.test.ts', 'test/util.test.ts'], out);
  assert.match(out, /qa: 3 passed, 0 failed/);
});

test('a changed source file reruns exactly the test files that import it, directly or transitively', async () => {
  const { out } = await save({ 'src/math.ts': 'export const add = (a: number, b: number): number => a + b + 1;\n' });
  assert.match(out, /^qa watch: run 2 · changed src\/math\.ts$/m, out);
  assert.match(out, /^qa watch: selected 2 test files: test\/math\.test\.ts, test\/util\.test\.ts$/m, out);
  assert.deepEqual(filesRan(out), ['test/math.test.ts', 'test/util.test.ts'], out);
  // Fresh code in warm workers: the edit is what ran.
  assert.match(out, /qa: 0 passed, 2 failed/, out);
  assert.match(out, /still failing \(2\):\n {2}test\/math\.test\.ts::adds\n {2}test\/util\.test\.ts::twice/, out);
  assert.doesNotMatch(out, /\?qa=\d/, 'module versions never show in paths');
});

test('fixing it reruns the same files; failures stay listed until they pass', async () => {
  const { out, firstResultMs } = await save({ 'src/math.ts': 'export const add = (a: number, b: number): number => a + b;\n' });
  assert.deepEqual(filesRan(out), ['test/math.test.ts', 'test/util.test.ts'], out);
  assert.match(out, /qa: 2 passed, 0 failed/, out);
  assert.doesNotMatch(out, /still failing/, out);
  console.log(`# save → first result (source file, 2 dependents): ${firstResultMs?.toFixed(0)} ms`);
});

test('a changed test file reruns that file only', async () => {
  const { out, firstResultMs } = await save({
    'test/strings.test.ts': "import { test, expect } from 'qa-lanes';\nimport { upper } from '../src/strings.js';\ntest('upper', () => { expect(upper('a')).toBe('A'); });\ntest('upper2', () => { expect(upper('b')).toBe('B'); });\n",
  });
  assert.deepEqual(filesRan(out), ['test/strings.test.ts'], out);
  assert.match(out, /qa: 2 passed, 0 failed/, out);
  console.log(`# save → first result (test file): ${firstResultMs?.toFixed(0)} ms`);
});

test('a file nothing imports runs nothing', async () => {
  const { out } = await save({ 'src/unused.ts': 'export const nobody = 2;\n' });
  assert.match(out, /^qa watch: changed src\/unused\.ts · no test file depends on it$/m, out);
  assert.deepEqual(results(out), []);
});

test('a new test file runs; deleting it drops its tests', async () => {
  const added = await save({ 'test/new.test.ts': "import { test } from 'qa-lanes';\ntest('fails', () => { throw new Error('new'); });\n" });
  assert.match(added.out, /· added test\/new\.test\.ts$/m, added.out);
  assert.deepEqual(filesRan(added.out), ['test/new.test.ts'], added.out);
  assert.match(added.out, /still failing \(1\):\n {2}test\/new\.test\.ts::fails/, added.out);
  const deleted = await save({ 'test/new.test.ts': null });
  assert.match(deleted.out, /dropped the tests of test\/new\.test\.ts/, deleted.out);
  assert.deepEqual(results(deleted.out), []);
  assert.doesNotMatch(deleted.out, /still failing/, deleted.out);
});

test('a syntax error is a collection error; the watcher survives and recovers when it is fixed', async () => {
  const broken = await save({ 'src/strings.ts': 'export const upper = (s: string): string => s.toUpperCase(;\n' });
  assert.match(broken.out, /^ERROR collecting test\/strings\.test\.ts: /m, broken.out);
  assert.match(broken.out, /files that do not import: test\/strings\.test\.ts/, broken.out);
  const fixed = await save({ 'src/strings.ts': "export const upper = (s: string): string => s.toUpperCase() + '';\n" });
  assert.deepEqual(filesRan(fixed.out), ['test/strings.test.ts'], fixed.out);
  assert.match(fixed.out, /qa: 2 passed, 0 failed/, fixed.out);
  assert.doesNotMatch(fixed.out, /ERROR collecting|do not import/, fixed.out);
});

test('a changed config reruns everything', async () => {
  const { out } = await save({ 'qa.config.mjs': `${FILES['qa.config.mjs']}// touched\n` });
  assert.match(out, /config changed, rerunning all/, out);
  assert.deepEqual(filesRan(out), ['test/math.test.ts', 'test/strings.test.ts', 'test/util.test.ts'], out);
});

test('a saved config is read again: a bad one keeps the previous settings, a good one applies to the next run', async () => {
  const bad = await save({ 'qa.config.mjs': "export default { include: ['test/**/*.test.ts'], timeout: 'soon' };\n" });
  assert.match(bad.out, /^qa watch: error: config not reloaded, the previous settings stay: qa\.config\.mjs: "timeout" must be a number of milliseconds, 0 for none; got 'soon'$/m, bad.out);
  assert.deepEqual(filesRan(bad.out), [], bad.out);
  const narrowed = await save({ 'qa.config.mjs': "export default { include: ['test/m*.test.ts'] };\n" });
  assert.deepEqual(filesRan(narrowed.out), ['test/math.test.ts'], narrowed.out);
  const restored = await save({ 'qa.config.mjs': FILES['qa.config.mjs'] });
  assert.deepEqual(filesRan(restored.out), ['test/math.test.ts', 'test/strings.test.ts', 'test/util.test.ts'], restored.out);
});

test('Ctrl-C while waiting ends the watch with exit code 0', async () => {
  qa.child.kill('SIGINT');
  const r = await qa.done;
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
});

// CommonJS never reaches the module hooks: qa watches require() itself, records the edges and
// evicts changed modules from require.cache, so neither selection nor freshness depends on it.
const CJS: Record<string, string> = {
  'qa.config.mjs': "export default { include: ['tests/**/*.test.{ts,cjs}'] };\n",
  'src/rate.cjs': 'exports.rate = 2;\n',
  // price requires rate: a change to rate reaches legacy.test.cjs through two requires.
  'src/price.cjs': "const { rate } = require('./rate.cjs');\nexports.price = (n) => n * rate;\n",
  'src/other.cjs': 'exports.other = 1;\n',
  // A CommonJS test file (require(esm) loads qa-lanes on Node >= 20.19).
  'tests/legacy.test.cjs': "const { test, expect } = require('qa-lanes');\nconst { price } = require('../src/price.cjs');\ntest('price', () => { expect(price(2)).toBe(4); });\n",
  // An ES module that loads CommonJS through createRequire.
  'tests/bridge.test.ts': "import { createRequire } from 'node:module';\nimport { test, expect } from 'qa-lanes';\nconst { rate } = createRequire(import.meta.url)('../src/rate.cjs');\ntest('rate', () => { expect(rate).toBe(2); });\n",
  'tests/other.test.ts': "import { test, expect } from 'qa-lanes';\nimport { other } from '../src/other.cjs';\ntest('other', () => { expect(other).toBe(1); });\n",
};

test('CommonJS requires are tracked: a changed required module reruns its tests with fresh code', async () => {
  const w = watchProject(CJS);
  const out = await w.first();
  assert.match(out, /qa: 3 passed, 0 failed/, out);

  // rate.cjs is required by price.cjs (required by a .cjs test) and by a createRequire in a .ts test.
  const changed = await w.save({ 'src/rate.cjs': 'exports.rate = 3;\n' });
  assert.match(changed.out, /^qa watch: selected 2 test files: tests\/bridge\.test\.ts, tests\/legacy\.test\.cjs$/m, changed.out);
  // The workers evaluated the new rate: both fail, nobody was served the cached module.
  assert.match(changed.out, /qa: 0 passed, 2 failed/, changed.out);

  const fixed = await w.save({ 'src/rate.cjs': 'exports.rate = 2;\n' });
  assert.deepEqual(filesRan(fixed.out), ['tests/bridge.test.ts', 'tests/legacy.test.cjs'], fixed.out);
  assert.match(fixed.out, /qa: 2 passed, 0 failed/, fixed.out);

  // price.cjs: only the test that requires it; an ES import of CommonJS (other.cjs) is fresh too.
  const price = await w.save({ 'src/price.cjs': "const { rate } = require('./rate.cjs');\nexports.price = (n) => n * rate + 1;\n" });
  assert.deepEqual(filesRan(price.out), ['tests/legacy.test.cjs'], price.out);
  assert.match(price.out, /qa: 0 passed, 1 failed/, price.out);
  const other = await w.save({ 'src/other.cjs': 'exports.other = 2;\n' });
  assert.deepEqual(filesRan(other.out), ['tests/other.test.ts'], other.out);
  assert.match(other.out, /qa: 0 passed, 1 failed/, other.out);
  await w.stop();
});

// A worker-scoped fixture lives as long as its worker, but not longer than the module that defined
// it: re-imported (a new generation), that module's old instances are torn down before new ones
// set up. Here each holds a Unix socket at a fixed path per worker, like a server on a port: a
// second one cannot listen while the first is alive.
const sockets = tempDir('qa-sock-');
const serverFixture = (version: number) =>
  [
    "import { createServer } from 'node:net';",
    "import { appendFileSync } from 'node:fs';",
    "import { test as base } from 'qa-lanes';",
    `const log = (line: string) => appendFileSync(${JSON.stringify(join(sockets, 'log'))}, line + '\\n');`,
    'export const test = base.extend<{ server: string }>({',
    '  server: [',
    '    async ({ workerId }, use) => {',
    `      const path = ${JSON.stringify(sockets)} + '/' + workerId + '.sock';`,
    '      const srv = createServer();',
    '      await new Promise<void>((resolve, reject) => { srv.once(\'error\', reject); srv.listen(path, () => resolve()); });',
    `      log(workerId + ' up v${version}');`,
    `      await use('v${version}');`,
    '      await new Promise<void>((resolve) => srv.close(() => resolve()));',
    `      log(workerId + ' down v${version}');`,
    '    },',
    "    { scope: 'worker' },",
    '  ],',
    '});',
    '',
  ].join('\n');

test('a re-imported fixture module tears down its old worker fixtures before new ones set up', async () => {
  const w = watchProject(
    {
      'qa.config.mjs': "export default { include: ['tests/**/*.test.ts'] };\n",
      'tests/fixtures.ts': serverFixture(1),
      'tests/server.test.ts': "import { expect } from 'qa-lanes';\nimport { test } from './fixtures.js';\ntest('serves', ({ server }) => { expect(server).toMatch(/^v/); });\n",
    },
    ['-n', '1'],
  );
  const out = await w.first();
  assert.match(out, /qa: 1 passed, 0 failed/, out);
  const changed = await w.save({ 'tests/fixtures.ts': serverFixture(2) });
  assert.match(changed.out, /qa: 1 passed, 0 failed/, changed.out);
  assert.doesNotMatch(changed.out, /EADDRINUSE|ERROR/, changed.out);
  // A save that leaves the fixture module alone keeps its worker fixture warm.
  const again = await w.save({ 'tests/server.test.ts': "import { expect } from 'qa-lanes';\nimport { test } from './fixtures.js';\ntest('serves v2', ({ server }) => { expect(server).toBe('v2'); });\n" });
  assert.match(again.out, /qa: 1 passed, 0 failed/, again.out);
  await w.stop();
  assert.deepEqual(readFileSync(join(sockets, 'log'), 'utf8').trim().split('\n'), ['gw0 up v1', 'gw0 down v1', 'gw0 up v2', 'gw0 down v2']);
});

// The watch issue: selection must be exact on the demo-suite. A copy of it (with the repository's
// config) is watched; each saved module must rerun exactly the test files that import it, directly
// or transitively, as read from the sources (type-only imports do not count).
test('on the demo-suite, a saved module reruns exactly the test files that import it', { timeout: 90_000 }, async () => {
  const files: Record<string, string> = { 'qa.config.ts': readFileSync(join(REPO_ROOT, 'qa.config.ts'), 'utf8') };
  for (const f of codeFiles(join(REPO_ROOT, 'demo-suite'))) files[`demo-suite/${f}`] = readFileSync(join(REPO_ROOT, 'demo-suite', f), 'utf8');
  // The demo-suite keeps its databases under $TMPDIR/qa-lanes-demo: a private one, so another
  // demo-suite run on this machine cannot share them.
  const w = watchProject(files, ['-n', '2'], { TMPDIR: tempDir('qa-demo-tmp-') });
  const out = await w.first();
  assert.match(out, /qa: \d+ passed, 0 failed/, out);
  const tests = new Set(/^qa watch: selected \d+ test files: (.*)$/m.exec(out)![1].split(', '));
  const graph = staticImports(w.dir);
  const expected: Record<string, string[]> = {
    'demo-suite/app/format.ts': ['demo-suite/unit/format.test.ts'],
    // pricing ← shop ← server, fixtures: every API test, and its unit test.
    'demo-suite/app/pricing.ts': [
      'demo-suite/api/auth.test.ts',
      'demo-suite/api/checkout.e2e.test.ts',
      'demo-suite/api/health.test.ts',
      'demo-suite/api/orders.test.ts',
      'demo-suite/api/payments.test.ts',
      'demo-suite/api/users.test.ts',
      'demo-suite/unit/pricing.test.ts',
    ],
    'demo-suite/app/webhooks.ts': ['demo-suite/races/webhook-timing.test.ts'],
    'demo-suite/app/legacy-inventory.ts': ['demo-suite/integration/legacy-inventory.test.ts'],
  };
  for (const [file, want] of Object.entries(expected)) {
    assert.deepEqual(staticImporters(graph, file, (f) => tests.has(f)), want, `the sources say ${file} is imported by these`);
    const { out: ran } = await w.save({ [file]: `${files[file]}\n// saved\n` });
    assert.match(ran, new RegExp(`^qa watch: selected ${want.length} test files?: ${want.join(', ').replace(/\./g, '\\.')}$`, 'm'), ran);
    assert.deepEqual(filesRan(ran), want, ran);
    assert.match(ran, /qa: \d+ passed, 0 failed/, ran);
  }
  await w.stop();
});
