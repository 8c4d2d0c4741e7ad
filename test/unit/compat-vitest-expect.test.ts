import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fn } from '@vitest/spy';
import { assertType, beginTest, endTest, expect, expectTypeOf } from '../../src/compat/vitest-expect.js';
import { UnsupportedApiError } from '../../src/compat/unsupported.js';

const root = new URL('../../', import.meta.url);

function failure(run: () => unknown): Error & Record<string, unknown> {
  try {
    run();
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  assert.fail('expected the assertion to fail');
}

/** Runs `body` as one test between beginTest and endTest; returns endTest's verdict. */
async function inTest(body: () => unknown, name = 'a test'): Promise<Error | undefined> {
  beginTest(name);
  try {
    await body();
  } catch (e) {
    return endTest(e);
  }
  return endTest();
}

test('failures carry the message prefix and actual/expected/showDiff for the diff', () => {
  const e = failure(() => expect({ a: 1 }, 'the config').toEqual({ a: 2 }));
  assert.equal(e.name, 'AssertionError');
  assert.match(e.message, /^the config: expected \{ a: 1 \} to deeply equal \{ a: 2 \}/);
  assert.deepEqual(e.actual, { a: 1 });
  assert.deepEqual(e.expected, { a: 2 });
  assert.equal(e.showDiff, true);
});

test('chai style and Vitest-only matchers', () => {
  expect(1).to.equal(1);
  expect(3).to.be.greaterThanOrEqual(3);
  expect(4).toSatisfy((n: number) => n % 2 === 0);
  expect(2).toBeOneOf([1, 2]);
  expect({ n: 2 }).toEqual({ n: expect.toBeOneOf([2, 3]) });
  assert.match(failure(() => expect(3).toSatisfy((n: number) => n % 2 === 0, 'even')).message, /Expected value to satisfy:\neven/);
  expect(new Set([1, 2])).toHaveLength(2);
});

test('toEqual and toStrictEqual differ on undefined properties, sparseness and classes', () => {
  class Point { constructor(public x: number) {} }
  expect({ a: 1, b: undefined }).toEqual({ a: 1 });
  failure(() => expect({ a: 1, b: undefined }).toStrictEqual({ a: 1 }));
  expect([, 1]).toEqual([undefined, 1]);
  failure(() => expect([, 1]).toStrictEqual([undefined, 1]));
  expect(new Point(1)).toEqual({ x: 1 });
  failure(() => expect(new Point(1)).toStrictEqual({ x: 1 }));
  expect({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 2 } });
});

test('asymmetric matchers and their .not variants', () => {
  expect({ id: 7, name: 'ann', tags: ['x', 'y'], at: 0.1 + 0.2, when: new Date() }).toEqual({
    id: expect.any(Number),
    name: expect.stringMatching(/^a/),
    tags: expect.arrayContaining(['y']),
    at: expect.closeTo(0.3, 5),
    when: expect.anything(),
  });
  expect({ a: 1, b: 2 }).toEqual(expect.objectContaining({ a: 1 }));
  expect('hello').toEqual(expect.stringContaining('ell'));
  expect(['a']).toEqual(expect.not.arrayContaining(['b']));
  expect({ a: 1 }).toEqual(expect.not.objectContaining({ a: 2 }));
  expect('abc').toEqual(expect.not.stringMatching(/z/));
});

test('spy matchers on @vitest/spy functions', () => {
  const f = fn();
  f(1, 'a');
  expect(f).toHaveBeenCalledWith(1, 'a');
  expect(f).toHaveBeenCalledExactlyOnceWith(1, 'a');
  f(2);
  const e = failure(() => expect(f).toHaveBeenCalledExactlyOnceWith(1, 'a'));
  assert.match(e.message, /expected "vi.fn\(\)" to be called once with arguments: \[ 1, 'a' \]/);
});

test('toHaveLastResolvedWith, .resolves and .rejects', async () => {
  const f = fn(async (n: number) => n * 10);
  await f(1);
  await f(2);
  expect(f).toHaveLastResolvedWith(20);
  await expect(Promise.resolve(5)).resolves.toBe(5);
  await expect(Promise.reject(new Error('no'))).rejects.toThrow('no');
  await assert.rejects(expect(Promise.resolve(1)).rejects.toBe(1), /promise resolved "1" instead of rejecting/);
  await assert.rejects(expect(Promise.reject(new Error('x'))).resolves.toBe(1), /promise rejected "Error: x" instead of resolving/);
});

test('toThrow variants', () => {
  const boom = () => { throw new TypeError('boom 42'); };
  expect(boom).toThrow();
  expect(boom).toThrow('boom');
  expect(boom).toThrow(/\d+/);
  expect(boom).toThrow(TypeError);
  expect(boom).toThrowError(expect.objectContaining({ message: 'boom 42' }));
  expect(() => {}).not.toThrow();
  expect(boom).to.throw('boom');
});

test('expect.extend: custom matchers see equals, utils and isNot, and become asymmetric matchers', () => {
  expect.extend({
    toBeWithin(received: number, lo: number, hi: number) {
      const pass = received >= lo && received <= hi && this.equals(1, 1);
      return { pass, message: () => `expected ${this.utils.stringify(received)}${this.isNot ? ' not' : ''} to be within ${lo}..${hi}` };
    },
  });
  const x = expect(5) as unknown as { toBeWithin(a: number, b: number): void; not: { toBeWithin(a: number, b: number): void } };
  x.toBeWithin(1, 9);
  assert.equal(failure(() => x.not.toBeWithin(1, 9)).message, 'expected 5 not to be within 1..9');
  expect({ n: 3 }).toEqual({ n: (expect as unknown as { toBeWithin(a: number, b: number): unknown }).toBeWithin(1, 4) });
});

test('expect.unreachable and snapshot matchers', () => {
  assert.equal(failure(() => expect.unreachable('here')).message, 'expected "here" not to be reached');
  assert.equal(failure(() => expect.unreachable()).message, 'expected not to be reached');
  for (const call of [
    () => expect(1).toMatchSnapshot(),
    () => expect(1).toMatchInlineSnapshot(),
    () => expect(() => {}).toThrowErrorMatchingSnapshot(),
    () => expect(() => {}).toThrowErrorMatchingInlineSnapshot(),
    () => expect(1).toMatchFileSnapshot('x.txt'),
  ]) {
    const e = failure(call);
    assert.ok(e instanceof UnsupportedApiError);
    assert.equal(e.name, 'UnsupportedApiError');
    assert.match(e.message, /^`to\w+Snapshot\(\)` is not supported by qa yet: snapshots come in a later release$/);
  }
});

test('assertion counts and the test name are per test', async () => {
  beginTest('suite > first');
  assert.equal(expect.getState().currentTestName, 'suite > first');
  expect.assertions(2);
  expect(1).toBe(1);
  assert.equal(endTest()?.message, 'expected number of assertions to be 2, but got 1');

  beginTest('suite > second');
  assert.equal(expect.getState().currentTestName, 'suite > second');
  assert.equal(expect.getState().assertionCalls, 0);
  assert.equal(endTest(), undefined);

  assert.equal((await inTest(() => expect.hasAssertions()))?.message, 'expected any number of assertion, but got none');
  assert.equal(await inTest(() => { expect.hasAssertions(); expect(1).toBe(1); }), undefined);
  // Vitest counts expect() calls, so a failed assertion caught by the test still counts.
  assert.equal(await inTest(() => { expect.assertions(1); try { expect(1).toBe(2); } catch { /* counted */ } }), undefined);
});

test('custom matchers read the test name through this.currentTestName', async () => {
  let seen: unknown;
  expect.extend({ toSeeName(this: { currentTestName?: string }) { seen = this.currentTestName; return { pass: true, message: () => '' }; } });
  await inTest(() => (expect(1) as unknown as { toSeeName(): void }).toSeeName(), 'outer > inner');
  assert.equal(seen, 'outer > inner');
});

test('expect.soft lets the test go on and fails it at the end with every soft failure', async () => {
  let reachedEnd = false;
  const err = await inTest(async () => {
    expect.soft(1).toBe(2);
    await expect.soft(Promise.resolve(3)).resolves.toBe(4);
    expect.soft(5).toBe(5);
    reachedEnd = true;
  });
  assert.ok(reachedEnd);
  assert.ok(err instanceof AggregateError);
  assert.deepEqual(err.errors.map((e: Error) => e.message), ['expected 1 to be 2 // Object.is equality', 'expected 3 to be 4 // Object.is equality']);
  assert.equal(err.errors[0].expected, '2');
  assert.equal(typeof err.errors[0].diff, 'string');

  const single = await inTest(() => expect.soft('a').toBe('b'));
  assert.equal(single?.message, "expected 'a' to be 'b' // Object.is equality");

  // A thrown error follows the soft failures; the assertion count is not checked then.
  const both = await inTest(() => { expect.assertions(5); expect.soft(1).toBe(2); throw new Error('body'); });
  assert.deepEqual((both as AggregateError).errors.map((e: Error) => e.message), ['expected 1 to be 2 // Object.is equality', 'body']);

  assert.throws(() => expect.soft(1).toBe(1), /expect.soft\(\) can only be used inside a test/);
});

test('expect.poll retries until the matcher passes, even under fake timers', async () => {
  const realSetTimeout = globalThis.setTimeout;
  const err = await inTest(async () => {
    let calls = 0;
    // A fake setTimeout that never fires: poll must not depend on it.
    globalThis.setTimeout = (() => 0) as unknown as typeof setTimeout;
    try {
      await expect.poll(() => ++calls, { interval: 1, timeout: 5000 }).toBe(3);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.equal(calls, 3);
  });
  assert.equal(err, undefined);
});

test('expect.poll fails with the last error, caused by the timeout', async () => {
  const err = await inTest(() => expect.poll(() => 1, { interval: 5, timeout: 20 }).toBe(2));
  assert.equal(err?.message, 'expected 1 to be 2 // Object.is equality');
  assert.equal((err?.cause as Error).message, 'Matcher did not succeed in time.');
  assert.throws(() => expect.poll(() => 1), /expect.poll\(\) must be called inside a test/);
  await inTest(() => assert.throws(() => expect.poll(() => () => {}).toThrow(), SyntaxError));
});

test('an expect.poll that is never awaited fails the test', async () => {
  const err = await inTest(() => { void expect.poll(() => 1).not.toBe(2); });
  assert.match(err?.message ?? '', /^expect\.poll\(assertion\)\.not\.toBe\(\) was not awaited/);
});

test('expectTypeOf and assertType are runtime no-ops', () => {
  expectTypeOf(1).toEqualTypeOf<number>();
  assertType<string>('x');
});

test("Jest's expect and this one can load in either order in one process", () => {
  const jest = "const { expect: j } = (await import('node:module')).createRequire(import.meta.url)('expect'); j(1).toBe(1); j.assertions(1);";
  const vitest = "const { expect: v } = await import('./src/compat/vitest-expect.ts'); v(1).toBe(1); v({ a: 1 }).toEqual({ a: 1 });";
  for (const script of [`${jest}${vitest}j(2).toEqual(2);`, `${vitest}${jest}v(2).toEqual(2);`]) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  }
});

test('messages match real Vitest for the same assertions', () => {
  // Each body runs here against our expect and in a real Vitest run: the first lines must agree.
  const cases: Record<string, string> = {
    'toEqual with message': "expect({ a: 1 }, 'ctx').toEqual({ a: 2 })",
    'toHaveLength on a Set': 'expect(new Set([1])).toHaveLength(2)',
    'toBeOneOf': 'expect(4).toBeOneOf([1, 2])',
    'toHaveBeenCalledExactlyOnceWith': 'const f = fn(); f(1); f(1); expect(f).toHaveBeenCalledExactlyOnceWith(1)',
    'greaterThanOrEqual': 'expect(1).to.be.greaterThanOrEqual(2)',
    'toStrictEqual': 'expect({ a: undefined }).toStrictEqual({})',
    'toThrow with a class': 'expect(() => { throw new RangeError("r"); }).toThrow(TypeError)',
  };
  const dir = mkdtempSync(join(tmpdir(), 'qa-vitest-'));
  try {
    const body = Object.entries(cases).map(([name, src]) => `test(${JSON.stringify(name)}, () => { ${src}; });`);
    writeFileSync(join(dir, 'cases.test.js'), `import { test, expect, vi } from 'vitest';\nconst fn = vi.fn;\n${body.join('\n')}\n`);
    writeFileSync(join(dir, 'vitest.config.mjs'), 'export default {};\n');
    const out = join(dir, 'out.json');
    spawnSync(new URL('node_modules/.bin/vitest', root).pathname, ['run', '--root', dir, '--reporter=json', `--outputFile=${out}`], { cwd: root, encoding: 'utf8' });
    const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: { title: string; failureMessages: string[] }[] }[] };
    const theirs = new Map(report.testResults[0].assertionResults.map((r) => [r.title, r.failureMessages[0] ?? 'passed'] as const));
    for (const [name, src] of Object.entries(cases)) {
      let ours = 'passed';
      try {
        new Function('expect', 'fn', src)(expect, fn);
      } catch (e) {
        ours = `${(e as Error).name}: ${(e as Error).message}`;
      }
      assert.equal(firstLine(ours), firstLine(theirs.get(name) ?? 'missing'), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const firstLine = (s: string) => s.split('\n')[0];
