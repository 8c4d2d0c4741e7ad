// Per-test bookkeeping for Jest's expect (expect.assertions(n), expect.hasAssertions()).
// expect keeps its state on a global symbol shared by every copy of the package, so we reach it
// there instead of importing expect into the worker before any test file asks for it.
interface MatcherState {
  assertionCalls: number;
  expectedAssertionsNumber: number | null;
  isExpectingAssertions: boolean;
  currentTestName?: string;
}

function state(): MatcherState | undefined {
  const holder = (globalThis as Record<symbol, { state?: MatcherState } | undefined>)[Symbol.for('$$jest-matchers-object')];
  return holder?.state;
}

export const expectHooks = {
  reset(testName: string): void {
    const st = state();
    if (!st) return;
    st.assertionCalls = 0;
    st.expectedAssertionsNumber = null;
    st.isExpectingAssertions = false;
    st.currentTestName = testName;
  },

  /** The error for an unmet expect.assertions()/hasAssertions(), if any. */
  check(): Error | undefined {
    const st = state();
    if (!st) return undefined;
    const { assertionCalls: calls, expectedAssertionsNumber: expected } = st;
    if (expected !== null && calls !== expected) {
      return new Error(`expected ${expected} assertion${expected === 1 ? '' : 's'} to be called but received ${calls} assertion call${calls === 1 ? '' : 's'}`);
    }
    if (st.isExpectingAssertions && calls === 0) return new Error('expected at least one assertion to be called but received none');
    return undefined;
  },
};
