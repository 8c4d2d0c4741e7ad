// Choosing what runs: -m over marks, -k over names, paths, file::describe::test ids; and qa list.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, lastLine, project, runQa } from './helpers.ts';

const ALL = [
  'api.test.ts::checkout::applies coupon',
  'api.test.ts::checkout::charges card',
  'api.test.ts::login::accepts valid password',
  'api.test.ts::login::rejects wrong password',
  'ui.test.mjs::Login form::shows errors',
  'ui.test.mjs::renders footer',
  'ui.test.mjs::renders header',
];

describe('selection', { concurrency: true }, () => {
  const cwd = project('selection');

  /** Runs qa with `args` and asserts that exactly `expected` ran, all passing. */
  async function ran(args: string[], expected: string[]): Promise<string> {
    const r = await runQa(['-n', '2', ...args], { cwd });
    assertExit(r, 0);
    assert.deepEqual(ids(r.stdout), [...expected].sort(), `qa ${args.join(' ')}\n${explain(r)}`);
    assert.deepEqual(ids(r.stdout, 'PASSED'), [...expected].sort());
    assert.equal(lastLine(r.stdout), `qa: ${expected.length} passed, 0 failed, 0 skipped`);
    return r.stdout;
  }

  test('everything by default', async () => {
    await ran([], ALL);
  });

  test('-m "smoke and not slow" (describe marks are inherited)', async () => {
    const out = await ran(['-m', 'smoke and not slow'], ['api.test.ts::login::accepts valid password', 'api.test.ts::checkout::charges card']);
    assert.match(out, /\b5 deselected\b/);
  });

  test('-m "slow"', async () => {
    await ran(['-m', 'slow'], ['api.test.ts::login::rejects wrong password', 'ui.test.mjs::renders header']);
  });

  test('-m "not smoke"', async () => {
    await ran(['-m', 'not smoke'], ['api.test.ts::checkout::applies coupon', 'ui.test.mjs::renders footer', 'ui.test.mjs::Login form::shows errors']);
  });

  test('-k is a case-insensitive substring match over describe and test names', async () => {
    await ran(['-k', 'login'], [
      'api.test.ts::login::accepts valid password',
      'api.test.ts::login::rejects wrong password',
      'ui.test.mjs::Login form::shows errors',
    ]);
  });

  test('-k with and / not / or', async () => {
    await ran(['-k', 'login and not wrong'], ['api.test.ts::login::accepts valid password', 'ui.test.mjs::Login form::shows errors']);
    await ran(['-k', 'COUPON or Footer'], ['api.test.ts::checkout::applies coupon', 'ui.test.mjs::renders footer']);
  });

  test('-m and -k together', async () => {
    await ran(['-m', 'smoke', '-k', 'header or card'], ['api.test.ts::checkout::charges card', 'ui.test.mjs::renders header']);
  });

  test('a path argument runs only that file', async () => {
    await ran(['ui.test.mjs'], ['ui.test.mjs::renders header', 'ui.test.mjs::renders footer', 'ui.test.mjs::Login form::shows errors']);
  });

  test('a file::describe::test id runs exactly that test', async () => {
    await ran(['api.test.ts::checkout::charges card'], ['api.test.ts::checkout::charges card']);
  });

  test('a file::describe id runs that describe block', async () => {
    await ran(['api.test.ts::login'], ['api.test.ts::login::accepts valid password', 'api.test.ts::login::rejects wrong password']);
  });

  test('two ids from different files', async () => {
    await ran(['api.test.ts::checkout::applies coupon', 'ui.test.mjs::renders footer'], ['api.test.ts::checkout::applies coupon', 'ui.test.mjs::renders footer']);
  });

  test('an id plus -m narrows further', async () => {
    await ran(['api.test.ts::login', '-m', 'slow'], ['api.test.ts::login::rejects wrong password']);
  });
});

describe('qa list', { concurrency: true }, () => {
  const cwd = project('selection');

  test('prints every id with its marks', async () => {
    const r = await runQa(['list'], { cwd });
    assertExit(r, 0);
    const out = r.stdout.split('\n');
    assert.ok(out.includes('api.test.ts::login::rejects wrong password  [smoke, slow]'), explain(r));
    assert.ok(out.includes('api.test.ts::login::accepts valid password  [smoke]'), explain(r));
    assert.ok(out.includes('ui.test.mjs::renders header  [smoke, slow]'), explain(r));
    assert.ok(out.includes('ui.test.mjs::renders footer'), explain(r));
    for (const id of ALL) assert.ok(out.some((l) => l === id || l.startsWith(`${id}  `)), `${id} listed`);
    assert.equal(lastLine(r.stdout), '7 tests collected');
    assert.ok(!r.stdout.includes('PASSED'), 'list runs nothing');
  });

  test('--json parses and carries ids and marks', async () => {
    const r = await runQa(['list', '--json'], { cwd });
    assertExit(r, 0);
    const parsed = JSON.parse(r.stdout) as { tests: Array<{ id: string; marks: string[]; file: string; name: string }> };
    assert.deepEqual(parsed.tests.map((t) => t.id).sort(), ALL);
    const byId = new Map(parsed.tests.map((t) => [t.id, t]));
    assert.deepEqual([...byId.get('api.test.ts::login::rejects wrong password')!.marks].sort(), ['slow', 'smoke']);
    assert.deepEqual(byId.get('api.test.ts::checkout::applies coupon')!.marks, []);
    assert.equal(byId.get('ui.test.mjs::Login form::shows errors')!.file, 'ui.test.mjs');
    assert.equal(byId.get('ui.test.mjs::Login form::shows errors')!.name, 'shows errors');
  });

  test('list honours -m', async () => {
    const r = await runQa(['list', '-m', 'smoke and not slow', '--json'], { cwd });
    assertExit(r, 0);
    const parsed = JSON.parse(r.stdout) as { tests: Array<{ id: string }> };
    assert.deepEqual(parsed.tests.map((t) => t.id).sort(), ['api.test.ts::checkout::charges card', 'api.test.ts::login::accepts valid password']);
  });

  test('list reports collection errors and exits 1', async () => {
    const r = await runQa(['list'], { cwd: project('collection-errors') });
    assertExit(r, 1);
    assert.match(r.stdout, /^ERROR collecting broken-syntax\.test\.ts: /m, explain(r));
    assert.match(r.stdout, /^ERROR collecting throws-on-import\.test\.mjs: .*kaboom while importing/m, explain(r));
    assert.match(r.stdout, /^good\.test\.mjs::still runs$/m);
    assert.match(lastLine(r.stdout), /^2 tests collected, 2 collection errors$/);
  });
});
