import { assert, expect, test } from 'vitest';
// `gone` is no longer exported: Vite's module runner gives undefined, and so does qa.
import { gone, kept } from '../src/legacy.js';
import missingDefault from '../src/legacy.js';

test('a named import the module does not export is undefined', () => {
  expect(kept).toBe(1);
  expect(gone).toBeUndefined();
  expect(missingDefault).toBeUndefined();
});

test("chai's assert comes from 'vitest' too", () => {
  assert.equal(kept, 1);
  assert.isUndefined(gone);
});
