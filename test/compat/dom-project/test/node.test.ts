/**
 * @vitest-environment node
 */
import { expect, test } from 'vitest';

test('a node file beside DOM files sees no DOM', () => {
  expect(typeof document).toBe('undefined');
  expect(typeof window).toBe('undefined');
  expect(typeof localStorage).toBe('undefined');
});
