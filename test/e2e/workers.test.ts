// Worker processes: ids and environment, how many start, real parallelism, and --dist modes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExit, explain, lastLine, project, results, runQa, summary, tempDir, workerOf } from './helpers.ts';

interface Seen {
  id: string;
  workerId: string;
  envWorkerId: string;
  envWorkerCount: string;
  pid: number;
}

function seen(dir: string): Seen[] {
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Seen);
}

describe('workers', { concurrency: true }, () => {
  test('-n 3: tests report gw0..gw2 and see QA_WORKER_ID = workerId, QA_WORKER_COUNT = 3', async () => {
    const cwd = project('workers');
    const out = tempDir();
    const r = await runQa(['-n', '3'], { cwd, env: { QA_E2E_OUT: out, QA_E2E_SPREAD: '3' } });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], / · 3 workers · /, explain(r));
    const res = results(r.stdout);
    assert.equal(res.length, 6, explain(r));
    assert.deepEqual([...new Set(res.map((x) => x.worker))].sort(), ['gw0', 'gw1', 'gw2'], `every worker ran something\n${explain(r)}`);
    assert.deepEqual([...summary(r.stdout).workers.keys()], ['gw0', 'gw1', 'gw2']);

    const records = seen(out);
    assert.equal(records.length, 6, `every test recorded what it saw: ${JSON.stringify(records)}`);
    const reported = workerOf(r.stdout);
    for (const rec of records) {
      assert.equal(rec.envWorkerId, rec.workerId, `${rec.id}: QA_WORKER_ID matches the workerId fixture`);
      assert.equal(rec.envWorkerCount, '3', `${rec.id}: QA_WORKER_COUNT`);
      assert.equal(reported.get(rec.id), rec.workerId, `${rec.id}: the [gwK] prefix names the worker it ran on`);
    }
    // One process per worker id.
    const pidsByWorker = new Map<string, Set<number>>();
    for (const rec of records) pidsByWorker.set(rec.workerId, (pidsByWorker.get(rec.workerId) ?? new Set()).add(rec.pid));
    for (const [w, pids] of pidsByWorker) assert.equal(pids.size, 1, `${w} is one process`);
    assert.equal(new Set(records.map((x) => x.pid)).size, 3, 'three distinct worker processes');
  });

  test('-n 8 with 4 tests in 2 files starts 4 workers: one per unit of work, never more', async () => {
    const cwd = project('workers');
    const out = tempDir();
    const r = await runQa(['-n', '8', 'w1.test.mjs', 'w2.test.mjs'], { cwd, env: { QA_E2E_OUT: out } });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], / · 4 workers · /, explain(r));
    for (const x of results(r.stdout)) assert.match(x.worker, /^gw[0-3]$/, x.line);
    const records = seen(out);
    assert.equal(records.length, 4);
    assert.ok(new Set(records.map((x) => x.pid)).size <= 4, 'at most four worker processes ran tests');
    for (const rec of records) assert.equal(rec.envWorkerCount, '4', `${rec.id}: QA_WORKER_COUNT is the number of workers running`);

    const files = await runQa(['-n', '8', '--dist', 'loadfile', 'w1.test.mjs', 'w2.test.mjs'], { cwd, env: { QA_E2E_OUT: tempDir() } });
    assert.match(files.stdout.split('\n')[0], / · 2 workers · /, explain(files));
  });

  test('fitted down while workers still start: the lanes kept are gw0..gwN-1, whichever booted first', async () => {
    // 8 files start 8 workers; -k leaves 2 tests, so the pool is fitted to 2 while some of the
    // 8 are still booting. The two kept must be gw0 and gw1, not the first two that came up.
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) {
      files[`f${i}.test.mjs`] = `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'qa-lanes';
test('t', ({ workerId }) => {
  writeFileSync(join(process.env.QA_E2E_OUT, 'f${i}.json'), JSON.stringify({ workerId, count: process.env.QA_WORKER_COUNT }));
});
`;
    }
    const out = tempDir();
    const r = await runQa(['-n', '8', '-k', 'f3 or f6'], { cwd: project(null, files), env: { QA_E2E_OUT: out } });
    assertExit(r, 0);
    const records = readdirSync(out).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as { workerId: string; count: string });
    assert.equal(records.length, 2, explain(r));
    for (const rec of records) {
      assert.match(rec.workerId, /^gw[01]$/, `a kept lane is named gw0 or gw1\n${explain(r)}`);
      assert.equal(rec.count, '2', 'QA_WORKER_COUNT is the fitted pool');
    }
    assert.ok([...summary(r.stdout).workers.keys()].every((w) => w === 'gw0' || w === 'gw1'), explain(r));
  });

  test('-x stops the run while workers still wait to boot: qa exits 1 and leaves no worker process behind', async () => {
    // Workers boot as many at a time as there are cores; on a machine with fewer than 8 (CI has 2)
    // the first failure ends the run while the rest of the 8 wait their turn, and those must never
    // start. Every qa process records its pid and role.
    const files: Record<string, string> = {
      'record-pid.cjs': "require('node:fs').appendFileSync(process.env.QA_E2E_PIDS, `${process.pid} ${process.argv.some((a) => a.endsWith('worker.js')) ? 'worker' : 'other'}\\n`);\n",
    };
    for (let i = 0; i < 8; i++) files[`f${i}.test.mjs`] = `import { test } from 'qa-lanes';\ntest('t${i}', () => { ${i === 0 ? "throw new Error('first');" : ''} });\n`;
    const cwd = project(null, files);
    const pids = join(tempDir(), 'pids');
    const r = await runQa(['-x', '-n', '8', 'f0.test.mjs', 'f1.test.mjs', 'f2.test.mjs', 'f3.test.mjs', 'f4.test.mjs', 'f5.test.mjs', 'f6.test.mjs', 'f7.test.mjs'], {
      cwd,
      env: { QA_E2E_PIDS: pids, NODE_OPTIONS: `--require ${join(cwd, 'record-pid.cjs')}` },
      timeoutMs: 20_000,
    });
    assertExit(r, 1);
    assert.match(r.stdout, /stopped after 1 failure/, explain(r));
    const workers = readFileSync(pids, 'utf8').trim().split('\n').filter((l) => l.endsWith(' worker')).map((l) => Number(l.split(' ')[0]));
    assert.ok(workers.length >= 1 && workers.length <= 8, `${workers.length} workers`);
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), `worker ${pid} is gone once qa has exited`);
  });

  test('never more workers than work units: one selected test, one worker', async () => {
    const cwd = project('workers');
    const out = tempDir();
    const r = await runQa(['-n', '3', 'w2.test.mjs::second'], { cwd, env: { QA_E2E_OUT: out } });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], / · 1 worker · /, explain(r));
    assert.deepEqual([...summary(r.stdout).workers.keys()], ['gw0'], explain(r));
    assert.equal(lastLine(r.stdout), 'qa: 1 passed, 0 failed, 0 skipped');
  });
});

describe('--dist', { concurrency: true }, () => {
  /** id → worker, after asserting a clean run of all 15 tests. */
  async function distRun(mode: string): Promise<Map<string, string>> {
    const r = await runQa(['-n', '2', '--dist', mode], { cwd: project('dist-modes') });
    assertExit(r, 0);
    assert.match(r.stdout.split('\n')[0], new RegExp(` · --dist ${mode} · 15 tests in 2 files`), explain(r));
    assert.equal(lastLine(r.stdout), 'qa: 15 passed, 0 failed, 0 skipped');
    const map = workerOf(r.stdout);
    assert.equal(map.size, 15, explain(r));
    return map;
  }

  function workersWhere(map: Map<string, string>, pick: (id: string) => boolean): string[] {
    return [...new Set([...map].filter(([id]) => pick(id)).map(([, w]) => w))].sort();
  }

  test('--dist loadfile: all tests of a file on one worker, the two files on different workers', async () => {
    const map = await distRun('loadfile');
    const a = workersWhere(map, (id) => id.startsWith('a.test.mjs::'));
    const b = workersWhere(map, (id) => id.startsWith('b.test.mjs::'));
    assert.equal(a.length, 1, `a.test.mjs ran on ${a}`);
    assert.equal(b.length, 1, `b.test.mjs ran on ${b}`);
    assert.notEqual(a[0], b[0], 'two files and two workers: each worker takes one file');
  });

  test('--dist loadgroup: tests sharing a group run on one worker, across files', async () => {
    const map = await distRun('loadgroup');
    const g = workersWhere(map, (id) => id.endsWith('::grouped'));
    assert.equal(g.length, 1, `group "g" ran on ${g}`);
  });

  test('--dist loadscope: each top-level describe stays on one worker, and the describes spread over both', async () => {
    const map = await distRun('loadscope');
    const used = new Set<string>();
    for (const scope of ['Scope A', 'Scope B', 'Scope C']) {
      const ws = workersWhere(map, (id) => id.startsWith(`a.test.mjs::${scope}::`));
      assert.equal(ws.length, 1, `${scope} ran on ${ws}`);
      used.add(ws[0]);
    }
    assert.equal(used.size, 2, 'b.test.mjs is tiny: its worker then takes a whole describe of a.test.mjs');
  });
});

// Timing-sensitive: runs on its own, after the concurrent groups above.
test('parallelism: 8 × 300 ms sleeps in 4 files with -n 4 take far less than 2.4 s', async () => {
  const r = await runQa(['-n', '4'], { cwd: project('parallel') });
  assertExit(r, 0);
  assert.equal(lastLine(r.stdout), 'qa: 8 passed, 0 failed, 0 skipped');
  const s = summary(r.stdout);
  assert.ok(s.testTimeMs! >= 2400, `test time is the sum of 8 × 300 ms: ${s.testTimeMs}`);
  assert.ok(s.wallMs! < 2400, `wall ${s.wallMs} ms must beat the 2.4 s a serial run needs\n${explain(r)}`);
  assert.ok(s.speedup! > 1.5, `speedup ${s.speedup}\n${explain(r)}`);
  assert.deepEqual([...s.workers.keys()], ['gw0', 'gw1', 'gw2', 'gw3']);
  for (const [w, stats] of s.workers) assert.ok(stats.tests >= 1, `${w} ran ${stats.tests} tests`);
});
