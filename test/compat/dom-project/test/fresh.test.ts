import { expect, test } from 'vitest';

test('every jsdom file starts from an empty document', () => {
  expect(document.body.children).toHaveLength(0);
  expect(localStorage.getItem('k')).toBeNull();
});
