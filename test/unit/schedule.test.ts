import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildUnits, lptOrder, quickStartOrder, Scheduler, unitKey, type SchedulerOptions, type WorkItem } from '../../src/core/schedule.ts';
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

/**
 * Drives a Scheduler like the session does: each worker holds up to 2 chunks and pulls when one
 * finishes. `firstChunks`: what each worker was handed first; `firstResult`: when the first test ended.
 */
function simulate(
  durationsById: Map<string, number>,
  testsToRun: TestMeta[],
  workers: number,
  opts: Partial<SchedulerOptions> = {},
): { makespan: number; perWorker: number[]; firstChunks: string[][]; firstResult: number } {
  const sched = new Scheduler(buildUnits(testsToRun, { dist: 'load', count: 1, durations: durationsById }), { workers, ...opts });
  const clock = new Array(workers).fill(0);
  const queues: WorkItem[][][] = Array.from({ length: workers }, () => []);
  const firstChunks: string[][] = [];
  const held = (w: number) => queues[w].flat().reduce((sum, i) => sum + i.estimate, 0);
  const pull = (w: number) => {
    while (sched.wantsMore(queues[w].length, held(w))) {
      const chunk = sched.next(new Set());
      if (!chunk.length) break;
      queues[w].push(chunk);
    }
  };
  for (let w = 0; w < workers; w++) pull(w);
  for (let w = 0; w < workers; w++) firstChunks.push(queues[w][0]?.map((i) => i.test.id) ?? []);
  const firstResult = Math.min(...queues.map((q) => (q.length ? durationsById.get(q[0][0].test.id)! : Infinity)));
  for (;;) {
    // The worker whose current chunk ends first is the next to pull.
    const ends = queues.map((q, i) => (q.length ? clock[i] + q[0].reduce((sum, it) => sum + durationsById.get(it.test.id)!, 0) : Infinity));
    const w = ends.indexOf(Math.min(...ends));
    if (ends[w] === Infinity) break;
    queues[w].shift();
    clock[w] = ends[w];
    pull(w);
  }
  return { makespan: Math.max(...clock), perWorker: clock, firstChunks, firstResult };
}

/**
 * A deterministic pseudo-random suite: the first test of every `longEvery`-th file is long, the
 * rest short (ms ranges); `bound` is max(total / 4 workers, longest).
 */
function skewed(o: { seed: number; files: number; perFile: number; longEvery: number; long: [number, number]; short: [number, number] }) {
  let seed = o.seed;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const metas: TestMeta[] = [];
  const durations = new Map<string, number>();
  for (let f = 0; f < o.files; f++) {
    for (let t = 0; t < o.perFile; t++) {
      const id = `f${f}.test.ts::t${t}`;
      const [lo, hi] = f % o.longEvery === 0 && t === 0 ? o.long : o.short;
      metas.push(meta(id));
      durations.set(id, lo + rand() * (hi - lo));
    }
  }
  const total = [...durations.values()].reduce((a, b) => a + b, 0);
  return { metas, durations, bound: Math.max(total / 4, Math.max(...durations.values())) };
}

describe('Scheduler', () => {
  test('a skewed suite with known durations finishes within 10% of max(total/N, longest)', () => {
    // Like the benchmark's: a few 1-2 s tests among many 10-50 ms ones.
    const { metas, durations, bound } = skewed({ seed: 42, files: 40, perFile: 10, longEvery: 13, long: [1000, 2000], short: [10, 50] });
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
    for (let chunk = sched.next(new Set()); chunk.length; chunk = sched.next(new Set())) sizes.push(chunk.length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 400);
    assert.ok(sizes[0] > 10, `first chunk ${sizes[0]}`);
    assert.ok(sizes[0] <= 64, 'chunks are capped');
    assert.equal(sizes.at(-1), 1);
    assert.ok(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]), `sizes shrink: ${sizes.join(',')}`);
  });

  test('a worker gets units of a file it already imported, however far down the queue, and fills a chunk from that file', () => {
    // 100 equal tests of a.test.ts, then 100 of b.test.ts: the worker that imported b while
    // collecting starts on b, not on a (which it would have to import as well).
    const metas = [...Array.from({ length: 100 }, (_, i) => meta(`a.test.ts::${i}`)), ...Array.from({ length: 100 }, (_, i) => meta(`b.test.ts::${i}`))];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 2 });
    const forB = sched.next(new Set(['b.test.ts']));
    assert.ok(forB.length > 1, `a chunk: ${forB.length}`);
    assert.ok(forB.every((i) => i.test.file === 'b.test.ts'), forB.map((i) => i.test.id).join(', '));
    const forA = sched.next(new Set(['a.test.ts']));
    assert.ok(forA.every((i) => i.test.file === 'a.test.ts'), forA.map((i) => i.test.id).join(', '));
    // A worker that imported nothing takes from the head; so does one whose files are all handed out.
    assert.equal(sched.next(new Set())[0].test.file, 'a.test.ts');
  });

  test('prefers a unit from a file the worker already imported', () => {
    const metas = [meta('a.test.ts::1'), meta('b.test.ts::1'), meta('a.test.ts::2'), meta('b.test.ts::2')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 2, maxChunk: 1 });
    assert.equal(sched.next(new Set(['b.test.ts']))[0].test.id, 'b.test.ts::1');
    assert.equal(sched.next(new Set(['b.test.ts']))[0].test.id, 'b.test.ts::2');
    assert.equal(sched.next(new Set(['b.test.ts']))[0].test.id, 'a.test.ts::1');
  });

  test('affinity never lets a much shorter unit jump a long one', () => {
    const metas = [meta('a.test.ts::long'), meta('b.test.ts::short')];
    const durations = new Map([
      ['a.test.ts::long', 1000],
      ['b.test.ts::short', 10],
    ]);
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations }), { workers: 2, maxChunk: 1 });
    assert.equal(sched.next(new Set(['b.test.ts']))[0].test.id, 'a.test.ts::long');
  });

  test('pendingFor counts units of a file not yet handed out', () => {
    const metas = [meta('a.test.ts::1'), meta('a.test.ts::2'), meta('b.test.ts::1')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 1, maxChunk: 1 });
    assert.equal(sched.pendingFor('a.test.ts'), 2);
    sched.next(new Set());
    sched.next(new Set());
    sched.next(new Set());
    assert.equal(sched.pendingFor('a.test.ts'), 0);
    assert.equal(sched.remainingUnits, 0);
  });

  test('requeued items come out next; clear drops everything and counts it', () => {
    const metas = [meta('a.test.ts::1'), meta('a.test.ts::2'), meta('a.test.ts::3')];
    const sched = new Scheduler(buildUnits(metas, { dist: 'load', count: 1, durations: new Map() }), { workers: 1, maxChunk: 1 });
    const first = sched.next(new Set());
    sched.requeue(first);
    assert.equal(sched.pendingFor('a.test.ts'), 3);
    assert.deepEqual(sched.next(new Set()), first);
    assert.equal(sched.clear(), 2);
    assert.deepEqual(sched.next(new Set()), []);
  });
});

describe('watch runs: a quick first result', () => {
  const durations = new Map([
    ['api.test.ts::slow', 800],
    ['api.test.ts::medium', 300],
    ['api.test.ts::other', 250],
    ['unit.test.ts::a', 2],
    ['unit.test.ts::b', 1],
    ['unit.test.ts::c', 3],
    ['unit.test.ts::skipped', 0],
  ]);
  const metas = [...durations.keys()].map((id) => meta(id, id.endsWith('skipped') ? { mode: 'skip' } : {}));
  const units = () => buildUnits(metas, { dist: 'load', count: 1, durations });

  test('quickStartOrder puts the shortest known unit of each worker ahead of the LPT order', () => {
    const order = quickStartOrder(units(), 2);
    assert.deepEqual(
      order.map((u) => `${u.key}${u.lead ? ' (lead)' : ''}`),
      ['unit.test.ts::b (lead)', 'unit.test.ts::a (lead)', 'api.test.ts::slow', 'api.test.ts::medium', 'api.test.ts::other', 'unit.test.ts::c', 'unit.test.ts::skipped'],
    );
  });

  test('a new test leads before any known one; --ff units stay first; skipped-only units never lead', () => {
    const withNew = [...metas, meta('new.test.ts::just written')];
    const built = buildUnits(withNew, { dist: 'load', count: 1, durations, first: new Set(['api.test.ts::medium']) });
    const order = quickStartOrder(built, 2);
    assert.deepEqual(
      order.slice(0, 3).map((u) => u.key),
      ['api.test.ts::medium', 'new.test.ts::just written', 'unit.test.ts::b'],
    );
    assert.deepEqual(order.filter((u) => u.lead).map((u) => u.key), ['new.test.ts::just written', 'unit.test.ts::b']);
    const onlySkipped = quickStartOrder(buildUnits([meta('s.test.ts::x', { mode: 'skip' })], { dist: 'load', count: 1, durations }), 2);
    assert.equal(onlySkipped.filter((u) => u.lead).length, 0);
  });

  test('every worker opens with one short unit alone; the makespan stays within 10% of plain LPT', () => {
    const lpt = simulate(durations, metas, 2);
    const quick = simulate(durations, metas, 2, { quickStart: true });
    // Plain LPT opens with the slow API tests: the first result waits for the shorter of them.
    assert.ok(lpt.firstResult >= 250, `LPT's first result at ${lpt.firstResult} ms`);
    assert.deepEqual(quick.firstChunks, [['unit.test.ts::b'], ['unit.test.ts::a']]);
    assert.equal(quick.firstResult, 1);
    assert.ok(quick.makespan <= lpt.makespan * 1.1, `quick start makespan ${quick.makespan} ms vs LPT ${lpt.makespan} ms`);
  });

  test('on a skewed suite the makespan stays near the bound', () => {
    const { metas, durations, bound } = skewed({ seed: 7, files: 30, perFile: 8, longEvery: 11, long: [600, 1200], short: [5, 65] });
    const quick = simulate(durations, metas, 4, { quickStart: true });
    assert.ok(quick.makespan <= bound * 1.1, `makespan ${quick.makespan.toFixed(0)} ms > 1.1 × ${bound.toFixed(0)} ms`);
    assert.ok(quick.firstChunks.every((c) => c.length === 1), `first chunks: ${JSON.stringify(quick.firstChunks)}`);
    assert.ok(quick.firstResult <= 10, `first result at ${quick.firstResult.toFixed(1)} ms`);
  });

  test('a lead unit gives way only to another lead, of a file the worker already imported', () => {
    const d = new Map([
      ['api.test.ts::slow', 800],
      ['b.test.ts::short', 1],
      ['c.test.ts::short', 2],
    ]);
    const sched = new Scheduler(buildUnits([...d.keys()].map((id) => meta(id)), { dist: 'load', count: 1, durations: d }), { workers: 2, quickStart: true });
    // Plain affinity would let the slow test of an imported file jump the short head; not a lead.
    assert.deepEqual(sched.next(new Set(['api.test.ts', 'c.test.ts'])).map((i) => i.test.id), ['c.test.ts::short']);
    assert.equal(sched.wantsMore(1, 2), false, 'a worker holding work leaves the next lead to an idle one');
    assert.deepEqual(sched.next(new Set(['api.test.ts'])).map((i) => i.test.id), ['b.test.ts::short']);
    assert.equal(sched.wantsMore(1, 1), true, 'no lead left: prefetching as usual');
    assert.deepEqual(sched.next(new Set()).map((i) => i.test.id), ['api.test.ts::slow']);
  });
});
