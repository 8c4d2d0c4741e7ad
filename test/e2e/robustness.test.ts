// Tests that misbehave: process.exit, infinite loops, promises that never settle, Ctrl-C,
// and the retry / repeat options.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { assertExit, explain, failureBlock, ids, lastLine, project, results, runQa, startQa } from './helpers.ts';

describe('robustness', { concurrency: true }, () => {
  test('a test calling process.exit(3) fails with "exited with code 3"; the other tests still run', async () => {
    // One worker, so the tests queued behind the crash must run on its replacement.
    const r = await runQa(['-n', '1'], { cwd: project('crash') });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['exits.test.mjs::calls process.exit'], explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['exits.test.mjs::after the exit', 'exits.test.mjs::before the exit', 'other.test.mjs::unaffected'], explain(r));
    const block = failureBlock(r.stdout, 'exits.test.mjs::calls process.exit');
    assert.match(block, /exited with code 3/, block);
    assert.equal(lastLine(r.stdout), 'qa: 3 passed, 1 failed, 0 skipped');
  });

  test('a synchronous infinite loop under --timeout 500 fails with "timed out after 500 ms"; a never-settling promise with { timeout: 300 } fails with "timed out after 300 ms"; the rest runs', async () => {
    const r = await runQa(['-n', '1', '--timeout', '500'], { cwd: project('timeouts'), timeoutMs: 20_000 });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['never.test.mjs::never resolves', 'spin.test.mjs::spins forever'], explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['never.test.mjs::after never', 'spin.test.mjs::after the spin'], explain(r));
    assert.match(failureBlock(r.stdout, 'spin.test.mjs::spins forever'), /timed out after 500 ms/, explain(r));
    assert.match(failureBlock(r.stdout, 'never.test.mjs::never resolves'), /timed out after 300 ms/, explain(r));
    assert.equal(lastLine(r.stdout), 'qa: 2 passed, 2 failed, 0 skipped');
    assert.ok(r.elapsedMs < 15_000, `timeouts are enforced promptly: ${r.elapsedMs} ms`);
  });

  test('an uncaught exception or unhandled rejection while a test runs is reported and fails the run', async () => {
    const r = await runQa(['-n', '1'], { cwd: project('stray-errors') });
    for (const msg of ['uncaught inside the test', 'unhandled rejection inside the test']) {
      const at = r.stdout.indexOf(msg);
      assert.ok(at >= 0 && at < r.stdout.lastIndexOf('\nqa: '), `"${msg}" reported before the final line\n${explain(r)}`);
    }
    assert.match(lastLine(r.stdout), /^qa: /, explain(r));
    // An error nobody caught must not leave CI green.
    assertExit(r, 1);
  });

  test('a thrown object whose message cannot be turned into text fails its test; the run goes on', async () => {
    const r = await runQa(['-n', '1'], {
      cwd: project(null, {
        'hostile.test.mjs':
          "import { test } from 'qa-lanes';\ntest('hostile', () => { throw { message: { toString() { throw new Error('no text'); } }, stack: '' }; });\ntest('after', () => {});\n",
      }),
      timeoutMs: 15_000,
    });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['hostile.test.mjs::hostile'], explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['hostile.test.mjs::after'], explain(r));
    assert.match(failureBlock(r.stdout, 'hostile.test.mjs::hostile'), /unprintable/, explain(r));
  });

  test('--reruns: a test that passes on its second attempt is RERUN then FLAKY, and the run passes', async () => {
    const cwd = project('flaky');
    const r = await runQa(['-n', '1', '--reruns', '1'], { cwd });
    assertExit(r, 0);
    const mine = results(r.stdout).filter((x) => x.id === 'flaky.test.mjs::fails on the first attempt only');
    assert.deepEqual(mine.map((x) => x.status), ['RERUN', 'FLAKY'], explain(r));
    assert.equal(mine[1].attempt, 2);
    assert.match(r.stdout, /flaky \(passed only after failing\):\n {2}flaky\.test\.mjs::fails on the first attempt only \[gw\d\] passed on attempt 2/);
    assert.match(r.stdout, /retries: 1 · retry rate \d+% · flaky rate \d+%/);
    assert.match(r.stdout, /\b1 flaky\b/);

    const without = await runQa(['-n', '1'], { cwd });
    assertExit(without, 1);
    assert.deepEqual(ids(without.stdout, 'FAILED'), ['flaky.test.mjs::fails on the first attempt only'], explain(without));
  });

  test('--count 3 runs a test three times, tagging the copies', async () => {
    const r = await runQa(['-n', '2', '--count', '3', 'flaky.test.mjs::counted'], { cwd: project('flaky') });
    assertExit(r, 0);
    const mine = results(r.stdout).filter((x) => x.id === 'flaky.test.mjs::counted');
    assert.equal(mine.length, 3, explain(r));
    assert.deepEqual(mine.map((x) => x.copy).sort(), ['1/3', '2/3', '3/3']);
    assert.equal(lastLine(r.stdout), 'qa: 3 passed, 0 failed, 0 skipped');
  });
});

test('Ctrl-C (SIGINT) stops the run: exit 2, unfinished tests counted as not run', async () => {
  const qa = startQa(['--ci', '-n', '1'], { cwd: project('interrupt'), timeoutMs: 20_000 });
  // Wait until the quick test is reported and a slow one is under way.
  for (let waited = 0; !qa.stdoutSoFar().includes('PASSED slow.test.mjs::quick'); waited += 50) {
    assert.ok(waited < 10_000, `qa never reported the quick test: ${qa.stdoutSoFar()}`);
    await sleep(50);
  }
  await sleep(300);
  const signalledAt = Date.now();
  qa.child.kill('SIGINT');
  const r = await qa.done;
  assertExit(r, 2);
  assert.ok(Date.now() - signalledAt < 5000, 'stops promptly, without waiting for the 10 s tests');
  assert.match(r.stderr, /interrupted/, explain(r));
  assert.match(r.stdout, /\b2 not run\b/, explain(r));
  assert.match(r.stdout, /\binterrupted\b/, explain(r));
  assert.deepEqual(ids(r.stdout, 'FAILED'), [], 'a test cut by Ctrl-C is not a failure');
  assert.equal(lastLine(r.stdout), 'qa: 1 passed, 0 failed, 0 skipped');
  assert.doesNotMatch(r.stdout, /starting a replacement/, `no replacement worker is started after Ctrl-C, so none should be announced\n${explain(r)}`);
});

test('Ctrl-C while test files are still being imported: those files are not collected, not broken', async () => {
  const cwd = project(null, {
    'a-fine.test.mjs': "import { test } from 'qa-lanes';\ntest('fine', () => {});\n",
    // Its import never ends by itself; the file it writes says the import has begun.
    'b-slow-import.test.mjs':
      "import { writeFileSync } from 'node:fs';\nimport { test } from 'qa-lanes';\nwriteFileSync('importing', '');\nawait new Promise((resolve) => setTimeout(resolve, 60_000));\ntest('never', () => {});\n",
  });
  const qa = startQa(['--ci', '-n', '1'], { cwd, timeoutMs: 20_000 });
  for (let waited = 0; !existsSync(join(cwd, 'importing')); waited += 50) {
    assert.ok(waited < 10_000, `the slow file was never imported: ${qa.stdoutSoFar()}`);
    await sleep(50);
  }
  qa.child.kill('SIGINT');
  const r = await qa.done;
  assertExit(r, 2);
  assert.doesNotMatch(r.stdout, /ERROR|collection error/, `an import cut by Ctrl-C is no collection error\n${explain(r)}`);
  assert.match(r.stdout, /interrupted \(Ctrl-C\); \d+ not run, 1 file not collected/, explain(r));
});

test('a reader that stops early (`qa | head -1`): no EPIPE trace, the run finishes with its exit code and report', async () => {
  const cwd = project(null, {
    'a.test.mjs': "import { test } from 'qa-lanes';\ntest('first', () => {});\n",
    // Results still to print after the reader has gone.
    'b.test.mjs':
      "import { test } from 'qa-lanes';\nconst pause = () => new Promise((resolve) => setTimeout(resolve, 300));\nfor (let i = 0; i < 20; i++) test(`later ${i}`, pause);\ntest('fails', () => { throw new Error('boom'); });\n",
  });
  const qa = startQa(['--ci', '-n', '1', '--junit', 'report.xml'], { cwd, timeoutMs: 20_000 });
  await new Promise((resolve) => qa.child.stdout!.once('data', resolve));
  qa.child.stdout!.destroy();
  const r = await qa.done;
  assert.doesNotMatch(r.stderr, /EPIPE|^\s+at /m, explain(r));
  assertExit(r, 1);
  assert.match(readFileSync(join(cwd, 'report.xml'), 'utf8'), /tests="22"/, 'the report has every test');
});
