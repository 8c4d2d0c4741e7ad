import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, test } from 'vitest';

const order: string[] = [];

describe('collected after the module body', () => {
  // LATER is declared below this describe: Vitest runs describe bodies once the file has loaded.
  test(`sees ${LATER}`, () => expect(LATER).toBe('later'));
});
const LATER = 'later';

describe('modifiers', () => {
  test.fails('a failing test that is expected to fail', () => {
    expect(1).toBe(2);
  });
  test.skipIf(true)('skipped by skipIf', () => {});
  test.runIf(true)('run by runIf', () => {});
  test.todo('written later');
  test.skip('skipped', () => {});
  test.for([[1, 2, 3], [2, 3, 5]])('for %i + %i = %i', ([a, b, sum]) => {
    expect(a + b).toBe(sum);
  });
  test.each`
    a    | b    | sum
    ${1} | ${1} | ${2}
    ${2} | ${2} | ${4}
  `('template $a + $b', ({ a, b, sum }) => {
    expect(a + b).toBe(sum);
  });
  test.each([{ who: 'ann', n: 1 }])('object row $who #%# of %$', ({ n }) => {
    expect(n).toBe(1);
  });
  test.each([[function named() {}, 'text', 2]])('array row %s %s %i $1', () => {});
  describe.each([{ kind: 'inner' }])('suite of $kind', ({ kind }) => {
    test('sees its row', () => expect(kind).toBe('inner'));
  });
  test.concurrent('concurrent runs', async ({ expect }) => {
    expect(1).toBe(1);
  });
  test('a timeout as the third argument', async () => {
    await new Promise((r) => setTimeout(r, 5));
  }, 1000);
  test('skips itself through the context', ({ skip }) => {
    skip();
    throw new Error('not reached');
  });
  test('has its task', ({ task }) => {
    expect(task.name).toBe('has its task');
  });
});

describe('hooks', () => {
  let cleaned = 0;
  beforeAll(() => {
    order.push('beforeAll');
    return () => order.push('beforeAll cleanup');
  });
  beforeEach(() => {
    order.push('beforeEach');
    return () => {
      cleaned++;
    };
  });
  afterAll(() => {
    // The cleanup a beforeAll returned runs after the afterAll hooks.
    expect(order).toEqual(['beforeAll', 'beforeEach', 'finished', 'beforeEach']);
  });
  test('onTestFinished runs after the test', () => {
    onTestFinished(() => {
      order.push('finished');
    });
  });
  test('beforeEach cleanup ran after the previous test', () => {
    expect(cleaned).toBe(1);
  });
});

describe('failures', () => {
  test('a plain failure', () => {
    expect({ a: 1 }).toEqual({ a: 2 });
  });
});
