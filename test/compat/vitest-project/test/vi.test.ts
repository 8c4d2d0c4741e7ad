import { afterEach, describe, expect, it, test, vi } from 'vitest';
import { later } from '../src/clock';

const calc = { double: (n: number) => n * 2 };

describe('spies', () => {
  it('records calls', () => {
    const fn = vi.fn((n: number) => n + 1);
    fn(1);
    fn(2);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(fn).toHaveBeenLastCalledWith(2);
    expect(fn.mock.results[0].value).toBe(2);
  });
  it('spies on a method', () => {
    const spy = vi.spyOn(calc, 'double').mockReturnValue(0);
    expect(calc.double(4)).toBe(0);
    expect(spy).toHaveBeenCalledOnce();
  });
  it('restoreMocks from the config restored the method', () => {
    expect(calc.double(4)).toBe(8);
  });
});

describe('fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('advances time', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    later(fn, 1000);
    vi.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
  });
  it('sets the system time', () => {
    vi.useFakeTimers({ now: new Date('2020-01-01T00:00:00Z') });
    expect(new Date().getUTCFullYear()).toBe(2020);
  });
  test('real timers are back', async () => {
    await new Promise((r) => setTimeout(r, 1));
    expect(vi.isFakeTimers()).toBe(false);
  });
});
