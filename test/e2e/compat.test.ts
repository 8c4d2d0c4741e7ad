// Vitest and Jest projects run unchanged: the fixture projects in test/compat/ run through the built
// qa binary with no qa config, and where the real runner can run the same files (vitest and jest
// are devDependencies), its verdict on every test is the one qa must reach.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { assertExit, compatProject, explain, qaJson, REPO_ROOT, runnerVerdicts, runQa, sorted, tempDir, type Verdicts } from './helpers.js';

const run = promisify(execFile);

describe('a Vitest project, no qa config', () => {
  test('same verdict on every test as vitest itself', async () => {
    const dir = compatProject('vitest-project', ['vitest', 'vite']);
    const own = join(tempDir('qa-compat-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${own}`], { cwd: dir }).catch(() => undefined);
    const expected = runnerVerdicts(own, dir);
    assert.ok(expected.size >= 25, `vitest reported ${expected.size} tests`);
    const qa = await qaJson(dir);
    assert.equal(qa.code, 1, qa.stdout);
    // test.fails is `passed` for qa (the test did what it promised) and for Vitest's JSON too.
    assert.deepEqual(sorted(qa.verdicts), sorted(expected));
    assert.match(qa.stdout.split('\n')[0], /vitest\.config\.ts/);
  });
});

describe('a Vitest project with globals and tsconfig paths', () => {
  test('runs, with JSX, JSON imports and __dirname', async () => {
    const dir = compatProject('paths-project', ['vitest', 'vite']);
    const qa = await qaJson(dir);
    assert.equal(qa.code, 0, qa.stdout);
    assert.equal([...qa.verdicts.values()].filter((s) => s === 'passed').length, 6, qa.stdout);
  });
});

describe('a Jest project (CommonJS), no qa config', () => {
  test('same verdict as jest on the files jest can run; a file mixing import and require loads too', async () => {
    const dir = compatProject('jest-project', ['jest']);
    const own = join(tempDir('qa-compat-own-'), 'jest.json');
    // Jest needs Babel for the ES import in mixed.test.js; qa does not. Jest judges the rest.
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'jest'), ['--json', `--outputFile=${own}`, '--testPathIgnorePatterns', 'mixed'], { cwd: dir }).catch(() => undefined);
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 20);
    const qa = await qaJson(dir);
    const mixed = new Map([...qa.verdicts].filter(([id]) => id.startsWith('__tests__/mixed')));
    const rest = new Map([...qa.verdicts].filter(([id]) => !id.startsWith('__tests__/mixed')));
    assert.deepEqual(sorted(rest), sorted(expected));
    assert.deepEqual([...mixed.values()], ['passed', 'passed', 'passed', 'passed'], qa.stdout);
  });

  test('--exclude leaves files out', async () => {
    const dir = compatProject('jest-project', ['jest']);
    const qa = await qaJson(dir, ['--exclude', '**/mixed*']);
    assert.ok([...qa.verdicts.keys()].every((id) => !id.includes('mixed')), qa.stdout);
  });
});

describe('CommonJS packages imported as namespaces', () => {
  test('`import * as lib` sees every property of module.exports, as under Vitest', async () => {
    const dir = compatProject('vitest-project', ['vitest', 'vite']);
    mkdirSync(join(dir, 'node_modules', 'umd-lib'));
    writeFileSync(join(dir, 'node_modules', 'umd-lib', 'package.json'), JSON.stringify({ name: 'umd-lib', main: 'index.js' }));
    // Assigned through a variable, as UMD bundles do: Node's CommonJS lexer finds no names.
    writeFileSync(join(dir, 'node_modules', 'umd-lib', 'index.js'), 'var lib = function () {}; lib.twice = function (n) { return 2 * n; }; module["exports"] = lib;\n');
    writeFileSync(join(dir, 'test', 'umd.test.ts'), "import { expect, test } from 'vitest';\nimport * as lib from 'umd-lib';\ntest('twice', () => expect(lib.twice(2)).toBe(4));\n");
    const own = join(tempDir('qa-compat-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', 'test/umd.test.ts', '--reporter=json', `--outputFile=${own}`], { cwd: dir });
    assert.deepEqual([...runnerVerdicts(own, dir).values()], ['passed']);
    const qa = await qaJson(dir, ['test/umd.test.ts']);
    assert.deepEqual([...qa.verdicts.values()], ['passed'], qa.stdout);
  });
});

describe('a project with no config file at all', () => {
  test("the runner in package.json's devDependencies decides, with its defaults", async () => {
    const dir = tempDir('qa-compat-zero-');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'zero', type: 'module', devDependencies: { vitest: '*' } }));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'one.spec.ts'), "import { expect, test } from 'vitest';\ntest('runs', () => expect(1).toBe(1));\n");
    const r = await runQa(['run'], { cwd: dir, timeoutMs: 60_000 });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], /Vitest defaults/, explain(r));
    assert.match(r.stdout, /PASSED src\/one\.spec\.ts::runs/, explain(r));
  });
});

describe('what qa cannot do yet is named', () => {
  test('an unsupported vi API at the top of a file is a collection error naming the API and the file', async () => {
    const dir = compatProject('vitest-project', ['vitest', 'vite']);
    const json = join(tempDir('qa-compat-json-'), 'qa.json');
    writeFileSync(join(dir, 'test', 'mocked.test.ts'), "import { test, vi } from 'vitest';\nawait vi.dynamicImportSettled();\ntest('x', () => {});\n");
    const r = await runQa(['run', 'test/mocked.test.ts', '--json', json], { cwd: dir, timeoutMs: 60_000 });
    assertExit(r, 1);
    assert.match(r.stdout, /ERROR collecting test\/mocked\.test\.ts: .*`vi\.dynamicImportSettled` is not supported/);
  });
});
