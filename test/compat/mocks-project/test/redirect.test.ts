import { expect, test, vi } from 'vitest';
import { greet } from '../src/greet';
import { matches } from '../src/files';

vi.mock('../src/greet');
vi.mock('picomatch');

test('a __mocks__ file beside the module stands in for it', () => {
  expect(greet('ada')).toBe('mocked hello ada');
});

test('a root __mocks__ file stands in for a package', () => {
  expect(matches('*.ts', 'mocked:*.ts')).toBe(true);
  expect(matches('*.ts', 'a.ts')).toBe(false);
});
