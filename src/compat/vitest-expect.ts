// `expect` as Vitest 4 has it, for test files written against Vitest: chai with @vitest/expect's
// Jest-style matchers, plus the statics Vitest adds (soft, poll, unreachable, assertions...).
// Per-test state lives on the expect itself (assertion counts, test name) and on a small task
// object that @vitest/expect writes soft failures to, as it would to a Vitest test.
import { withPrivateMatcherTable } from './shared-globals.js'; // must run before @vitest/expect loads
import {
  ASYMMETRIC_MATCHERS_OBJECT, ChaiStyleAssertions, GLOBAL_EXPECT, JestAsymmetricMatchers, JestChaiExpect, JestExtend,
  addCustomEqualityTesters, chai, customMatchers, getState, setState,
} from '@vitest/expect';
import type { Assertion, ExpectStatic as BaseExpectStatic, MatchersObject, PromisifyAssertion, Tester } from '@vitest/expect';
import { expectTypeOf } from 'expect-type';
import { createPoll, type PollOptions, type PollTracker } from './poll.js';
import { SnapshotStubs } from './snapshot-stubs.js';

export { expectTypeOf };
/** Only checked by the type checker, as in Vitest. */
export const assertType: <T>(value: T) => void = () => {};

export interface ExpectStatic extends BaseExpectStatic {
  assert: Chai.AssertStatic;
  unreachable: (message?: string) => never;
  soft: <T>(actual: T, message?: string) => Assertion<T>;
  poll: <T>(actual: () => T, options?: PollOptions) => PromisifyAssertion<Awaited<T>>;
  addEqualityTesters: (testers: Tester[]) => void;
  assertions: (expected: number) => void;
  hasAssertions: () => void;
  addSnapshotSerializer: (plugin: unknown) => never;
}

/** What @vitest/expect reads and writes on a Vitest test: soft failures land in result.errors. */
interface Task extends PollTracker {
  type: 'test';
  name: string;
  fullTestName: string;
  result?: { state: string; errors?: SerializedError[] };
  unawaitedPolls: Map<object, { describe: () => string; stack: Error }>;
}

/** What @vitest/expect keeps of an error after processing it for a report. */
type SerializedError = Record<string, unknown> & { message?: string; name?: string; stack?: string };

withPrivateMatcherTable(() => {
  chai.use(JestExtend);
  chai.use(JestChaiExpect);
  chai.use(ChaiStyleAssertions);
  chai.use(SnapshotStubs);
  chai.use(JestAsymmetricMatchers);
});

let task: Task | undefined;

function newTask(name: string): Task {
  const unawaitedPolls: Task['unawaitedPolls'] = new Map();
  return {
    type: 'test',
    name,
    fullTestName: name,
    unawaitedPolls,
    track(describe, stack) {
      const key = {};
      unawaitedPolls.set(key, { describe, stack });
      return () => unawaitedPolls.delete(key);
    },
  };
}

export const expect = ((value: unknown, message?: string) => {
  setState({ assertionCalls: getState(expect).assertionCalls + 1 }, expect);
  const assertion = chai.expect(value, message) as unknown as Assertion & { withTest(t: Task): Assertion };
  return task ? assertion.withTest(task) : assertion;
}) as ExpectStatic;

Object.assign(expect, chai.expect);
Object.assign(expect, (globalThis as unknown as Record<symbol, object>)[ASYMMETRIC_MATCHERS_OBJECT]);
expect.getState = () => getState(expect);
expect.setState = (state) => setState(state, expect);
Object.defineProperty(globalThis, GLOBAL_EXPECT, { value: expect, writable: true, configurable: true });

const FRESH_STATE = {
  assertionCalls: 0,
  isExpectingAssertions: false,
  isExpectingAssertionsError: null,
  expectedAssertionsNumber: null,
  expectedAssertionsNumberErrorGen: null,
};
setState({ ...FRESH_STATE, currentTestName: undefined }, expect);

expect.assert = chai.assert;
expect.extend = (matchers: MatchersObject) => withPrivateMatcherTable(() => (chai.expect as unknown as { extend(e: ExpectStatic, m: MatchersObject): void }).extend(expect, matchers));
expect.addEqualityTesters = (testers) => addCustomEqualityTesters(testers);
expect.soft = <T>(actual: T, message?: string) => (expect(actual, message) as unknown as { withContext(c: object): Assertion<T> }).withContext({ soft: true });
expect.poll = createPoll(expect as unknown as (v: unknown, m?: string) => Chai.Assertion, () => task) as ExpectStatic['poll'];
expect.unreachable = (message?: string): never => {
  chai.assert.fail(`expected${message ? ` "${message}" ` : ' '}not to be reached`);
};
chai.util.addMethod(expect, 'assertions', function assertions(expected: number) {
  // The count is read when the test ends, so the message is made then.
  expect.setState({
    expectedAssertionsNumber: expected,
    expectedAssertionsNumberErrorGen: () => new Error(`expected number of assertions to be ${expected}, but got ${expect.getState().assertionCalls}`),
  });
});
chai.util.addMethod(expect, 'hasAssertions', function hasAssertions() {
  const error = new Error('expected any number of assertion, but got none');
  Error.captureStackTrace?.(error, hasAssertions);
  expect.setState({ isExpectingAssertions: true, isExpectingAssertionsError: error });
});
expect.extend(customMatchers);

/** Resets the per-test state; `testName` is what expect.getState().currentTestName reads. */
export function beginTest(testName: string): void {
  task = newTask(testName);
  setState({ ...FRESH_STATE, currentTestName: testName }, expect);
}

/**
 * The test's failure as Vitest would report it, or undefined when it passed. Pass what the test
 * body threw, if it did: Vitest then skips the assertion-count check and reports the soft
 * failures first, then the thrown error.
 */
export function endTest(...thrown: [] | [unknown]): Error | undefined {
  const ended = task;
  task = undefined;
  const errors: unknown[] = (ended?.result?.errors ?? []).map(revive);
  if (thrown.length > 0) errors.push(thrown[0]);
  else {
    const count = countError();
    if (count) errors.push(count);
  }
  for (const { describe, stack } of ended?.unawaitedPolls.values() ?? []) {
    const api = describe();
    const error = new Error(`${api} was not awaited. This assertion is asynchronous and must be awaited; otherwise, it is not executed to avoid unhandled rejections:\n\nawait ${api}\n`);
    if (stack.stack) error.stack = stack.stack.replace(stack.message, error.message);
    errors.push(error);
  }
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return asError(errors[0]);
  const all = errors.map(asError);
  return new AggregateError(all, all.map((e) => `${e.name}: ${e.message}`).join('\n\n'));
}

interface CountState {
  assertionCalls: number;
  expectedAssertionsNumber: number | null;
  expectedAssertionsNumberErrorGen: (() => Error) | null;
  isExpectingAssertions: boolean;
  isExpectingAssertionsError: Error | null;
}

function countError(): Error | undefined {
  const st = getState(expect) as unknown as CountState;
  if (st.expectedAssertionsNumber !== null && st.assertionCalls !== st.expectedAssertionsNumber) return st.expectedAssertionsNumberErrorGen?.();
  if (st.isExpectingAssertions && st.assertionCalls === 0) return st.isExpectingAssertionsError ?? undefined;
  return undefined;
}

/**
 * @vitest/expect hands soft failures over already serialized (plain objects with a rendered
 * diff and printed actual/expected): back into Errors, keeping those fields for qa's report.
 */
function revive(serialized: SerializedError): Error {
  const error = new Error(serialized.message ?? '');
  Object.assign(error, serialized);
  return error;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : Object.assign(new Error(String(value)), { cause: value });
}
