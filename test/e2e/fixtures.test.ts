// test.extend fixtures through the real runner: worker scope, teardown on failure, tmpPath,
// and errors thrown while tearing down.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, lastLine, project, runQa, tempDir } from './helpers.ts';

interface Event {
  kind: string;
  detail: string;
  pid: number;
}

/** Events per worker process, in the order each process logged them. */
function eventsByPid(dir: string): Map<number, Event[]> {
  const map = new Map<number, Event[]>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('events-'))) {
    const events = readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Event);
    map.set(events[0].pid, events);
  }
  return map;
}

describe('fixtures', { concurrency: true }, () => {
  const run = (async () => {
    const out = tempDir();
    const r = await runQa(['-n', '2'], { cwd: project('fixture-scopes'), env: { QA_E2E_OUT: out } });
    return { r, out, events: eventsByPid(out) };
  })();

  test('the run itself: only the deliberately failing test fails', async () => {
    const { r } = await run;
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'FAILED'), ['teardown.test.mjs::tracked and failing'], explain(r));
    assert.equal(lastLine(r.stdout), 'qa: 10 passed, 1 failed, 0 skipped');
  });

  test('a worker-scoped fixture is set up once per worker and torn down at the end', async () => {
    const { r, events } = await run;
    const all = [...events.values()].flat();
    const setups = all.filter((e) => e.kind === 'worker-setup');
    const users = new Set(all.filter((e) => e.kind === 'test-ran').map((e) => e.detail));
    assert.ok(users.size >= 1, `tests used the worker resource: ${JSON.stringify(all)}`);
    assert.deepEqual(setups.map((e) => e.detail).sort(), [...users].sort(), `exactly one set-up per worker that used it\n${explain(r)}`);
    assert.equal(all.filter((e) => e.kind === 'test-ran').length, 6);
    for (const [pid, list] of events) {
      const kinds = list.map((e) => e.kind);
      const setupAt = kinds.indexOf('worker-setup');
      if (setupAt < 0) continue;
      assert.equal(kinds.filter((k) => k === 'worker-setup').length, 1, `pid ${pid}: ${kinds}`);
      assert.equal(kinds.filter((k) => k === 'worker-teardown').length, 1, `pid ${pid} tore its worker fixture down once: ${kinds}`);
      // Torn down after every test of that worker, not between files.
      assert.equal(kinds.at(-1), 'worker-teardown', `pid ${pid}: teardown comes last: ${kinds}`);
      assert.ok(kinds.indexOf('test-ran') > setupAt, `pid ${pid}: set up before use: ${kinds}`);
    }
  });

  test('a test-scoped fixture is torn down even when its test fails', async () => {
    const { events } = await run;
    const all = [...events.values()].flat();
    for (const name of ['tracked and failing', 'tracked and passing']) {
      const mine = all.filter((e) => e.detail === name).map((e) => e.kind);
      assert.deepEqual(mine, ['test-setup', 'test-teardown'], `${name}: ${mine}`);
    }
  });

  test('tmpPath is an empty directory, different for every test', async () => {
    const { r, events } = await run;
    assert.deepEqual(
      ids(r.stdout, 'PASSED').filter((id) => id.startsWith('tmp-path.test.mjs::')),
      ['tmp-path.test.mjs::gets a fresh tmpPath 1', 'tmp-path.test.mjs::gets a fresh tmpPath 2', 'tmp-path.test.mjs::gets a fresh tmpPath 3'],
      `each test found its tmpPath empty\n${explain(r)}`,
    );
    const paths = [...events.values()].flat().filter((e) => e.kind === 'tmp-path').map((e) => e.detail);
    assert.equal(paths.length, 3);
    assert.equal(new Set(paths).size, 3, `unique per test: ${paths}`);
  });
});

describe('errors while tearing down', { concurrency: true }, () => {
  test('an afterAll hook that throws is reported before the summary and fails the run', async () => {
    const r = await runQa(['after-all.test.mjs'], { cwd: project('teardown-errors') });
    const at = r.stdout.indexOf('afterAll exploded');
    assert.ok(at >= 0, `the afterAll error is reported\n${explain(r)}`);
    assert.ok(at < r.stdout.lastIndexOf('\nqa: '), `reported before the final "qa:" line, not after it\n${explain(r)}`);
    assert.match(lastLine(r.stdout), /^qa: /, explain(r));
    assertExit(r, 1);
  });

  test('a worker fixture whose teardown throws is reported and fails the run', async () => {
    const r = await runQa(['worker-teardown.test.mjs'], { cwd: project('teardown-errors') });
    assert.deepEqual(ids(r.stdout, 'PASSED'), ['worker-teardown.test.mjs::uses a fixture whose teardown throws'], explain(r));
    const at = r.stdout.indexOf('worker fixture teardown exploded');
    assert.ok(at >= 0, `the teardown error is reported\n${explain(r)}`);
    assert.ok(at < r.stdout.lastIndexOf('\nqa: '), `reported before the final "qa:" line, not after it\n${explain(r)}`);
    assert.match(lastLine(r.stdout), /^qa: /, explain(r));
    assertExit(r, 1);
  });
});
