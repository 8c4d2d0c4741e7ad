import { expect, test, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { firstLine } from '../src/files';

vi.mock('node:fs', () => ({ readFileSync: vi.fn(() => 'first\nsecond') }));

test('a node: built-in is mocked for the file and the modules it imports', () => {
  expect(firstLine('/nowhere')).toBe('first');
  expect(readFileSync).toHaveBeenCalledWith('/nowhere', 'utf8');
});
