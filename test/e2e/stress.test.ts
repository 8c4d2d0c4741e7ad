// `qa stress`: the race hunt through the real binary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExit, explain, project, results, runQa } from './helpers.ts';

const RACY = `import { test, expect } from 'qa-lanes';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
const shared = new URL('./busy.txt', import.meta.url);
// Holds one shared file for 30 ms: two copies running at once always see each other.
test('shared file', async ({ workerId }) => {
  const other = existsSync(shared) ? readFileSync(shared, 'utf8') : '';
  expect(other).toBe('');
  writeFileSync(shared, workerId);
  await sleep(30);
  rmSync(shared, { force: true });
});
test('isolated file', async ({ tmpPath, workerId }) => {
  const mine = tmpPath + '/busy.txt';
  expect(existsSync(mine)).toBe(false);
  writeFileSync(mine, workerId);
  await sleep(30);
  rmSync(mine);
});
`;

const ONE_BAD_ITERATION = `import { test } from 'qa-lanes';
test('fails on iteration 7 only', ({ testInfo }) => {
  if (testInfo.iteration === 7) throw new Error('boom at iteration ' + testInfo.iteration + ' on ' + testInfo.workerId);
});
test('always fine', () => {});
`;

describe('qa stress', { concurrency: true }, () => {
  test('copies run on several workers at once and expose a shared-state race; the isolated twin is 100% green', async () => {
    const cwd = project(null, { 'race.test.mjs': RACY });
    const r = await runQa(['stress', '--count', '20', '-n', '4', '--json', 'verdict.json'], { cwd });
    assertExit(r, 1);
    assert.match(r.stdout, /FAILING race\.test\.mjs::shared file\n {2}\d+ of 20 runs failed: [\d.]+% \(95% CI [\d.]+%–[\d.]+%\)/, explain(r));
    assert.match(r.stdout, /1 test never failed \(20 runs each\): race\.test\.mjs::isolated file/);
    assert.match(r.stdout, /× expect\(received\)\.toBe\(expected\).* at race\.test\.mjs:8 \(first at iteration \d+\)/);
    const { verdict } = JSON.parse(readFileSync(join(cwd, 'verdict.json'), 'utf8')) as {
      verdict: { failing: Array<{ id: string; runs: number; failures: number; ci95: [number, number]; failedOn: Record<string, number> }> };
    };
    const [racy] = verdict.failing;
    assert.equal(racy.id, 'race.test.mjs::shared file');
    assert.equal(racy.runs, 20);
    assert.ok(racy.failures > 0 && racy.ci95[0] <= racy.failures / 20 && racy.ci95[1] >= racy.failures / 20);
    // The copies were spread: results came from more than one worker.
    assert.ok(new Set(results(r.stdout).map((l) => l.worker)).size > 1);
  });

  test('a test that fails on exactly one iteration: the verdict says 1 of N, with its signature and first iteration', async () => {
    const cwd = project(null, { 'once.test.mjs': ONE_BAD_ITERATION });
    const r = await runQa(['stress', '--count', '12', '-n', '2'], { cwd });
    assertExit(r, 1);
    assert.match(r.stdout, /FAILING once\.test\.mjs::fails on iteration 7 only\n {2}1 of 12 runs failed: 8\.3% \(95% CI/, explain(r));
    assert.match(r.stdout, /1× boom at iteration 7 on gw\d .*\(first at iteration 7\)/);
    assert.match(r.stdout, /1 test never failed \(12 runs each\): once\.test\.mjs::always fine/);
    assert.match(r.stdout, /\[gw\d\] FAILED once\.test\.mjs::fails on iteration 7 only\[7\/12\]/);
  });

  test('--until-fail stops at the first failure and prints the command that reproduces it', async () => {
    const cwd = project(null, { 'once.test.mjs': ONE_BAD_ITERATION.replace("test('always fine', () => {});", '') });
    const r = await runQa(['stress', '--count', '200', '-n', '1', '--until-fail'], { cwd });
    assertExit(r, 1);
    assert.ok(results(r.stdout).length < 200, `stopped early after ${results(r.stdout).length} runs`);
    assert.match(r.stdout, /stopped after 1 failure/);
    assert.match(r.stdout, /reproduce the first failure:\n {2}npx qa (--ci )?stress -n 1 --count 7\n {2}\(it failed on iteration 7, on gw0\)/, explain(r));
  });

  test('--shuffle --seed S replays the same order; another seed gives another', async () => {
    const many = `import { test } from 'qa-lanes';\n${Array.from({ length: 12 }, (_, i) => `test('t${i}', () => {});`).join('\n')}\n`;
    const cwd = project(null, { 'order.test.mjs': many });
    const order = async (seed: string) => {
      const r = await runQa(['stress', '--count', '3', '-n', '1', '--shuffle', '--seed', seed], { cwd });
      assertExit(r, 0);
      assert.match(r.stdout, new RegExp(`shuffled, seed ${seed}\\b`));
      return results(r.stdout).map((l) => `${l.id}[${l.copy}]`);
    };
    const a = await order('42');
    const b = await order('42');
    const c = await order('43');
    assert.equal(a.length, 36);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('--serial-copies never runs two copies of one test at the same time', async () => {
    const cwd = project(null, { 'race.test.mjs': RACY });
    const r = await runQa(['stress', '--count', '6', '-n', '3', '--serial-copies', '-k', 'shared'], { cwd });
    assert.equal(new Set(results(r.stdout).map((l) => l.worker)).size, 1, 'all copies of the one test on one worker');
    assertExit(r, 0);
    assert.match(r.stdout, /1 test never failed \(6 runs each\)/, explain(r));
  });

  test('--duration keeps adding rounds until the time is up', async () => {
    const cwd = project(null, { 'd.test.mjs': `import { test } from 'qa-lanes';\ntest('quick', async () => { await new Promise((r) => setTimeout(r, 20)); });\n` });
    // Three seconds for rounds of about 50 ms: a second round starts even on a machine busy enough to slow the first one tenfold.
    const r = await runQa(['stress', '--duration', '3s', '--count', '5', '-n', '2'], { cwd });
    assertExit(r, 0);
    const runs = results(r.stdout).length;
    assert.ok(runs > 5, `more than one round of 5: ${runs}`);
    assert.ok(r.elapsedMs >= 3000, 'ran for the whole duration');
  });

  test('the flake history grows with every stress run and is shown', async () => {
    const cwd = project(null, { 'once.test.mjs': ONE_BAD_ITERATION });
    await runQa(['stress', '--count', '8', '-n', '2'], { cwd });
    const r = await runQa(['stress', '--count', '8', '-n', '2'], { cwd });
    assert.match(r.stdout, /history: 1\/8 \(earlier stress runs, oldest first\)/, explain(r));
    const flakes = JSON.parse(readFileSync(join(cwd, '.qa', 'flakes.json'), 'utf8')) as { data: Record<string, unknown[]> };
    assert.equal(flakes.data['once.test.mjs::fails on iteration 7 only'].length, 2);
  });
});
