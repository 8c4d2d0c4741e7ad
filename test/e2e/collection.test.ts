// Importing test files: collection errors, .only / .skip / .todo, TypeScript and plain JS modules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, lastLine, project, runQa, section } from './helpers.ts';

describe('collection', { concurrency: true }, () => {
  test('a syntax error and a throw at import are collection errors; the other files still run', async () => {
    const r = await runQa(['-n', '2'], { cwd: project('collection-errors') });
    assertExit(r, 1);

    assert.deepEqual(ids(r.stdout, 'PASSED'), ['also-good.test.ts::also still runs', 'good.test.mjs::still runs'], explain(r));
    assert.deepEqual(ids(r.stdout, 'FAILED'), []);
    assert.ok(!r.stdout.includes('never collected'), 'no test of a broken file is reported as run');

    assert.match(r.stdout, /^ERROR collecting broken-syntax\.test\.ts: /m, explain(r));
    assert.match(r.stdout, /^ERROR collecting throws-on-import\.test\.mjs: kaboom while importing$/m, explain(r));

    const errors = section(r.stdout, 'COLLECTION ERRORS');
    assert.match(errors, /^_____ broken-syntax\.test\.ts _____$/m, explain(r));
    assert.match(errors, /^_____ throws-on-import\.test\.mjs _____$/m, explain(r));
    assert.match(errors, /kaboom while importing/);
    assert.match(errors, /throws-on-import\.test\.mjs:5/, 'the import-time error points at its line');

    assert.match(r.stdout, /^2 collection errors$/m);
    assert.equal(lastLine(r.stdout), 'qa: 2 passed, 0 failed, 0 skipped');
  });

  test('options are checked where they are written: a misspelt key, a BigInt timeout, a mark that is not a string', async () => {
    const r = await runQa([], {
      cwd: project(null, {
        'typo.test.mjs': "import { test } from 'qa-lanes';\ntest('t', { timout: 500 }, () => {});\n",
        'bigint.test.mjs': "import { test } from 'qa-lanes';\ntest('b', { timeout: 10n }, () => {});\n",
        'marks.test.mjs': "import { describe, test } from 'qa-lanes';\ndescribe('s', { marks: 'smoke' }, () => { test('m', () => {}); });\n",
        'fine.test.mjs': "import { test } from 'qa-lanes';\ntest('fine', () => {});\n",
      }),
    });
    assertExit(r, 1);
    assert.match(r.stdout, /^ERROR collecting typo\.test\.mjs: test "t": unknown option "timout" \(options are marks, group, timeout, reruns\)$/m, explain(r));
    assert.match(r.stdout, /^ERROR collecting bigint\.test\.mjs: test "b": timeout must be a number of milliseconds, 0 for none; got 10n$/m, explain(r));
    assert.match(r.stdout, /^ERROR collecting marks\.test\.mjs: describe "s": marks must be an array of strings; got 'smoke'$/m, explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['fine.test.mjs::fine'], explain(r));
  });

  test('{ timeout: Infinity }, { timeout: 0 } and a timeout longer than a timer can wait mean no timeout, whatever --timeout says', async () => {
    const slow = (name: string, timeout: string) => `test('${name}', { timeout: ${timeout} }, () => new Promise((resolve) => setTimeout(resolve, 600)));\n`;
    const r = await runQa(['--timeout', '200'], {
      cwd: project(null, { 'unbounded.test.mjs': `import { test } from 'qa-lanes';\n${slow('infinite', 'Infinity')}${slow('zero', '0')}${slow('huge', '1e10')}` }),
    });
    assertExit(r, 0);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['unbounded.test.mjs::huge', 'unbounded.test.mjs::infinite', 'unbounded.test.mjs::zero'], explain(r));
  });

  test('a file that calls process.exit() while importing is a collection error naming it, not an internal error', async () => {
    const r = await runQa(['-n', '2'], { cwd: project('collection-crash') });
    assert.doesNotMatch(r.stderr, /internal error/, explain(r));
    assert.match(r.stdout, /ERROR collecting exits-at-import\.test\.mjs/, `the file is named as a collection error\n${explain(r)}`);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['also-good.test.mjs::also fine', 'good.test.mjs::fine'], explain(r));
    assertExit(r, 1);
  });

  test('a TypeScript syntax error gives a line:column and shows no qa-internal stack frames', async () => {
    const r = await runQa(['broken-syntax.test.ts', 'good.test.mjs'], { cwd: project('collection-errors') });
    assertExit(r, 1);
    const errors = section(r.stdout, 'COLLECTION ERRORS');
    assert.match(errors, /^_____ broken-syntax\.test\.ts _____$/m, explain(r));
    assert.match(errors, /\(\d+:\d+\)|:\d+:\d+/, `the error gives a position\n${errors}`);
    // Stack frames are filtered to user code: the transformer's own frames explain nothing.
    assert.doesNotMatch(errors, /ts-hooks\.js|register-ts\.js|\/dist\/[\w-]+\.js/, `qa-internal frames shown\n${errors}`);
  });

  test('.only runs only the focused test of that file; other files run normally', async () => {
    const r = await runQa(['-n', '2'], { cwd: project('only-skip') });
    assertExit(r, 0);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['focused.test.mjs::focused', 'plain.test.mjs::runs normally'], explain(r));
    assert.deepEqual(ids(r.stdout, 'FAILED'), [], explain(r));
    assert.ok(!r.stdout.includes('must not run'), explain(r));
  });

  test('.skip and .todo are reported as SKIPPED and TODO', async () => {
    const r = await runQa(['-n', '1'], { cwd: project('only-skip') });
    assertExit(r, 0);
    assert.deepEqual(ids(r.stdout, 'SKIPPED'), [
      'focused.test.mjs::a suite::also not focused',
      'focused.test.mjs::not focused',
      'plain.test.mjs::skipped suite::inside a skipped suite',
      'plain.test.mjs::skipped test',
    ], explain(r));
    assert.deepEqual(ids(r.stdout, 'TODO'), ['plain.test.mjs::write this test'], explain(r));
    assert.match(r.stdout, /^\[gw0\] SKIPPED plain\.test\.mjs::skipped test$/m);
    assert.match(r.stdout, /^\[gw0\] TODO plain\.test\.mjs::write this test$/m);
    assert.match(r.stdout, /\b1 todo\b/);
    assert.equal(lastLine(r.stdout), 'qa: 2 passed, 0 failed, 4 skipped');
  });

  test('TypeScript (.ts/.mts importing ./x.js helpers, types, enums, generics), .mjs and .js with "type": "module"', async () => {
    const r = await runQa(['-n', '2'], { cwd: project('languages') });
    assertExit(r, 0);
    assert.deepEqual(ids(r.stdout, 'PASSED'), [
      'esm.test.js::js file in a "type": "module" package',
      'modern.test.mts::mts file importing a ts helper',
      'plain.test.mjs::mjs file',
      'shapes.test.ts::shapes::area of a rectangle',
      'shapes.test.ts::shapes::enums and generic classes',
      'shapes.test.ts::shapes::largest shape',
    ], explain(r));
    assert.equal(section(r.stdout, 'COLLECTION ERRORS'), '', explain(r));
    assert.equal(lastLine(r.stdout), 'qa: 6 passed, 0 failed, 0 skipped');
  });

  test('a TypeScript config file (qa.config.ts with defineConfig and type annotations) is loaded', async () => {
    const cwd = project('selection', {
      'qa.config.ts': [
        "import { defineConfig } from 'qa-lanes';",
        "const smokeOnly: string = 'smoke and not slow';",
        'export default defineConfig({ mark: smokeOnly, workers: 1 });',
        '',
      ].join('\n'),
    });
    const r = await runQa([], { cwd });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], / · 1 worker · /, explain(r));
    assert.deepEqual(ids(r.stdout), ['api.test.ts::checkout::charges card', 'api.test.ts::login::accepts valid password'], explain(r));
    // -m on the command line replaces the config's mark expression.
    const cli = await runQa(['-m', 'slow'], { cwd });
    assertExit(cli, 0);
    assert.deepEqual(ids(cli.stdout), ['api.test.ts::login::rejects wrong password', 'ui.test.mjs::renders header'], explain(cli));
  });
});
