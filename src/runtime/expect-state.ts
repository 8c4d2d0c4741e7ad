// Per-test bookkeeping for Jest's expect (expect.assertions(n), expect.hasAssertions()).
// expect keeps its state on a global symbol shared by every copy of the package, so we reach it
// there instead of importing expect into the worker before any test file asks for it.
interface MatcherState {
  assertionCalls: number;
  numPassingAsserts: number;
  expectedAssertionsNumber: number | null;
  isExpectingAssertions: boolean;
  currentTestName?: string;
}

export interface MatchersHolder {
  state: MatcherState;
  matchers: Record<string, unknown>;
  customEqualityTesters: unknown[];
}

export function matchersHolder(): MatchersHolder | undefined {
  return (globalThis as Record<symbol, MatchersHolder | undefined>)[Symbol.for('$$jest-matchers-object')];
}

/** Assertions passed by qa's fast path (expect.ts) before Jest's expect was loaded. */
let unloggedPasses = 0;

/** A pass decided without Jest: counted where Jest would have counted it. */
export function countPassedAssertion(): void {
  const st = matchersHolder()?.state;
  if (!st) {
    unloggedPasses++;
    return;
  }
  st.assertionCalls += 1 + unloggedPasses;
  st.numPassingAsserts += 1 + unloggedPasses;
  unloggedPasses = 0;
}

export const expectHooks = {
  reset(testName: string): void {
    unloggedPasses = 0;
    const st = matchersHolder()?.state;
    if (!st) return;
    st.assertionCalls = 0;
    st.numPassingAsserts = 0;
    st.expectedAssertionsNumber = null;
    st.isExpectingAssertions = false;
    st.currentTestName = testName;
  },

  /** The error for an unmet expect.assertions()/hasAssertions(), if any. */
  check(): Error | undefined {
    const st = matchersHolder()?.state;
    if (!st) return undefined;
    const calls = st.assertionCalls + unloggedPasses;
    const expected = st.expectedAssertionsNumber;
    if (expected !== null && calls !== expected) {
      return new Error(`expected ${expected} assertion${expected === 1 ? '' : 's'} to be called but received ${calls} assertion call${calls === 1 ? '' : 's'}`);
    }
    if (st.isExpectingAssertions && calls === 0) return new Error('expected at least one assertion to be called but received none');
    return undefined;
  },
};
