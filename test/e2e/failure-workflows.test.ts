// pytest's failure workflows and the faults a test can inject, through the real binary.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, lastLine, project, results, runQa } from './helpers.ts';

const SUITE = {
  'a.test.mjs': `import { test } from 'qa-lanes';
test('ok1', () => {});
test('fail1', () => { throw new Error('fail1 broke'); });
test('ok2', () => {});
`,
  'b.test.mjs': `import { test } from 'qa-lanes';
test('fail2', () => { throw new Error('fail2 broke'); });
test('ok3', () => {});
`,
};

describe('failure workflows', { concurrency: true }, () => {
  test('--lf runs only last failures; when they pass, the next --lf runs everything with a note', async () => {
    const cwd = project(null, SUITE);
    assertExit(await runQa(['-n', '2'], { cwd }), 1);
    const lf = await runQa(['-n', '2', '--lf'], { cwd });
    assertExit(lf, 1);
    assert.deepEqual(ids(lf.stdout), ['a.test.mjs::fail1', 'b.test.mjs::fail2'], explain(lf));
    assert.match(lf.stdout, /3 deselected/);

    writeFileSync(join(cwd, 'a.test.mjs'), SUITE['a.test.mjs'].replace("throw new Error('fail1 broke');", ''));
    const fixedOne = await runQa(['-n', '2', '--lf'], { cwd });
    assert.deepEqual(ids(fixedOne.stdout, 'PASSED'), ['a.test.mjs::fail1'], explain(fixedOne));
    assert.deepEqual(ids(fixedOne.stdout, 'FAILED'), ['b.test.mjs::fail2']);

    writeFileSync(join(cwd, 'b.test.mjs'), SUITE['b.test.mjs'].replace("throw new Error('fail2 broke');", ''));
    assertExit(await runQa(['-n', '2', '--lf'], { cwd }), 0);
    const none = await runQa(['-n', '2', '--lf'], { cwd });
    assertExit(none, 0);
    assert.equal(ids(none.stdout).length, 5, explain(none));
    assert.match(none.stdout, /--lf: no failures recorded from earlier runs; running all selected tests/);
  });

  test('--ff runs last failures before everything else', async () => {
    const cwd = project(null, SUITE);
    await runQa(['-n', '1'], { cwd });
    const ff = await runQa(['-n', '1', '--ff'], { cwd });
    assertExit(ff, 1);
    assert.deepEqual(
      results(ff.stdout)
        .slice(0, 2)
        .map((r) => r.id)
        .sort(),
      ['a.test.mjs::fail1', 'b.test.mjs::fail2'],
      explain(ff),
    );
    assert.equal(results(ff.stdout).length, 5);
  });

  test('-x stops at the first failure: queued tests are dropped and counted as not run', async () => {
    const cwd = project(null, SUITE);
    const r = await runQa(['-n', '1', '-x', '--dist', 'loadfile', 'a.test.mjs', 'b.test.mjs'], { cwd });
    assertExit(r, 1);
    assert.equal(ids(r.stdout, 'FAILED').length, 1, explain(r));
    const ran = results(r.stdout).length;
    assert.ok(ran < 5, `stopped early: ${ran} ran`);
    assert.match(r.stdout, new RegExp(`stopped after 1 failure \\(-x\\); ${5 - ran} not run`));
  });

  test('--maxfail 2 stops after the second failure', async () => {
    const cwd = project(null, {
      'm.test.mjs': `import { test } from 'qa-lanes';\n${Array.from({ length: 10 }, (_, i) => `test('f${i}', () => { throw new Error('no'); });`).join('\n')}\n`,
    });
    const r = await runQa(['-n', '1', '--maxfail', '2'], { cwd });
    assertExit(r, 1);
    assert.equal(ids(r.stdout, 'FAILED').length, 2, explain(r));
    assert.match(r.stdout, /stopped after 2 failures \(--maxfail 2\); 8 not run/);
  });

  test('--reruns with --reruns-delay waits between attempts; --fail-on-flaky fails the run', async () => {
    const cwd = project(null, {
      'f.test.mjs': `import { test } from 'qa-lanes';
import { existsSync, writeFileSync } from 'node:fs';
test('second time lucky', ({ testInfo }) => {
  const mark = new URL('./tried-' + testInfo.iteration, import.meta.url);
  if (!existsSync(mark)) { writeFileSync(mark, String(Date.now())); throw new Error('first attempt fails'); }
});
`,
    });
    const r = await runQa(['-n', '1', '--reruns', '2', '--reruns-delay', '400'], { cwd });
    assertExit(r, 0);
    const firstAttempt = Number(readFileSync(join(cwd, 'tried-1'), 'utf8'));
    assert.ok(r.elapsedMs > 400, 'the retry waited for the delay');
    assert.ok(Date.now() - firstAttempt >= 400);
    assert.deepEqual(results(r.stdout).map((x) => x.status), ['RERUN', 'FLAKY'], explain(r));
    assert.match(r.stdout, /flaky rate 100%/);

    const strict = await runQa(['-n', '1', '--reruns', '2', '--fail-on-flaky', '--count', '2'], { cwd: project(null, {
      'f.test.mjs': readFileSync(join(cwd, 'f.test.mjs'), 'utf8'),
    }) });
    assertExit(strict, 1);
    assert.equal(results(strict.stdout).filter((x) => x.status === 'FLAKY').length, 2, explain(strict));
  });

  test('a per-test reruns option retries only that test', async () => {
    const cwd = project(null, {
      'r.test.mjs': `import { test } from 'qa-lanes';
let calls = 0;
test('retried', { reruns: 3 }, () => { if (++calls < 3) throw new Error('not yet ' + calls); });
test('not retried', () => { throw new Error('once'); });
`,
    });
    const r = await runQa(['-n', '1'], { cwd });
    assertExit(r, 1);
    assert.deepEqual(
      results(r.stdout).map((x) => `${x.status} ${x.id}`),
      ['RERUN r.test.mjs::retried', 'RERUN r.test.mjs::retried', 'FLAKY r.test.mjs::retried', 'FAILED r.test.mjs::not retried'],
      explain(r),
    );
  });
});

describe('faults a test can inject', { concurrency: true }, () => {
  test('a never-settling promise fails at its timeout and the worker is replaced before the next test', async () => {
    const cwd = project(null, {
      'h.test.mjs': `import { test } from 'qa-lanes';
globalThis.leaked = setInterval(() => {}, 1000);
test('hangs', { timeout: 300 }, () => new Promise(() => {}));
test('next', () => { if (process.env.QA_SEEN === '1') throw new Error('same process'); process.env.QA_SEEN = '1'; });
`,
    });
    const r = await runQa(['-n', '1'], { cwd });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['h.test.mjs::next'], explain(r));
    assert.match(r.stdout, /timed out after 300 ms/);
    assert.match(r.stdout, /gw0 2 tests \d+% \(restarted 1×\)/);
  });

  test('a worker killed by SIGKILL fails its test with the signal; the rest still run', async () => {
    const cwd = project(null, {
      'k.test.mjs': `import { test } from 'qa-lanes';
test('before', () => {});
test('killed', () => { process.kill(process.pid, 'SIGKILL'); });
test('after', () => {});
`,
    });
    const r = await runQa(['-n', '1'], { cwd });
    assertExit(r, 1);
    assert.match(r.stdout, /worker gw0 was killed by SIGKILL while running it/, explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['k.test.mjs::after', 'k.test.mjs::before']);
  });

  test('running out of memory is contained like any crash', async () => {
    const cwd = project(null, {
      'o.test.mjs': `import { test } from 'qa-lanes';
test('hog', () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length)); });
test('fine', () => {});
`,
    });
    const r = await runQa(['-n', '1'], { cwd, env: { NODE_OPTIONS: '--max-old-space-size=48' }, timeoutMs: 60_000 });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['o.test.mjs::hog'], explain(r));
    assert.match(r.stdout, /worker gw0 (was killed by SIG\w+|exited with code \d+) while running it/);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['o.test.mjs::fine']);
  });

  test('--max-worker-restart: a worker that keeps crashing stops the run with the results so far', async () => {
    const cwd = project(null, {
      'c.test.mjs': `import { test } from 'qa-lanes';\ntest('fine', () => {});\n${Array.from({ length: 6 }, (_, i) => `test('crash${i}', () => process.exit(9));`).join('\n')}\n`,
    });
    const r = await runQa(['-n', '1', '--max-worker-restart', '2', '--dist', 'loadfile'], { cwd });
    assertExit(r, 1);
    assert.match(r.stdout, /workers crashed 3 times \(--max-worker-restart 2\); stopping the run/, explain(r));
    assert.equal(ids(r.stdout, 'FAILED').length, 3);
    assert.match(r.stdout, /3 not run/);
  });

  test('an error thrown from a timer after its test ended is pinned on the test that started the timer, and fails the run', async () => {
    const cwd = project(null, {
      't.test.mjs': `import { test } from 'qa-lanes';
import { setTimeout as sleep } from 'node:timers/promises';
test('leaves a timer behind', () => { setTimeout(() => { throw new Error('late boom'); }, 50); });
test('waits', async () => { await sleep(300); });
`,
    });
    const r = await runQa(['-n', '1', '--dist', 'loadfile'], { cwd });
    assertExit(r, 1);
    assert.match(r.stdout, /\[gw0\] ERROR late boom \(from t\.test\.mjs::leaves a timer behind, after it had finished\)/, explain(r));
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['t.test.mjs::leaves a timer behind', 't.test.mjs::waits']);
  });

  test('50 MB written to stdout by one test is captured, truncated with a note, and memory stays bounded', async () => {
    const cwd = project(null, {
      'loud.test.mjs': `import { test } from 'qa-lanes';
test('loud', () => { const line = 'x'.repeat(1023) + '\\n'; for (let i = 0; i < 50 * 1024; i++) process.stdout.write(line); throw new Error('show me the output'); });
`,
    });
    const r = await runQa(['-n', '1'], { cwd, env: { NODE_OPTIONS: '--max-old-space-size=96' } });
    assertExit(r, 1);
    assert.match(r.stdout, /\[qa: output truncated, \d+ more characters not kept\]/, explain({ ...r, stdout: r.stdout.slice(-2000) }));
    assert.ok(r.stdout.length < 1024 * 1024, `the report stays small: ${r.stdout.length} characters`);
    assert.match(lastLine(r.stdout), /^qa: 0 passed, 1 failed/);
  });
});
