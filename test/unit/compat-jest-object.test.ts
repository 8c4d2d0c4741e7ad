import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createJestObject } from '../../src/compat/jest-object.js';
import { createVi } from '../../src/compat/vi.js';
import { afterFile, beforeEachTest } from '../../src/compat/lifecycle.js';
import { UnsupportedApiError } from '../../src/compat/unsupported.js';

const configCalls: unknown[] = [];
const bridge = { setConfig: (c: unknown) => configCalls.push(c), resetConfig: () => configCalls.push('reset') };
const jest = createJestObject(bridge);

const originalSetTimeout = globalThis.setTimeout;
const originalNextTick = process.nextTick;
const originalDate = globalThis.Date;

afterEach(() => {
  afterFile();
  jest.restoreAllMocks();
});

describe('jest mocks', () => {
  it('fn records calls and supports return values and implementations', async () => {
    const f = jest.fn((x: number) => x * 2);
    assert.equal(f(2), 4);
    assert.deepEqual(f.mock.calls, [[2]]);
    f.mockReturnValueOnce(9);
    assert.equal(f(1), 9);
    f.mockImplementation(() => 0);
    assert.equal(f(5), 0);
    const g = jest.fn<() => Promise<string>>().mockResolvedValue('r');
    assert.equal(await g(), 'r');
    assert.ok(jest.isMockFunction(f));
    assert.ok(!jest.isMockFunction(() => 1));
  });

  it('spyOn and restoreAllMocks restore the method', () => {
    const obj = { m: () => 'real' };
    const original = obj.m;
    jest.spyOn(obj, 'm').mockReturnValue('fake');
    assert.equal(obj.m(), 'fake');
    assert.equal(jest.restoreAllMocks(), jest);
    assert.equal(obj.m, original);
  });

  it('replaceProperty swaps a value until restored', () => {
    const obj = { v: 1 };
    jest.replaceProperty(obj, 'v', 2);
    assert.equal(obj.v, 2);
    jest.restoreAllMocks();
    assert.equal(obj.v, 1);
  });

  it('mocked is the identity', () => {
    const f = () => 1;
    assert.equal(jest.mocked(f), f);
  });

  it('setTimeout(ms) sets the test timeout through the bridge', () => {
    configCalls.length = 0;
    assert.equal(jest.setTimeout(2500), jest);
    assert.deepEqual(configCalls, [{ testTimeout: 2500 }]);
  });
});

describe('jest fake timers', () => {
  it('fakes nextTick too by default, and doNotFake keeps it real', () => {
    jest.useFakeTimers();
    assert.notEqual(process.nextTick, originalNextTick);
    jest.useFakeTimers({ doNotFake: ['nextTick'] });
    assert.equal(process.nextTick, originalNextTick);
    assert.notEqual(globalThis.setTimeout, originalSetTimeout);
  });

  it('useRealTimers restores the exact originals', () => {
    assert.equal(jest.useFakeTimers(), jest);
    jest.useRealTimers();
    assert.equal(globalThis.setTimeout, originalSetTimeout);
    assert.equal(process.nextTick, originalNextTick);
    assert.equal(globalThis.Date, originalDate);
  });

  it('advanceTimersByTime, now and setSystemTime', () => {
    jest.useFakeTimers({ now: 1000 });
    const fired: number[] = [];
    setTimeout(() => fired.push(Date.now()), 50);
    jest.advanceTimersByTime(49);
    assert.deepEqual(fired, []);
    jest.advanceTimersByTime(1);
    assert.deepEqual(fired, [1050]);
    assert.equal(jest.now(), 1050);
    jest.setSystemTime(new Date(Date.UTC(2021, 5, 1)));
    assert.equal(Date.now(), Date.UTC(2021, 5, 1));
    assert.ok(jest.getRealSystemTime() > Date.UTC(2024, 0, 1));
  });

  it('timerLimit bounds runAllTimers with an interval', () => {
    jest.useFakeTimers({ timerLimit: 30 });
    setInterval(() => {}, 5);
    assert.throws(() => jest.runAllTimers(), /Aborting after running 30 timers, assuming an infinite loop!/);
  });

  it('runOnlyPendingTimers, getTimerCount, clearAllTimers', () => {
    jest.useFakeTimers();
    const fired: number[] = [];
    setTimeout(() => {
      fired.push(1);
      setTimeout(() => fired.push(2), 1);
    }, 1);
    jest.runOnlyPendingTimers();
    assert.deepEqual(fired, [1]);
    assert.equal(jest.getTimerCount(), 1);
    jest.clearAllTimers();
    assert.equal(jest.getTimerCount(), 0);
  });

  it('advanceTimersToNextTimer steps through timers', () => {
    jest.useFakeTimers();
    const fired: string[] = [];
    setTimeout(() => fired.push('a'), 10);
    setTimeout(() => fired.push('b'), 20);
    jest.advanceTimersToNextTimer();
    assert.deepEqual(fired, ['a']);
    jest.advanceTimersToNextTimer();
    assert.deepEqual(fired, ['a', 'b']);
  });

  it('runAllTicks flushes faked nextTick callbacks', () => {
    jest.useFakeTimers();
    let ran = false;
    process.nextTick(() => (ran = true));
    assert.ok(!ran);
    jest.runAllTicks();
    assert.ok(ran);
  });

  it('async variants', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const fired: string[] = [];
    setTimeout(async () => {
      await Promise.resolve();
      setTimeout(() => fired.push('chained'), 5);
    }, 5);
    await jest.advanceTimersByTimeAsync(20);
    assert.deepEqual(fired, ['chained']);
    setTimeout(() => fired.push('x'), 1);
    await jest.runAllTimersAsync();
    assert.deepEqual(fired, ['chained', 'x']);
  });

  it('advancing without fake timers warns and does nothing, as Jest does', () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...a: unknown[]) => warnings.push(a);
    try {
      jest.advanceTimersByTime(10);
      assert.equal(jest.getTimerCount(), 0);
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 2);
  });

  it('vi and jest share one clock, so switching never stacks installs', () => {
    const vi = createVi(bridge);
    vi.useFakeTimers();
    jest.useFakeTimers();
    assert.ok(vi.isFakeTimers());
    vi.useRealTimers();
    assert.equal(globalThis.setTimeout, originalSetTimeout);
    assert.equal(process.nextTick, originalNextTick);
  });

  it('legacyFakeTimers is refused clearly', () => {
    assert.throws(() => jest.useFakeTimers({ legacyFakeTimers: true }), (e: unknown) => e instanceof UnsupportedApiError && /legacy fake timers are not supported/.test(e.message));
    assert.equal(globalThis.setTimeout, originalSetTimeout);
  });

  it('runAllImmediates is legacy-only, as in Jest 30', () => {
    assert.throws(() => jest.runAllImmediates(), /only available when using legacy fake timers/);
  });
});

describe('unsupported jest APIs', () => {
  for (const api of ['retryTimes'] as const) {
    it(`jest.${api} throws UnsupportedApiError naming itself`, () => {
      assert.throws(
        () => (jest[api] as (...a: unknown[]) => unknown)('x'),
        (e: unknown) => e instanceof UnsupportedApiError && e.name === 'UnsupportedApiError' && e.message === `\`jest.${api}\` is not supported by qa yet`,
      );
    });
  }

  it('properties Jest lacks stay undefined', () => {
    assert.equal((jest as Record<string, unknown>).notAThing, undefined);
  });
});

describe('beforeEachTest reaches jest mocks too', () => {
  it('clearMocks, mockReset, restoreMocks', () => {
    const f = jest.fn(() => 1).mockReturnValue(2);
    f();
    beforeEachTest({ clearMocks: true });
    assert.equal(f.mock.calls.length, 0);
    assert.equal(f(), 2);
    beforeEachTest({ mockReset: true });
    assert.equal(f(), undefined);
    const obj = { m: () => 'real' };
    jest.spyOn(obj, 'm').mockReturnValue('fake');
    beforeEachTest({ restoreMocks: true });
    assert.equal(obj.m(), 'real');
  });
});
