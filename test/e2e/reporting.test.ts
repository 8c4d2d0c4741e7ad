// What a run prints: result lines, failures with diffs and captured output, the summary,
// non-Error throws, control characters, the .qa/durations.json cache.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExit, explain, failureBlock, ids, lastLine, project, QA_VERSION, results, runQa, section, summary } from './helpers.ts';

const PASSING_IDS = [
  'math.test.ts::arithmetic::adds',
  'math.test.ts::arithmetic::multiplies',
  'math.test.ts::async resolves',
  'strings.test.mjs::splits',
  'strings.test.mjs::upper-cases',
];

describe('reporting', { concurrency: true }, () => {
  test('a passing suite: exit 0, a [gwK] line per test, summary with speedup and per-worker utilization', async () => {
    const cwd = project('passing');
    const r = await runQa(['-n', '2'], { cwd });
    assertExit(r, 0);
    assert.equal(r.stderr, '', explain(r));

    const header = r.stdout.split('\n')[0];
    assert.equal(header, `qa ${QA_VERSION} · 2 workers · --dist load · 5 tests in 2 files`);

    const res = results(r.stdout);
    assert.deepEqual(res.map((x) => x.id).sort(), PASSING_IDS, explain(r));
    for (const x of res) {
      assert.equal(x.status, 'PASSED', x.line);
      assert.match(x.worker, /^gw[01]$/, x.line);
      assert.match(x.line, /^\[gw[01]\] PASSED \S.* \(\d+ ms\)$/, x.line);
    }
    // Every result line of the output was recognised: nothing else starts with [gw.
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('[gw')).length, 5, explain(r));

    assert.equal(lastLine(r.stdout), 'qa: 5 passed, 0 failed, 0 skipped');
    assert.equal(section(r.stdout, 'FAILURES'), '');
    assert.match(r.stdout, /^slowest:$/m);
    assert.match(r.stdout, /^ +\d+ ms {2}math\.test\.ts::async resolves \[gw[01]\]$/m, 'the slowest list names tests with their worker');

    const s = summary(r.stdout);
    assert.ok(s.speedup !== undefined && s.wallMs !== undefined && s.testTimeMs !== undefined, 'summary has wall · test time · speedup');
    assert.match(r.stdout, /^wall \d+(\.\d+)? m?s · test time \d+(\.\d+)? m?s · speedup \d+\.\d{2}×$/m);
    assert.ok(s.testTimeMs! >= 60, `two 30 ms tests ran, test time ${s.testTimeMs}`);
    assert.deepEqual([...s.workers.keys()], ['gw0', 'gw1']);
    assert.equal([...s.workers.values()].reduce((a, w) => a + w.tests, 0), 5, 'per-worker test counts add up');
    for (const [w, stats] of s.workers) {
      assert.ok(stats.utilization >= 0 && stats.utilization <= 100, `${w} utilization ${stats.utilization}%`);
      assert.equal(stats.tests, res.filter((x) => x.worker === w).length, `${w}'s count matches its result lines`);
    }
  });

  test('a failing test: exit 1, FAILED line, expect diff, its captured stdout; a passing test output stays hidden', async () => {
    const cwd = project('failing');
    const r = await runQa(['-n', '2'], { cwd });
    assertExit(r, 1);

    assert.deepEqual(ids(r.stdout, 'FAILED'), [
      'diff.test.ts::compares objects',
      'non-error.test.mjs::throws a string',
      'non-error.test.mjs::throws an object',
    ]);
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['diff.test.ts::passes noisily']);
    assert.equal(lastLine(r.stdout), 'qa: 1 passed, 3 failed, 0 skipped');

    const block = failureBlock(r.stdout, 'diff.test.ts::compares objects');
    assert.ok(block, `a FAILURES block for the test\n${explain(r)}`);
    assert.match(block, /^_____ diff\.test\.ts::compares objects \[gw[01]\] _____$/m);
    assert.match(block, /toEqual/);
    assert.match(block, /^- Expected/m);
    assert.match(block, /^\+ Received/m);
    assert.match(block, /^- +"lanes": 3,$/m, block);
    assert.match(block, /^\+ +"lanes": 2,$/m, block);
    assert.match(block, /^ +at .*diff\.test\.ts:11:\d+\)?$/m, `the stack points at the failing line of the test file\n${block}`);
    const captured = block.split('----- captured stdout -----')[1];
    assert.ok(captured !== undefined, `captured stdout shown under the failure\n${block}`);
    assert.match(captured, /debug: about to compare the configs/);

    assert.ok(!r.stdout.includes('NOISY OUTPUT OF A PASSING TEST'), 'output of a passing test is not shown');
  });

  test('a test that throws a non-Error value fails with a readable message', async () => {
    const cwd = project('failing');
    const r = await runQa(['non-error.test.mjs'], { cwd });
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['non-error.test.mjs::throws a string', 'non-error.test.mjs::throws an object']);
    assert.equal(lastLine(r.stdout), 'qa: 0 passed, 2 failed, 0 skipped');

    const str = failureBlock(r.stdout, 'non-error.test.mjs::throws a string');
    assert.match(str, /boom/, str);
    const obj = failureBlock(r.stdout, 'non-error.test.mjs::throws an object');
    assert.match(obj, /code:? ?1/, obj);
    for (const block of [str, obj]) {
      assert.doesNotMatch(block, /\[object Object\]|undefined|internal error/, block);
    }
    assert.doesNotMatch(r.stderr, /internal error/, explain(r));
  });

  test('control characters in test names and messages are printed escaped', async () => {
    const cwd = project('control-chars');
    const r = await runQa(['-n', '1'], { cwd });
    assertExit(r, 1);
    assert.ok(!r.stdout.includes('\u001b'), `no raw ESC byte in stdout\n${JSON.stringify(r.stdout)}`);
    assert.ok(!r.stdout.includes('\u0007'), 'no raw BEL byte in stdout');
    assert.ok(!r.stdout.includes('\r'), 'no raw carriage return in stdout');

    const res = results(r.stdout);
    assert.equal(res.length, 3, explain(r));
    // The newline inside the name did not split the result line.
    const bad = res.find((x) => x.id.startsWith('names.test.mjs::bad'));
    assert.ok(bad, explain(r));
    assert.equal(bad.status, 'PASSED');
    assert.match(bad.id, /^names\.test\.mjs::bad.+name.+\[31m$/);
    assert.equal(res.find((x) => x.id.includes('bell'))?.status, 'PASSED');
    const failing = res.find((x) => x.id.includes('with'));
    assert.equal(failing?.status, 'FAILED');
    const block = failureBlock(r.stdout, failing.id);
    assert.match(block, /message with .+\[31m an escape/, block);
    assert.match(block, /output with .+\[31mred/, block);
    assert.equal(lastLine(r.stdout), 'qa: 2 passed, 1 failed, 0 skipped');
  });

  test('qa list escapes control characters too', async () => {
    const cwd = project('control-chars');
    const r = await runQa(['list'], { cwd });
    assertExit(r, 0);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(r.stdout), `no raw control characters\n${JSON.stringify(r.stdout)}`);
    assert.equal(lastLine(r.stdout), '3 tests collected');
    const json = await runQa(['list', '--json'], { cwd });
    const parsed = JSON.parse(json.stdout) as { tests: Array<{ name: string }> };
    assert.ok(parsed.tests.some((t) => t.name === 'bad\nname\u001b[31m'), 'JSON keeps the real name');
  });

  test('durations are written to .qa/durations.json after a run', async () => {
    const cwd = project('passing');
    const r = await runQa(['-n', '2'], { cwd });
    assertExit(r, 0);
    const file = join(cwd, '.qa', 'durations.json');
    assert.ok(existsSync(file), '.qa/durations.json exists');
    const text = readFileSync(file, 'utf8');
    const parsed = JSON.parse(text) as unknown;
    // Whatever the envelope, every test id is recorded with a number of milliseconds.
    const flat = JSON.stringify(parsed);
    for (const id of PASSING_IDS) assert.ok(flat.includes(JSON.stringify(id)), `${id} recorded in ${text}`);
    const record = (parsed as { data?: Record<string, unknown> }).data ?? (parsed as Record<string, unknown>);
    for (const id of PASSING_IDS) assert.equal(typeof record[id], 'number', `${id}: ${text}`);
    assert.ok((record['math.test.ts::async resolves'] as number) >= 25, `a 30 ms test is recorded as ~30 ms: ${text}`);
  });

  test('a corrupt .qa/durations.json is reported in one line and the run still succeeds', async () => {
    const cwd = project('passing');
    mkdirSync(join(cwd, '.qa'));
    writeFileSync(join(cwd, '.qa', 'durations.json'), '{"format": 1, "data": {"oops":');
    const r = await runQa(['-n', '2'], { cwd });
    assertExit(r, 0);
    const mentions = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('durations.json'));
    assert.equal(mentions.length, 1, `exactly one line about the cache file\n${explain(r)}`);
    assert.match(mentions[0], /^qa: /);
    assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m, 'no stack trace');
    assert.doesNotMatch(r.stdout + r.stderr, /SyntaxError|Unexpected end of JSON/, 'no raw JSON parser error');
    assert.equal(lastLine(r.stdout), 'qa: 5 passed, 0 failed, 0 skipped');
    // The cache was rewritten with good data.
    const text = readFileSync(join(cwd, '.qa', 'durations.json'), 'utf8');
    assert.ok(text.includes('math.test.ts::arithmetic::adds'), text);
    JSON.parse(text);
  });
});
