import { expect, test, vi } from 'vitest';

test('vi.doMock applies to imports that come after it, and vi.doUnmock lifts it', async () => {
  const before = await import('../src/greet');
  expect(before.greet('x')).toBe('hello x');
  vi.doMock('../src/greet', () => ({ greet: () => 'doMocked' }));
  const during = await import('../src/greet');
  expect(during.greet('x')).toBe('doMocked');
  vi.doUnmock('../src/greet');
  vi.resetModules();
  const after = await import('../src/greet');
  expect(after.greet('x')).toBe('hello x');
});

test('vi.importMock gives an automocked copy and registers nothing', async () => {
  const auto = await vi.importMock<typeof import('../src/math')>('../src/math');
  expect(auto.add(3, 4)).toBeUndefined();
  expect(vi.isMockFunction(auto.add)).toBe(true);
  const real = await import('../src/math');
  expect(real.add(3, 4)).toBe(7);
});
