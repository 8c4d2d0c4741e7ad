import { expect, test } from 'vitest';
import { TypedObserver } from '../src/observer';

test('a class field without an initializer does not shadow the inherited method (target ES2020)', () => {
  expect(new TypedObserver().subscribe()).toBe('base');
});
