import { expect, test, vi } from 'vitest';
import double, { add, Calculator, settings } from '../src/math';

vi.mock('../src/math');

test('without a factory every export is a mock, deeply', () => {
  expect(add(1, 2)).toBeUndefined();
  vi.mocked(add).mockReturnValue(7);
  expect(add(1, 2)).toBe(7);
  expect(vi.isMockFunction(double)).toBe(true);
  expect(settings.precision).toBe(2);
  expect(vi.isMockFunction(settings.nested.label)).toBe(true);
  expect(settings.nested.label()).toBeUndefined();
});

test('classes are mocked: methods are spies returning undefined', () => {
  const calc = new Calculator();
  expect(calc.plus(3)).toBeUndefined();
  expect(vi.mocked(Calculator.prototype.plus)).toHaveBeenCalledWith(3);
});
