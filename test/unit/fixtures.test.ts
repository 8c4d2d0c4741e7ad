import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { destructuredNames, extendFixtures, FixtureScopeCache, provideFixtures, type ScopeCaches } from '../../src/runtime/fixtures.ts';

describe('destructuredNames', () => {
  test('reads destructured properties of the first parameter', () => {
    assert.deepEqual(destructuredNames(async ({ db, workerId }: any) => [db, workerId]), ['db', 'workerId']);
    assert.deepEqual(destructuredNames(function ({ a, b: renamed, c = 1 }: any) { return [a, renamed, c]; }), ['a', 'b', 'c']);
    assert.deepEqual(destructuredNames(({ a: { nested } }: any, use: unknown) => [nested, use]), ['a']);
  });

  test('no parameter means no fixtures', () => {
    assert.deepEqual(destructuredNames(() => 1), []);
    assert.deepEqual(destructuredNames(async () => 1), []);
  });

  test('a whole-context parameter or a rest element means every fixture', () => {
    assert.equal(destructuredNames((ctx: unknown) => ctx), null);
    assert.equal(destructuredNames(async (ctx: unknown) => ctx), null);
    assert.equal(destructuredNames(({ a, ...rest }: any) => [a, rest]), null);
  });

  test('comments inside the pattern do not confuse it', () => {
    assert.deepEqual(destructuredNames(({ /* the db */ db, // trailing
      port }: any) => [db, port]), ['db', 'port']);
  });
});

function caches(worker = new FixtureScopeCache(), file = new FixtureScopeCache()): ScopeCaches {
  return { test: new FixtureScopeCache(), file, worker };
}

describe('provideFixtures', () => {
  test('sets up dependencies first and tears down in reverse order, even when a later one fails', async () => {
    const log: string[] = [];
    const set = extendFixtures(new Map(), {
      a: async (_: unknown, use: (v: string) => Promise<void>) => {
        log.push('a up');
        await use('A');
        log.push('a down');
      },
      b: async ({ a }: { a: string }, use: (v: string) => Promise<void>) => {
        log.push('b up');
        await use(`${a}B`);
        log.push('b down');
        throw new Error('b teardown failed');
      },
    });
    const c = caches();
    const ctx = await provideFixtures(set, ['b'], c);
    assert.equal(ctx.b, 'AB');
    const errors = await c.test.teardown();
    assert.deepEqual(log, ['a up', 'b up', 'b down', 'a down']);
    assert.equal((errors[0] as Error).message, 'b teardown failed');
  });

  test('only what the test asks for is set up, plus auto fixtures', async () => {
    const made: string[] = [];
    const make = (name: string) => async (_: unknown, use: (v: string) => Promise<void>) => {
      made.push(name);
      await use(name);
    };
    const set = extendFixtures(new Map(), { x: make('x'), y: make('y'), z: [make('z'), { auto: true }] });
    await provideFixtures(set, ['x'], caches());
    assert.deepEqual(made.sort(), ['x', 'z']);
  });

  test('a worker fixture is set up once across tests and survives test teardown', async () => {
    let setups = 0;
    const set = extendFixtures(new Map(), {
      db: [async (_: unknown, use: (v: number) => Promise<void>) => use(++setups), { scope: 'worker' }],
    });
    const worker = new FixtureScopeCache();
    for (let i = 0; i < 3; i++) {
      const c = caches(worker);
      assert.equal((await provideFixtures(set, ['db'], c)).db, 1);
      await c.test.teardown();
    }
    assert.equal(setups, 1);
    await worker.teardown();
    const again = caches(worker);
    assert.equal((await provideFixtures(set, ['db'], again)).db, 2);
  });

  test('a wider scope cannot depend on a narrower one', async () => {
    const set = extendFixtures(new Map(), {
      perTest: 1,
      shared: [async ({ perTest }: { perTest: number }, use: (v: number) => Promise<void>) => use(perTest), { scope: 'worker' }],
    });
    await assert.rejects(provideFixtures(set, ['shared'], caches()), /worker-scoped fixture "shared" cannot use test-scoped fixture "perTest"/);
  });

  test('a fixture that never calls use() is an error, not a hang', async () => {
    const set = extendFixtures(new Map(), { broken: async () => undefined });
    await assert.rejects(provideFixtures(set, ['broken'], caches()), /fixture "broken" returned without calling use\(\)/);
  });

  test('a setup error reaches the test', async () => {
    const set = extendFixtures(new Map(), {
      bad: async () => {
        throw new Error('cannot connect');
      },
    });
    await assert.rejects(provideFixtures(set, ['bad'], caches()), /cannot connect/);
  });

  test('extend overrides by name without touching the parent set', async () => {
    const base = extendFixtures(new Map(), { v: 1 });
    const child = extendFixtures(base, { v: 2 });
    assert.equal((await provideFixtures(base, ['v'], caches())).v, 1);
    assert.equal((await provideFixtures(child, ['v'], caches())).v, 2);
  });

  test('scope must be one of test, file, worker', () => {
    assert.throws(() => extendFixtures(new Map(), { x: [1, { scope: 'session' as 'worker' }] }), /scope must be/);
  });
});

describe('watch sessions: fixtures of a module evaluated again', () => {
  test('a definition records the files of the code that made it; built-ins record none', () => {
    const set = extendFixtures(new Map(), { a: 1 });
    assert.deepEqual(set.get('a')!.definedBy, [fileURLToPath(import.meta.url)]);
    const builtins = extendFixtures(new Map(), { b: 2 }, []);
    assert.equal(builtins.get('b')!.definedBy, undefined);
  });

  test('teardownWhere tears down the matching instances, last set up first, and keeps the rest live', async () => {
    const events: string[] = [];
    const make = (name: string) => [
      async (_: unknown, use: (v: string) => Promise<void>) => {
        events.push(`up ${name}`);
        await use(name);
        events.push(`down ${name}`);
      },
      { scope: 'worker' },
    ];
    const set = extendFixtures(new Map(), { old1: make('old1'), kept: make('kept'), old2: make('old2') });
    const worker = new FixtureScopeCache();
    await provideFixtures(set, ['old1', 'kept', 'old2'], caches(worker));
    const errors = await worker.teardownWhere((def) => def.name.startsWith('old'));
    assert.deepEqual(errors, []);
    assert.deepEqual(events, ['up old1', 'up kept', 'up old2', 'down old2', 'down old1']);
    assert.ok(worker.get(set.get('kept')!), 'the other instance is still live');
    assert.equal(worker.get(set.get('old1')!), undefined);
    await worker.teardown();
    assert.deepEqual(events.slice(-1), ['down kept']);
  });
});
