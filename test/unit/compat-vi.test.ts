import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVi } from '../../src/compat/vi.js';
import { afterFile, beforeEachTest } from '../../src/compat/lifecycle.js';
import { UnsupportedApiError } from '../../src/compat/unsupported.js';

const configCalls: unknown[] = [];
const vi = createVi({
  setConfig: (c) => configCalls.push(c),
  resetConfig: () => configCalls.push('reset'),
});

const originalSetTimeout = globalThis.setTimeout;
const originalDate = globalThis.Date;

afterEach(() => {
  afterFile();
  vi.restoreAllMocks();
});

describe('vi spies', () => {
  it('records calls and arguments', () => {
    const f = vi.fn((a: number, b: number) => a + b);
    assert.equal(f(1, 2), 3);
    f(3, 4);
    assert.deepEqual(f.mock.calls, [[1, 2], [3, 4]]);
    assert.deepEqual(f.mock.results[0], { type: 'return', value: 3 });
    assert.ok(vi.isMockFunction(f));
    assert.ok(!vi.isMockFunction(() => 1));
  });

  it('mockReturnValue, mockImplementation, mockResolvedValue', async () => {
    const f = vi.fn<() => unknown>();
    f.mockReturnValue(7);
    assert.equal(f(), 7);
    f.mockImplementation(() => 'impl');
    assert.equal(f(), 'impl');
    f.mockResolvedValue('later');
    assert.equal(await f(), 'later');
  });

  it('spyOn a method and restoreAllMocks puts the original back', () => {
    const obj = { greet: (n: string) => `hi ${n}` };
    const original = obj.greet;
    const s = vi.spyOn(obj, 'greet').mockReturnValue('mocked');
    assert.equal(obj.greet('a'), 'mocked');
    assert.equal(s.mock.calls.length, 1);
    assert.equal(vi.restoreAllMocks(), vi);
    assert.equal(obj.greet, original);
    assert.equal(obj.greet('a'), 'hi a');
  });

  it('clearAllMocks forgets calls, resetAllMocks also drops implementations', () => {
    const f = vi.fn(() => 1);
    f.mockReturnValue(2);
    f();
    vi.clearAllMocks();
    assert.equal(f.mock.calls.length, 0);
    assert.equal(f(), 2);
    vi.resetAllMocks();
    assert.equal(f(), 1);
  });

  it('vi.mocked is the identity', () => {
    const f = () => 1;
    assert.equal(vi.mocked(f), f);
  });

  it('hoisted returns what the factory returns', () => {
    assert.deepEqual(vi.hoisted(() => ({ a: 1 })), { a: 1 });
  });

  it('setConfig and resetConfig go to the bridge', () => {
    configCalls.length = 0;
    vi.setConfig({ testTimeout: 123 });
    vi.resetConfig();
    assert.deepEqual(configCalls, [{ testTimeout: 123 }, 'reset']);
  });
});

describe('vi stubs', () => {
  it('stubGlobal replaces and unstubAllGlobals restores an existing global', () => {
    const g = globalThis as Record<string, unknown>;
    g.__qaExisting = 'orig';
    try {
      vi.stubGlobal('__qaExisting', 'first').stubGlobal('__qaExisting', 'second');
      assert.equal(g.__qaExisting, 'second');
      vi.unstubAllGlobals();
      assert.equal(g.__qaExisting, 'orig');
    } finally {
      delete g.__qaExisting;
    }
  });

  it('a global that did not exist is deleted again', () => {
    vi.stubGlobal('__qaNew', 1);
    assert.equal((globalThis as Record<string, unknown>).__qaNew, 1);
    vi.unstubAllGlobals();
    assert.ok(!('__qaNew' in globalThis));
  });

  it('stubEnv and unstubAllEnvs, including a var that was unset', () => {
    process.env.QA_SET = 'orig';
    delete process.env.QA_UNSET;
    try {
      vi.stubEnv('QA_SET', 'x').stubEnv('QA_UNSET', 'y');
      assert.equal(process.env.QA_SET, 'x');
      assert.equal(process.env.QA_UNSET, 'y');
      vi.stubEnv('QA_SET', undefined);
      assert.ok(!('QA_SET' in process.env));
      vi.unstubAllEnvs();
      assert.equal(process.env.QA_SET, 'orig');
      assert.ok(!('QA_UNSET' in process.env));
    } finally {
      delete process.env.QA_SET;
    }
  });

  it('boolean env names are stored as Vite does', () => {
    vi.stubEnv('SSR', true);
    assert.equal(process.env.SSR, '1');
    vi.stubEnv('SSR', false);
    assert.equal(process.env.SSR, '');
  });
});

describe('vi fake timers', () => {
  it('advanceTimersByTime fires only the callbacks that are due', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    setTimeout(() => fired.push('a'), 100);
    setTimeout(() => fired.push('b'), 200);
    vi.advanceTimersByTime(150);
    assert.deepEqual(fired, ['a']);
    vi.advanceTimersByTime(50);
    assert.deepEqual(fired, ['a', 'b']);
  });

  it('useFakeTimers returns vi and useRealTimers restores setTimeout and Date exactly', () => {
    assert.equal(vi.useFakeTimers(), vi);
    assert.ok(vi.isFakeTimers());
    assert.notEqual(globalThis.setTimeout, originalSetTimeout);
    vi.useRealTimers();
    assert.ok(!vi.isFakeTimers());
    assert.equal(globalThis.setTimeout, originalSetTimeout);
    assert.equal(globalThis.Date, originalDate);
  });

  it('installing twice does not leak the first clock', () => {
    vi.useFakeTimers();
    const first = globalThis.setTimeout;
    setTimeout(() => assert.fail('first clock timer must not survive'), 10);
    vi.useFakeTimers();
    assert.notEqual(globalThis.setTimeout, first);
    assert.equal(vi.getTimerCount(), 0);
    vi.useRealTimers();
    assert.equal(globalThis.setTimeout, originalSetTimeout);
  });

  it('fakes Date by default and setSystemTime moves Date.now', () => {
    vi.useFakeTimers();
    assert.notEqual(globalThis.Date, originalDate);
    vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
    assert.equal(Date.now(), Date.UTC(2020, 0, 1));
    assert.equal(vi.getMockedSystemTime()?.getTime(), Date.UTC(2020, 0, 1));
    assert.ok(vi.getRealSystemTime() > Date.UTC(2024, 0, 1));
    vi.advanceTimersByTime(1000);
    assert.equal(Date.now(), Date.UTC(2020, 0, 1) + 1000);
  });

  it('leaves nextTick and queueMicrotask real by default', () => {
    const nextTick = process.nextTick;
    const qm = globalThis.queueMicrotask;
    vi.useFakeTimers();
    assert.equal(process.nextTick, nextTick);
    assert.equal(globalThis.queueMicrotask, qm);
  });

  it('toFake limits what is faked', () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    assert.notEqual(globalThis.setTimeout, originalSetTimeout);
    assert.equal(globalThis.Date, originalDate);
  });

  it('now sets the starting time', () => {
    vi.useFakeTimers({ now: 5000 });
    assert.equal(Date.now(), 5000);
  });

  it('setSystemTime without fake timers freezes only Date, and useFakeTimers starts from it', () => {
    vi.setSystemTime(42_000);
    assert.equal(Date.now(), 42_000);
    assert.equal(globalThis.setTimeout, originalSetTimeout);
    assert.ok(!vi.isFakeTimers());
    vi.useFakeTimers();
    assert.equal(Date.now(), 42_000);
    vi.useRealTimers();
    assert.equal(globalThis.Date, originalDate);
  });

  it('setSystemTime with no time: the epoch under fake timers, the real present for Date alone', () => {
    vi.useFakeTimers({ now: 5000 });
    vi.setSystemTime();
    assert.equal(Date.now(), 0);
    vi.useRealTimers();
    vi.setSystemTime();
    assert.ok(Date.now() > Date.UTC(2024, 0, 1));
    assert.notEqual(globalThis.Date, originalDate);
    assert.throws(() => vi.setSystemTime('not a date'), TypeError);
  });

  it('runAllTimers with an interval hits the loop limit as fake-timers reports it', () => {
    vi.useFakeTimers({ loopLimit: 50 });
    setInterval(() => {}, 10);
    assert.throws(() => vi.runAllTimers(), /Aborting after running 50 timers, assuming an infinite loop!/);
  });

  it('runOnlyPendingTimers does not run timers scheduled while running', () => {
    vi.useFakeTimers();
    const fired: number[] = [];
    setTimeout(() => {
      fired.push(1);
      setTimeout(() => fired.push(2), 10);
    }, 10);
    vi.runOnlyPendingTimers();
    assert.deepEqual(fired, [1]);
    assert.equal(vi.getTimerCount(), 1);
    vi.runAllTimers();
    assert.deepEqual(fired, [1, 2]);
  });

  it('advanceTimersToNextTimer fires timers due at the same instant together', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    setTimeout(() => fired.push('a'), 50);
    setTimeout(() => fired.push('b'), 50);
    setTimeout(() => fired.push('c'), 100);
    vi.advanceTimersToNextTimer();
    assert.deepEqual(fired, ['a', 'b']);
  });

  it('async variants let promise callbacks run between timers', async () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    setTimeout(async () => {
      await Promise.resolve();
      fired.push('after await');
      setTimeout(() => fired.push('chained'), 10);
    }, 10);
    await vi.advanceTimersByTimeAsync(30);
    assert.deepEqual(fired, ['after await', 'chained']);
    setTimeout(() => fired.push('next'), 5);
    assert.equal(await vi.runAllTimersAsync(), vi);
    assert.deepEqual(fired, ['after await', 'chained', 'next']);
  });

  it('clearAllTimers drops pending timers', () => {
    vi.useFakeTimers();
    setTimeout(() => assert.fail('cleared'), 10);
    vi.clearAllTimers();
    assert.equal(vi.getTimerCount(), 0);
    vi.advanceTimersByTime(100);
  });

  it('runAllTicks flushes faked nextTick', () => {
    vi.useFakeTimers({ toFake: ['nextTick'] });
    let ran = false;
    process.nextTick(() => (ran = true));
    vi.runAllTicks();
    assert.ok(ran);
  });

  it('advancing without fake timers throws as Vitest does', () => {
    assert.throws(() => vi.advanceTimersByTime(1), /Call `vi.useFakeTimers\(\)` in the test file first/);
  });
});

describe('vi.waitFor / vi.waitUntil', () => {
  it('waitFor retries until the callback stops throwing, on real timers while fake ones are installed', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const value = await vi.waitFor(
      () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
        return 'ok';
      },
      { interval: 1, timeout: 5000 },
    );
    assert.equal(value, 'ok');
    assert.equal(attempts, 3);
  });

  it('waitFor advances a fake clock between attempts', async () => {
    vi.useFakeTimers();
    let done = false;
    setTimeout(() => (done = true), 200);
    await vi.waitFor(() => assert.ok(done), { interval: 100, timeout: 5000 });
  });

  it('waitFor rejects with the last error on timeout', async () => {
    await assert.rejects(
      vi.waitFor(() => {
        throw new Error('still failing');
      }, { interval: 1, timeout: 20 }),
      /still failing/,
    );
  });

  it('waitUntil resolves with the first truthy value and rejects at once on a throw', async () => {
    let n = 0;
    assert.equal(await vi.waitUntil(() => (++n >= 2 ? n : 0), { interval: 1, timeout: 5000 }), 2);
    await assert.rejects(vi.waitUntil(() => {
      throw new Error('boom');
    }), /boom/);
    await assert.rejects(vi.waitUntil(() => false, { interval: 1, timeout: 20 }), /Timed out in waitUntil!/);
  });
});

describe('unsupported vi APIs', () => {
  for (const api of ['dynamicImportSettled'] as const) {
    it(`vi.${api} throws UnsupportedApiError naming itself`, () => {
      assert.throws(
        () => (vi[api] as (...a: unknown[]) => unknown)('x'),
        (e: unknown) => e instanceof UnsupportedApiError && e.name === 'UnsupportedApiError' && e.message === `\`vi.${api}\` is not supported by qa yet`,
      );
    });
  }

  it('properties neither runner has stay undefined', () => {
    assert.equal((vi as Record<string, unknown>).notAThing, undefined);
  });
});

describe('beforeEachTest and afterFile', () => {
  it('clearMocks clears calls but keeps implementations', () => {
    const f = vi.fn(() => 1).mockReturnValue(2);
    f();
    beforeEachTest({ clearMocks: true });
    assert.equal(f.mock.calls.length, 0);
    assert.equal(f(), 2);
  });

  it('mockReset drops implementations', () => {
    const f = vi.fn(() => 1).mockReturnValue(2);
    beforeEachTest({ mockReset: true });
    assert.equal(f(), 1);
  });

  it('restoreMocks restores spied methods', () => {
    const obj = { m: () => 'real' };
    vi.spyOn(obj, 'm').mockReturnValue('fake');
    beforeEachTest({ restoreMocks: true });
    assert.equal(obj.m(), 'real');
  });

  it('unstubEnvs and unstubGlobals undo stubs; without them stubs stay', () => {
    delete process.env.QA_LIFE;
    vi.stubEnv('QA_LIFE', 'v').stubGlobal('__qaLife', 1);
    beforeEachTest({});
    assert.equal(process.env.QA_LIFE, 'v');
    beforeEachTest({ unstubEnvs: true });
    assert.ok(!('QA_LIFE' in process.env));
    assert.equal((globalThis as Record<string, unknown>).__qaLife, 1);
    beforeEachTest({ unstubGlobals: true });
    assert.ok(!('__qaLife' in globalThis));
  });

  it('afterFile puts real timers back and undoes stubs', () => {
    vi.useFakeTimers();
    vi.stubGlobal('__qaFile', 1);
    afterFile();
    assert.equal(globalThis.setTimeout, originalSetTimeout);
    assert.equal(globalThis.Date, originalDate);
    assert.ok(!('__qaFile' in globalThis));
  });
});
