import { expect, test, vi } from 'vitest';
import { report } from '../src/report';
import { add } from '../src/math';

// Hoisted above the imports: report.ts sees the mock too.
vi.mock('../src/math', () => ({
  add: vi.fn(() => 40),
  default: (n: number) => n,
  settings: { format: (n: number) => `#${n}` },
}));

test('a factory replaces the module for the test file and what it imports', () => {
  expect(report(1, 2)).toBe('#40 / 1');
  expect(add).toHaveBeenCalledWith(1, 2);
  expect(vi.isMockFunction(add)).toBe(true);
});
