import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { seen } from '../src/seen-by-setup';
import { add, count, items } from '../src/store';

const legacy = createRequire(import.meta.url)('../src/legacy.cjs');

test('ES module state is pristine, then changed', () => {
  expect(items).toEqual([]);
  expect(count).toBe(0);
  add('second');
  expect(count).toBe(1);
});

test('CommonJS module state is pristine, then changed', () => {
  expect(legacy.state.n).toBe(0);
  expect(legacy.bump()).toBe(1);
});

test('the setup file ran once, in this file\'s graph', () => {
  expect(seen).toEqual(['setup']);
});
