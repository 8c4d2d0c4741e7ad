// Dogfooding: qa runs the demo-suite it ships, from the repository root, as `npx qa` would.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, lastLine, REPO_ROOT, results, runQa } from './helpers.ts';

describe('the bundled demo-suite', () => {
  test('the default selection is green on 2 workers, with every worker used and a speedup shown', async () => {
    const r = await runQa(['-n', '2'], { cwd: REPO_ROOT });
    assertExit(r, 0);
    assert.match(lastLine(r.stdout), /^qa: \d+ passed, 0 failed, 1 skipped$/, explain(r));
    const passed = Number(/qa: (\d+) passed/.exec(lastLine(r.stdout))![1]);
    assert.ok(passed >= 100, `a realistic suite: ${passed} passed`);
    assert.deepEqual(new Set(results(r.stdout).map((l) => l.worker)), new Set(['gw0', 'gw1']));
    assert.match(r.stdout, /speedup \d+\.\d\d×/);
    // race and flaky tests are excluded by the config's default mark expression
    assert.equal(ids(r.stdout).filter((id) => id.includes('races/')).length, 1, 'only the fixed webhook test from races/ runs');
  });

  test('-m "smoke and not slow" picks the smoke tests only', async () => {
    const r = await runQa(['-m', 'smoke and not slow', '-n', '2'], { cwd: REPO_ROOT });
    assertExit(r, 0);
    const ran = ids(r.stdout, 'PASSED');
    assert.ok(ran.length >= 5 && ran.length < 20, `${ran.length} smoke tests`);
    const listed = await runQa(['list', '--json', '-m', 'smoke and not slow'], { cwd: REPO_ROOT });
    const { tests } = JSON.parse(listed.stdout) as { tests: Array<{ id: string; marks: string[] }> };
    assert.deepEqual(new Set(ran), new Set(tests.map((t) => t.id)));
    assert.ok(tests.every((t) => t.marks.includes('smoke') && !t.marks.includes('slow')));
  });

  test('--count exposes the shared-counter race while its isolated twin stays green', async () => {
    const r = await runQa(['-m', 'race', '--count', '30', '-n', '4'], { cwd: REPO_ROOT });
    assertExit(r, 1);
    const failed = ids(r.stdout, 'FAILED');
    assert.ok(failed.length > 0, explain(r));
    assert.ok(failed.every((id) => id.includes('shared counter')), `only the shared counter fails: ${failed.join(', ')}`);
    assert.equal(ids(r.stdout, 'PASSED').filter((id) => id.includes('isolated counter')).length, 30);
  });
});
