import { expect, test, vi } from 'vitest';
import { add, Calculator } from '../src/math';

const { fakeAdd } = vi.hoisted(() => ({ fakeAdd: vi.fn((a: number, b: number) => a * b) }));

vi.mock('../src/math', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/math')>();
  return { ...actual, add: fakeAdd };
});

test('importOriginal keeps the real exports next to the replaced one', () => {
  expect(add(3, 4)).toBe(12);
  expect(fakeAdd).toHaveBeenCalledTimes(1);
  expect(typeof Calculator).toBe('function');
});

test('vi.importActual gives the real module', async () => {
  const real = await vi.importActual<typeof import('../src/math')>('../src/math');
  expect(real.add(3, 4)).toBe(7);
});
