import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr, compileMarkExpr, compileKeywordExpr, type Expr } from '../../src/core/expr.ts';
import { UsageError } from '../../src/core/errors.ts';

const id = (name: string): Expr => ({ kind: 'ident', name });
const not = (operand: Expr): Expr => ({ kind: 'not', operand });
const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', left, right });
const or = (left: Expr, right: Expr): Expr => ({ kind: 'or', left, right });

/** Runs `fn`, asserts it threw a UsageError, and returns it. */
function usageError(fn: () => unknown): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${String(caught)}`);
  return caught;
}

/** Asserts the exact one-line message and the two detail lines with the caret at `column` (1-based). */
function assertParseError(source: string, flag: string, message: string, column: number): void {
  const err = usageError(() => parseExpr(source, flag));
  assert.equal(err.message, `invalid ${flag} expression: ${message}`);
  assert.ok(!err.message.includes('\n'), 'message must be one line');
  assert.deepEqual(err.detail, [`  ${source}`, `  ${' '.repeat(column - 1)}^`]);
}

describe('parseExpr: structure', () => {
  test('single identifier', () => {
    assert.deepEqual(parseExpr('smoke', '-m'), id('smoke'));
  });

  test('surrounding whitespace is ignored', () => {
    assert.deepEqual(parseExpr('  \tsmoke \n', '-m'), id('smoke'));
  });

  test('"and" binds tighter than "or" (a or b and c = a or (b and c))', () => {
    assert.deepEqual(parseExpr('a or b and c', '-m'), or(id('a'), and(id('b'), id('c'))));
    assert.deepEqual(parseExpr('a and b or c', '-m'), or(and(id('a'), id('b')), id('c')));
  });

  test('binary operators are left-associative', () => {
    assert.deepEqual(parseExpr('a or b or c', '-m'), or(or(id('a'), id('b')), id('c')));
    assert.deepEqual(parseExpr('a and b and c', '-m'), and(and(id('a'), id('b')), id('c')));
  });

  test('"not" binds tighter than "and"', () => {
    assert.deepEqual(parseExpr('not a and b', '-m'), and(not(id('a')), id('b')));
  });

  test('"not" chains', () => {
    assert.deepEqual(parseExpr('not not a', '-m'), not(not(id('a'))));
    assert.deepEqual(parseExpr('not not not a', '-m'), not(not(not(id('a')))));
  });

  test('parentheses override precedence', () => {
    assert.deepEqual(parseExpr('(a or b) and c', '-m'), and(or(id('a'), id('b')), id('c')));
    assert.deepEqual(parseExpr('not (a or b)', '-m'), not(or(id('a'), id('b'))));
    assert.deepEqual(parseExpr('((a))', '-m'), id('a'));
  });

  test('parentheses need no surrounding whitespace', () => {
    assert.deepEqual(parseExpr('not(a)and(b)', '-m'), and(not(id('a')), id('b')));
  });

  test('identifiers may contain punctuation', () => {
    assert.deepEqual(parseExpr('test_login[1]', '-k'), id('test_login[1]'));
    assert.deepEqual(parseExpr('users.test.ts', '-k'), id('users.test.ts'));
    assert.deepEqual(parseExpr('a:b+c-d\\e/f', '-k'), id('a:b+c-d\\e/f'));
    assert.deepEqual(
      parseExpr('test_login[1] or users.test.ts', '-k'),
      or(id('test_login[1]'), id('users.test.ts')),
    );
  });

  test('keywords as prefixes/suffixes of identifiers are identifiers', () => {
    assert.deepEqual(parseExpr('notable', '-m'), id('notable'));
    assert.deepEqual(parseExpr('order', '-m'), id('order'));
    assert.deepEqual(parseExpr('android', '-m'), id('android'));
    assert.deepEqual(parseExpr('notable and order or android', '-m'), or(and(id('notable'), id('order')), id('android')));
  });

  test('keywords are case-sensitive: uppercase forms are identifiers', () => {
    assert.deepEqual(parseExpr('NOT', '-m'), id('NOT'));
    assert.deepEqual(parseExpr('Not or AND', '-m'), or(id('Not'), id('AND')));
  });
});

describe('parseExpr: errors', () => {
  test('trailing operator: "smoke and" points at end of input, column 10', () => {
    assertParseError('smoke and', '-m', 'expected an identifier, "not" or "(" at column 10, found end of input', 10);
  });

  test('trailing "not": "not" points at end of input', () => {
    assertParseError('not', '-m', 'expected an identifier, "not" or "(" at column 4, found end of input', 4);
  });

  test('unclosed parenthesis: "(smoke"', () => {
    assertParseError('(smoke', '-m', 'expected ")" at column 7, found end of input', 7);
  });

  test('unclosed parenthesis followed by an identifier: "(a b)"', () => {
    assertParseError('(a b)', '-k', 'expected ")" at column 4, found identifier "b"', 4);
  });

  test('unbalanced closing parenthesis: "smoke)"', () => {
    assertParseError('smoke)', '-m', 'unexpected ")" at column 6', 6);
  });

  test('closing parenthesis first: ")"', () => {
    assertParseError(')', '-m', 'expected an identifier, "not" or "(" at column 1, found ")"', 1);
  });

  test('empty parentheses: "()"', () => {
    assertParseError('()', '-m', 'expected an identifier, "not" or "(" at column 2, found ")"', 2);
  });

  test('leading operator: "and smoke"', () => {
    assertParseError('and smoke', '-m', 'expected an identifier, "not" or "(" at column 1, found "and"', 1);
  });

  test('doubled operator: "a or or b"', () => {
    assertParseError('a or or b', '-k', 'expected an identifier, "not" or "(" at column 6, found "or"', 6);
  });

  test('adjacent identifiers: "smoke slow"', () => {
    assertParseError('smoke slow', '-m', 'unexpected identifier "slow" at column 7', 7);
  });

  test('uppercase keyword is just an identifier: "a AND b"', () => {
    assertParseError('a AND b', '-m', 'unexpected identifier "AND" at column 3', 3);
  });

  test('"not" after a complete expression: "a not b"', () => {
    assertParseError('a not b', '-m', 'unexpected "not" at column 3', 3);
  });

  test('"(" after a complete expression: "a (b)"', () => {
    assertParseError('a (b)', '-m', 'unexpected "(" at column 3', 3);
  });

  test('empty expression', () => {
    assertParseError('', '-m', 'empty expression', 1);
  });

  test('all-whitespace expression', () => {
    assertParseError('   ', '-k', 'empty expression', 1);
  });

  test('flag name appears in the message', () => {
    assert.match(usageError(() => parseExpr('', '-k')).message, /^invalid -k expression: /);
    assert.match(usageError(() => compileMarkExpr('a and')).message, /^invalid -m expression: /);
    assert.match(usageError(() => compileKeywordExpr('a and')).message, /^invalid -k expression: /);
  });

  test('tabs and newlines in the echoed expression keep detail at two lines', () => {
    const err = usageError(() => parseExpr('a\tand\n', '-m'));
    assert.equal(err.message, 'invalid -m expression: expected an identifier, "not" or "(" at column 7, found end of input');
    assert.deepEqual(err.detail, ['  a and ', '        ^']);
  });

  test('absurdly deep nesting is a UsageError, not a stack overflow', () => {
    const deep = '('.repeat(100_000) + 'a' + ')'.repeat(100_000);
    const err = usageError(() => parseExpr(deep, '-m'));
    assert.match(err.message, /nested too deeply/);
  });
});

describe('compileMarkExpr (-m)', () => {
  test('matches marks exactly', () => {
    const m = compileMarkExpr('smoke');
    assert.equal(m(['smoke']), true);
    assert.equal(m(['slow', 'smoke']), true);
    assert.equal(m(['slow']), false);
    assert.equal(m([]), false);
  });

  test('is case-sensitive and not a substring match', () => {
    const m = compileMarkExpr('smoke');
    assert.equal(m(['Smoke']), false);
    assert.equal(m(['smoke_test']), false);
    assert.equal(m(['smok']), false);
  });

  test('and / or / not', () => {
    const m = compileMarkExpr('smoke and not slow');
    assert.equal(m(['smoke']), true);
    assert.equal(m(['smoke', 'slow']), false);
    assert.equal(m(['slow']), false);
    assert.equal(m([]), false);
  });

  test('precedence: a or b and c', () => {
    const m = compileMarkExpr('a or b and c');
    assert.equal(m(['a']), true); // would be false under (a or b) and c
    assert.equal(m(['b']), false);
    assert.equal(m(['b', 'c']), true);
    assert.equal(m(['c']), false);
  });

  test('parentheses: (a or b) and c', () => {
    const m = compileMarkExpr('(a or b) and c');
    assert.equal(m(['a']), false);
    assert.equal(m(['a', 'c']), true);
    assert.equal(m(['b', 'c']), true);
    assert.equal(m(['c']), false);
  });

  test('not chains', () => {
    assert.equal(compileMarkExpr('not a')(['a']), false);
    assert.equal(compileMarkExpr('not a')([]), true);
    assert.equal(compileMarkExpr('not not a')(['a']), true);
    assert.equal(compileMarkExpr('not not a')([]), false);
    assert.equal(compileMarkExpr('not not not a')(['a']), false);
    assert.equal(compileMarkExpr('not not not a')([]), true);
  });

  test('keyword-prefixed marks are plain marks', () => {
    const m = compileMarkExpr('notable or android');
    assert.equal(m(['notable']), true);
    assert.equal(m(['android']), true);
    assert.equal(m(['able']), false);
    assert.equal(m(['roid']), false);
    assert.equal(compileMarkExpr('order')(['order']), true);
    assert.equal(compileMarkExpr('order')(['der']), false);
  });

  test('long and/or chains evaluate without deep recursion', () => {
    const names = Array.from({ length: 50_000 }, (_, i) => `m${i}`);
    const anyOf = compileMarkExpr(names.join(' or '));
    assert.equal(anyOf(['m49999']), true);
    assert.equal(anyOf(['x']), false);
    const allOf = compileMarkExpr(names.join(' and '));
    assert.equal(allOf(names), true);
    assert.equal(allOf(names.slice(1)), false);
  });
});

describe('compileKeywordExpr (-k)', () => {
  test('case-insensitive substring of any name', () => {
    const k = compileKeywordExpr('Login');
    assert.equal(k(['src/auth.test.ts', 'Auth', 'handles LOGIN failure']), true);
    assert.equal(k(['loginPage.test.ts', 'x', 'y']), true);
    assert.equal(k(['src/auth.test.ts', 'Auth', 'logout']), false);
    assert.equal(k([]), false);
  });

  test('identifiers match across different names', () => {
    const k = compileKeywordExpr('users and admin');
    assert.equal(k(['users.test.ts', 'Admin panel', 'lists']), true);
    assert.equal(k(['users.test.ts', 'Guest', 'lists']), false);
  });

  test('a single identifier must fit inside one name, not span two', () => {
    const k = compileKeywordExpr('tsauth');
    assert.equal(k(['users.ts', 'auth']), false);
  });

  test('punctuated identifiers', () => {
    assert.equal(compileKeywordExpr('test_login[1]')(['f.ts', 'test_login[1]']), true);
    assert.equal(compileKeywordExpr('test_login[1]')(['f.ts', 'test_login[2]']), false);
    assert.equal(compileKeywordExpr('users.test.ts')(['src/USERS.TEST.TS', 'x']), true);
    assert.equal(compileKeywordExpr('users.test.ts')(['src/users_test_ts', 'x']), false);
  });

  test('not / precedence / parentheses', () => {
    const k = compileKeywordExpr('login or signup and not slow');
    assert.equal(k(['a', 'login slow']), true);
    assert.equal(k(['a', 'signup']), true);
    assert.equal(k(['a', 'signup slow']), false);
    const p = compileKeywordExpr('(login or signup) and not slow');
    assert.equal(p(['a', 'login slow']), false);
    assert.equal(p(['a', 'login']), true);
    assert.equal(compileKeywordExpr('not not login')(['LOGIN']), true);
    assert.equal(compileKeywordExpr('not not login')(['logout']), false);
  });

  test('keyword-prefixed identifiers match as substrings', () => {
    assert.equal(compileKeywordExpr('notable')(['a NOTABLE case']), true);
    assert.equal(compileKeywordExpr('notable')(['table']), false);
    assert.equal(compileKeywordExpr('android')(['Android build']), true);
    assert.equal(compileKeywordExpr('order')(['reorder items']), true);
  });

  test('does not mutate the names passed in', () => {
    const names = ['File.TS', 'Suite', 'Test'];
    compileKeywordExpr('file')(names);
    assert.deepEqual(names, ['File.TS', 'Suite', 'Test']);
  });
});
