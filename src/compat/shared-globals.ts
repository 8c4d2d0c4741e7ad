// @vitest/expect and Jest's expect both claim globalThis[Symbol.for('$$jest-matchers-object')]:
// Jest defines it as a fixed value, @vitest/expect redefines it as a getter. In a qa worker that
// runs a Jest-flavoured file and a Vitest one, whichever loads second breaks (Jest first:
// "Cannot redefine property"; Vitest first: Jest reads an undefined state). @vitest/expect leaves
// all its globals alone when the matchers-object registry exists, so we create that registry
// ourselves, before it loads, and give both libraries one Jest-shaped holder.
const STATES = Symbol.for('matchers-object');
const JEST_HOLDER = Symbol.for('$$jest-matchers-object');
const ASYMMETRIC = Symbol.for('asymmetric-matchers-object');

interface Holder {
  matchers: Record<string, unknown>;
  customEqualityTesters: unknown[];
  state: object;
}

const g = globalThis as unknown as Record<symbol, unknown>;

if (!Object.hasOwn(globalThis, STATES)) {
  const states = new WeakMap<object, object>();
  const asymmetric = Object.create(null) as object;
  Object.defineProperty(globalThis, STATES, { get: () => states });
  Object.defineProperty(globalThis, ASYMMETRIC, { get: () => asymmetric });
  if (!Object.hasOwn(globalThis, JEST_HOLDER)) {
    // The shape Jest's expect creates for itself, so that it finds nothing missing when it loads later.
    const holder: Holder = {
      matchers: Object.create(null) as Record<string, unknown>,
      customEqualityTesters: [],
      state: { assertionCalls: 0, expectedAssertionsNumber: null, isExpectingAssertions: false, numPassingAsserts: 0, suppressedErrors: [] },
    };
    Object.defineProperty(globalThis, JEST_HOLDER, { value: holder });
  }
}

/**
 * Runs `install` with the holder's matcher table swapped for a scratch one. @vitest/expect only
 * writes its chai wrappers there (for third-party code, never reading them back), while Jest's
 * expect builds every assertion from that table: the wrappers must not land in Jest's.
 */
export function withPrivateMatcherTable<T>(install: () => T): T {
  const holder = g[JEST_HOLDER] as Holder;
  const jestTable = holder.matchers;
  holder.matchers = Object.create(null) as Record<string, unknown>;
  try {
    return install();
  } finally {
    holder.matchers = jestTable;
  }
}
