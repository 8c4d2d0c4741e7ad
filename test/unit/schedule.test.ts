import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildUnits, lptOrder, Scheduler, unitKey, type WorkItem } from '../../src/core/schedule.ts';
import type { TestMeta } from '../../src/core/types.ts';

function meta(id: string, extra: Partial<TestMeta> = {}): TestMeta {
  const [file, ...rest] = id.split('::');
  return { id, file, suitePath: rest.slice(0, -1), name: rest.at(-1)!, marks: [], mode: 'run', ...extra };
}

const tests = [
  meta('a.test.ts::users::create'),
  meta('a.test.ts::users::delete'),
  meta('a.test.ts::orders::list'),
  meta('a.test.ts::top'),
  meta('b.test.ts::x', { group: 'db' }),
  meta('c.test.ts::y', { group: 'db' }),
  meta('c.test.ts::z'),
];

const keys = (dist: Parameters<typeof unitKey>[1]) => buildUnits(tests, { dist, count: 1, durations: new Map() }).map((u) => u.items.map((i) => i.test.id));

describe('units per --dist mode', () => {
  test('load: one unit per test', () => {
    assert.deepEqual(keys('load').map((u) => u.length), [1, 1, 1, 1, 1, 1, 1]);
  });

  test('loadfile: one unit per file', () => {
    assert.deepEqual(keys('loadfile'), [
      ['a.test.ts::users::create', 'a.test.ts::users::delete', 'a.test.ts::orders::list', 'a.test.ts::top'],
      ['b.test.ts::x'],
      ['c.test.ts::y', 'c.test.ts::z'],
    ]);
  });

  test('loadscope: one unit per top-level describe, else the file', () => {
    assert.deepEqual(keys('loadscope'), [
      ['a.test.ts::users::create', 'a.test.ts::users::delete'],
      ['a.test.ts::orders::list'],
      ['a.test.ts::top'],
      ['b.test.ts::x'],
      ['c.test.ts::y', 'c.test.ts::z'],
    ]);
  });

  test('loadgroup: a group across files is one unit, the rest spread like load', () => {
    const units = keys('loadgroup');
    assert.deepEqual(units.find((u) => u.includes('b.test.ts::x')), ['b.test.ts::x', 'c.test.ts::y']);
    assert.equal(units.length, 6);
  });

  test('--count makes one unit per copy, with iterations 1..N', () => {
    const units = buildUnits([meta('a.test.ts::t')], { dist: 'load', count: 3, durations: new Map() });
    assert.equal(units.length, 3);
    assert.deepEqual(units.map((u) => u.items[0].iteration), [1, 2, 3]);
    assert.equal(new Set(units.map((u) => u.key)).size, 3);
  });

  test('--count keeps every copy of a group (or file) in its one unit', () => {
    const grouped = buildUnits([meta('a.test.ts::g1', { group: 'db' }), meta('b.test.ts::g2', { group: 'db' }), meta('a.test.ts::free')], {
      dist: 'loadgroup',
      count: 2,
      durations: new Map(),
    });
    assert.deepEqual(
      grouped.map((u) => u.items.map((i) => `${i.test.id}#${i.iteration}`)),
      [['a.test.ts::g1#1', 'b.test.ts::g2#1', 'a.test.ts::g1#2', 'b.test.ts::g2#2'], ['a.test.ts::free#1'], ['a.test.ts::free#2']],
    );
    const files = buildUnits([meta('a.test.ts::1'), meta('a.test.ts::2')], { dist: 'loadfile', count: 3, durations: new Map() });
    assert.equal(files.length, 1);
    assert.equal(files[0].items.length, 6);
  });
});

describe('longest-known-first order', () => {
  test('new tests first, then by recorded duration, longest first', () => {
    const durations = new Map([
      ['a.test.ts::users::create', 5],
      ['a.test.ts::users::delete', 500],
      ['a.test.ts::orders::list', 50],
      ['a.test.ts::top', 1],
    ]);
    const order = lptOrder(buildUnits(tests.slice(0, 5), { dist: 'load', count: 1, durations })).map((u) => u.key);
    assert.deepEqual(order, ['b.test.ts::x', 'a.test.ts::users::delete', 'a.test.ts::orders::list', 'a.test.ts::users::create', 'a.test.ts::top']);
  });

  test('skipped tests add nothing to an estimate', () => {
    const [unit] = buildUnits([meta('a.test.ts::s', { mode: 'skip' })], { dist: 'load', count: 1, durations: new Map([['x', 100]]) });
    assert.equal(unit.estimate, 0);
    assert.equal(unit.unknown, false);
  });
});

/** Drives a Scheduler like the session does: each worker holds up to 2 chunks and pulls when one finishes. */
function simulate(durationsById: Map<string, number>, testsToRun: TestMeta[], workers: number): { makespan: number; perWorker: number[] } {
  const sched = new Scheduler(buildUnits(testsToRun, { dist: 'load', count: 1, durations: durationsById }), { workers });
  const clock = new Array(workers).fill(0);
  const queues: WorkItem[][][] = Array.from({ length: workers }, () => []);
  const held = (w: number) => queues[w].flat().reduce((sum, i) => sum + i.estimate, 0);
  const pull = (w: number) => {
    while (sched.wantsMore(queues[w].length, held(w))) {
      const chunk = sched.next(() => false);
      if (!chunk.length) break;
      queues[w].push(chunk);
    }
  };
  for (let w = 0; w < workers; w++) pull(w);
  for (;;) {
    // The worker whose current chunk ends first is the next to pull.
    const ends = queues.map((q, i) => (q.length ? clock[i] + q[0].reduce((sum, it) => sum + durationsById.get(it.test.id)!, 0) : Infinity));
    const w = ends.indexOf(Math.min(...ends));
    if (ends[w] === Infinity) break;
    queues[w].shift();
    clock[w] = ends[w];
    pull(w);
  }
  return { makespan: Math.max(...clock), perWorker: clock };
}

describe('Scheduler', () => {
  test('a skewed suite with known durations finishes within 10% of max(total/N, longest)', () => {
    // Deterministic pseudo-random suite like the benchmark's: a few 1-2 s tests among many 10-50 ms ones.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const metas: TestMeta[] = [];
    const durations = new Map<string, number>();
    for (let f = 0; f < 40; f++) {
      for (let t = 0; t < 10; t++) {
        const id = `f${f}.test.ts::t${t}`;
        metas.push(meta(id));
        durations.set(id, f % 13 === 0 && t === 0 ? 1000 + rand() * 1000 : 10 + rand() * 40);
      }
    }
    const total = [...durations.values()].reduce((a, b) => a + b, 0);
    const longest = Math.max(...durations.values());
    const bound = Math.max(total / 4, longest);
    const { makespan } = simulate(durations, metas, 4);
    assert.ok(makespan <= bound * 1.1, `makespan ${makespan.toFixed(0)} ms > 1.1 × ${bound.toFixed(0)} ms`);
  });

  test('a long test goes first and nothing is prefetched behind it', () => {
    const metas = [...Array.from({ length: 40 }, (_, i) => meta(`s.test.ts::short${i}`)), meta('z.test.ts::long')];
    const durations = new Map(metas.map((m) => [m.id, m.id.endsWith('long') ? 400 : 10]));
    const known = simulate(durations, metas, 4).makespan;
    assert.equal(known, 400, 'the long test runs alone on one worker while the others share the short ones');
  });

  test('chunks are large while much work is left and single units at the tail', () => {
    const metas = Array.from({ length: 400 }, (_, i) => meta(`a.test.ts::t${i}`));
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 2 });
    const sizes: number[] = [];
    for (let chunk = sched.next(() => false); chunk.length; chunk = sched.next(() => false)) sizes.push(chunk.length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 400);
    assert.ok(sizes[0] > 10, `first chunk ${sizes[0]}`);
    assert.ok(sizes[0] <= 64, 'chunks are capped');
    assert.equal(sizes.at(-1), 1);
    assert.ok(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]), `sizes shrink: ${sizes.join(',')}`);
  });

  test('prefers a unit from a file the worker already imported, within the window', () => {
    const metas = [meta('a.test.ts::1'), meta('b.test.ts::1'), meta('a.test.ts::2'), meta('b.test.ts::2')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 2, maxChunk: 1 });
    assert.equal(sched.next((f) => f === 'b.test.ts')[0].test.id, 'b.test.ts::1');
    assert.equal(sched.next((f) => f === 'b.test.ts')[0].test.id, 'b.test.ts::2');
    assert.equal(sched.next((f) => f === 'b.test.ts')[0].test.id, 'a.test.ts::1');
  });

  test('affinity never lets a much shorter unit jump a long one', () => {
    const metas = [meta('a.test.ts::long'), meta('b.test.ts::short')];
    const durations = new Map([
      ['a.test.ts::long', 1000],
      ['b.test.ts::short', 10],
    ]);
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations }), { workers: 2, maxChunk: 1 });
    assert.equal(sched.next((f) => f === 'b.test.ts')[0].test.id, 'a.test.ts::long');
  });

  test('pendingFor counts units of a file not yet handed out', () => {
    const metas = [meta('a.test.ts::1'), meta('a.test.ts::2'), meta('b.test.ts::1')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 1, maxChunk: 1 });
    assert.equal(sched.pendingFor('a.test.ts'), 2);
    sched.next(() => false);
    sched.next(() => false);
    sched.next(() => false);
    assert.equal(sched.pendingFor('a.test.ts'), 0);
    assert.equal(sched.remainingUnits, 0);
  });

  test('requeued items come out next; clear drops everything and counts it', () => {
    const metas = [meta('a.test.ts::1'), meta('a.test.ts::2'), meta('a.test.ts::3')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 1, maxChunk: 1 });
    const first = sched.next(() => false);
    sched.requeue(first);
    assert.equal(sched.pendingFor('a.test.ts'), 3);
    assert.deepEqual(sched.next(() => false), first);
    assert.equal(sched.clear(), 2);
    assert.deepEqual(sched.next(() => false), []);
  });
});
