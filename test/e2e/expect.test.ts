// expect() through the real runner. Passing checks of the common matchers are decided by qa
// without building Jest's expectation; these tests pin that this shortcut never changes an answer,
// a message or an assertion count.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertExit, explain, ids, project, runQa } from './helpers.ts';

const SUITE = `
import { test, expect } from 'qa-lanes';

test('passing matchers', () => {
  const o = { a: 1 };
  expect(1).toBe(1);
  expect(NaN).toBe(NaN);
  expect(o).toEqual(o);
  expect(o).toStrictEqual(o);
  expect({ a: 1 }).toEqual({ a: 1 });
  expect('x').toBeTruthy();
  expect(0).toBeFalsy();
  expect(null).toBeNull();
  expect(undefined).toBeUndefined();
  expect(1).toBeDefined();
  expect(1).not.toBe(2);
});

test('toBe fails with Jest message', () => {
  expect(1 + 1).toBe(3);
});

test('toEqual on -0 fails as in Jest', () => {
  expect(0).toEqual(-0);
});

test('a matcher given an argument it takes none of', () => {
  expect(true).toBeTruthy('why');
});

test('assertions counts fast passes', () => {
  expect.assertions(3);
  expect(1).toBe(1);
  expect(2).toEqual(2);
  expect(null).toBeNull();
});

test('hasAssertions with only fast passes', () => {
  expect.hasAssertions();
  expect(true).toBeTruthy();
});

test('extend replaces toBe', () => {
  expect.extend({
    toBe(received, expected) {
      return { pass: false, message: () => \`custom toBe always fails (\${received} vs \${expected})\` };
    },
  });
  expect(1).toBe(1);
});
`;

// Alone in its worker, so no earlier test has loaded Jest's expect yet.
const BEFORE_LOAD = `
import { test, expect } from 'qa-lanes';

test('assertions counts fast passes made before expect loaded', () => {
  expect(1).toBe(1);
  expect(2).toBe(2);
  expect.assertions(3);
});
`;

describe('expect', { concurrency: true }, () => {
  const run = runQa(['-n', '1'], { cwd: project(null, { 'expect.test.mjs': SUITE }) });
  const beforeLoad = runQa(['-n', '1'], { cwd: project(null, { 'early.test.mjs': BEFORE_LOAD }) });

  test('passes and failures are exactly those of Jest', async () => {
    const r = await run;
    assertExit(r, 1);
    assert.deepEqual(ids(r.stdout, 'PASSED').sort(), ['expect.test.mjs::assertions counts fast passes', 'expect.test.mjs::hasAssertions with only fast passes', 'expect.test.mjs::passing matchers'], explain(r));
    assert.deepEqual(
      ids(r.stdout, 'FAILED').sort(),
      [
        'expect.test.mjs::a matcher given an argument it takes none of',
        'expect.test.mjs::extend replaces toBe',
        'expect.test.mjs::toBe fails with Jest message',
        'expect.test.mjs::toEqual on -0 fails as in Jest',
      ],
      explain(r),
    );
  });

  test('failures carry the messages Jest words', async () => {
    const r = await run;
    assert.match(r.stdout, /expect\(received\)\.toBe\(expected\)[\s\S]*Expected: 3[\s\S]*Received: 2/, explain(r));
    assert.match(r.stdout, /expect\(received\)\.toEqual\(expected\)/, explain(r));
    assert.match(r.stdout, /Matcher error: this matcher must not have an expected argument/, explain(r));
    assert.match(r.stdout, /custom toBe always fails \(1 vs 1\)/, explain(r));
  });

  test('passes decided before Jest loaded still count for expect.assertions', async () => {
    const r = await beforeLoad;
    assertExit(r, 1);
    assert.match(r.stdout, /expected 3 assertions to be called but received 2 assertion calls/, explain(r));
  });
});
