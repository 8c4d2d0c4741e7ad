import { expect, inject, test } from 'vitest';

test('another file sees the same provided value', () => {
  expect(inject('answer' as never)).toEqual({ value: 42 });
});
