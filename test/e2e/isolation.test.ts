// Per-file isolation inside warm workers: every test file evaluates its own instances of the
// project modules it reaches (ES and CommonJS, setup files included), as Vitest and Jest promise,
// while the worker process stays up; and a worker that keeps them all is replaced before it grows.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { compatProject, explain, qaJson, REPO_ROOT, runnerVerdicts, runQa, sorted, tempDir } from './helpers.js';

const run = promisify(execFile);

describe('a Vitest project whose files change module state in place', () => {
  test('every file sees pristine modules, as under vitest, on 1 and 2 workers; --no-isolate shares them', async () => {
    const dir = compatProject('isolation-project', ['vitest', 'vite']);
    const own = join(tempDir('qa-iso-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${own}`], { cwd: dir });
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 6);
    assert.ok([...expected.values()].every((s) => s === 'passed'));
    for (const args of [['-n', '1'], ['-n', '2'], ['-n', '1', '--seed', '1'], ['-n', '1', '--seed', '2']]) {
      const qa = await qaJson(dir, args);
      assert.deepEqual(sorted(qa.verdicts), sorted(expected), qa.stdout);
    }
    // Shared modules: whichever file runs second in the one worker finds the first one's changes,
    // and both files see the setup file's two runs (both files are imported before either runs).
    const shared = await qaJson(dir, ['-n', '1', '--no-isolate']);
    const failed = [...shared.verdicts].filter(([, s]) => s === 'failed').map(([id]) => id.replace(/^test\/\w+\.test\.ts > /, ''));
    assert.deepEqual(failed.sort(), [
      'CommonJS module state is pristine, then changed',
      'ES module state is pristine, then changed',
      "the setup file ran once, in this file's graph",
      "the setup file ran once, in this file's graph",
    ], shared.stdout);
  });
});

/** A qa project (qa's own API) of `files` test files that each change module state, importing `modules` modules of `payload` rows. */
function generated(files: number, opts: { isolate?: boolean; modules?: number; payload?: number } = {}): string {
  const dir = tempDir('qa-iso-gen-');
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'iso-gen', type: 'module' }));
  if (opts.isolate !== undefined) writeFileSync(join(dir, 'qa.config.js'), `export default { isolate: ${opts.isolate} };\n`);
  const modules = opts.modules ?? 10;
  for (let m = 0; m < modules; m++) {
    writeFileSync(
      join(dir, 'src', `m${m}.js`),
      `export const rows = Array.from({ length: ${opts.payload ?? 10} }, (_, i) => ({ i, label: 'row ' + i }));\nexport const touched = [];\n`,
    );
  }
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'qa-lanes'), 'dir');
  for (let i = 0; i < files; i++) {
    const m = i % modules;
    writeFileSync(
      join(dir, 'tests', `t${i}.test.js`),
      `import { test, expect } from 'qa-lanes';\nimport { touched } from '../src/m${m}.js';\n` +
        `test('t${i}', () => {\n  expect(touched).toEqual([]);\n  touched.push(${i});\n  expect(process.memoryUsage.rss()).toBeLessThan(300 * 2 ** 20);\n});\n`,
    );
  }
  return dir;
}

describe('isolation for suites written for qa', () => {
  test('off by default, on with `isolate: true` in the config or --isolate', async () => {
    const shared = await runQa(['run', '--ci', '-n', '1'], { cwd: generated(4, { modules: 2 }) });
    assert.equal(shared.code, 1, explain(shared));
    assert.match(shared.stdout, /2 passed, 2 failed/);
    for (const [dir, args] of [[generated(4, { modules: 2, isolate: true }), []], [generated(4, { modules: 2 }), ['--isolate']]] as const) {
      const r = await runQa(['run', '--ci', '-n', '1', ...args], { cwd: dir });
      assert.equal(r.code, 0, explain(r));
      assert.match(r.stdout, /4 passed, 0 failed/);
    }
  });

  test('a worker past its memory budget is replaced between files; no file is lost or run twice', async () => {
    const dir = generated(120, { isolate: true, payload: 2000 });
    const r = await runQa(['run', '--ci', '-n', '2'], { cwd: dir, env: { QA_WORKER_MEMORY_MB: '90' } });
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /120 passed, 0 failed/);
    assert.match(r.stdout, /restarted \d+×/);
  });

  test('2,000 isolated files keep every worker under 300 MB', async () => {
    const dir = generated(2000, { isolate: true, modules: 20, payload: 2000 });
    const r = await runQa(['run', '--ci', '-n', '2'], { cwd: dir, timeoutMs: 240_000 });
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /2000 passed, 0 failed/);
  });
});

describe('qa run --shuffle', () => {
  test('files and tests in an order drawn from the printed seed: the same seed replays it, another seed changes it', async () => {
    const dir = generated(12, { isolate: true, modules: 12 });
    const order = async (seed: string) => {
      const r = await runQa(['run', '--ci', '-n', '1', '--seed', seed], { cwd: dir });
      assert.equal(r.code, 0, explain(r));
      assert.match(r.stdout, new RegExp(`--shuffle --seed ${seed}\\b`));
      return [...r.stdout.matchAll(/PASSED (tests\/t\d+\.test\.js)/g)].map((m) => m[1]);
    };
    const first = await order('5');
    assert.equal(first.length, 12);
    assert.deepEqual(await order('5'), first);
    assert.notDeepEqual(await order('6'), first);
  });
});
