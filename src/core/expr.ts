// Parser and compiler for pytest-style selection expressions (`-m EXPR`, `-k EXPR`).
//
//   expr     := or_expr
//   or_expr  := and_expr ('or' and_expr)*
//   and_expr := not_expr ('and' not_expr)*
//   not_expr := 'not' not_expr | '(' expr ')' | ident
//   ident    := any run of characters other than whitespace and parentheses
//               that is not one of the (case-sensitive) keywords and / or / not
//
// Expressions compile to a tree of closures (no eval). Chains of `and` / `or`
// are flattened into arrays so that long chains neither recurse deeply nor
// allocate per call.

import { UsageError } from './errors.js';

export type Expr =
  | { kind: 'ident'; name: string }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr };

type TokenKind = 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'ident' | 'eof';

interface Token {
  kind: TokenKind;
  value: string;
  /** 0-based offset into the source (UTF-16 code units). */
  pos: number;
}

const WHITESPACE = /\s/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const ch = source[i];
    if (WHITESPACE.test(ch)) {
      i++;
    } else if (ch === '(') {
      tokens.push({ kind: 'lparen', value: '(', pos: i });
      i++;
    } else if (ch === ')') {
      tokens.push({ kind: 'rparen', value: ')', pos: i });
      i++;
    } else {
      const start = i;
      while (i < n) {
        const c = source[i];
        if (c === '(' || c === ')' || WHITESPACE.test(c)) break;
        i++;
      }
      const word = source.slice(start, i);
      const kind: TokenKind = word === 'and' || word === 'or' || word === 'not' ? word : 'ident';
      tokens.push({ kind, value: word, pos: start });
    }
  }
  tokens.push({ kind: 'eof', value: '', pos: n });
  return tokens;
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of input';
    case 'ident':
      return `identifier ${JSON.stringify(token.value)}`;
    default:
      return JSON.stringify(token.value);
  }
}

function fail(source: string, flag: string, problem: string, pos: number): never {
  // Keep the echoed expression on one line so the caret stays under the token.
  const shown = source.replace(/\s/g, ' ');
  throw new UsageError(`invalid ${flag} expression: ${problem}`, [
    `  ${shown}`,
    `  ${' '.repeat(pos)}^`,
  ]);
}

/** Parentheses deeper than this are rejected rather than risking a stack overflow. */
const MAX_DEPTH = 1000;

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly flag: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private error(problem: string, token: Token): never {
    fail(this.source, this.flag, problem, token.pos);
  }

  parse(): Expr {
    const expr = this.parseOr();
    const token = this.peek();
    if (token.kind !== 'eof') {
      const what = token.kind === 'ident' ? `identifier ${JSON.stringify(token.value)}` : JSON.stringify(token.value);
      this.error(`unexpected ${what} at column ${token.pos + 1}`, token);
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek().kind === 'or') {
      this.next();
      const right = this.parseAnd();
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peek().kind === 'and') {
      this.next();
      const right = this.parseNot();
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private parseNot(): Expr {
    // `not` chains are consumed iteratively so `not not ... a` cannot blow the stack.
    let nots = 0;
    while (this.peek().kind === 'not') {
      this.next();
      nots++;
    }
    let expr = this.parsePrimary();
    for (let i = 0; i < nots; i++) expr = { kind: 'not', operand: expr };
    return expr;
  }

  private parsePrimary(): Expr {
    const token = this.next();
    if (token.kind === 'ident') return { kind: 'ident', name: token.value };
    if (token.kind === 'lparen') {
      if (++this.depth > MAX_DEPTH) this.error(`parentheses nested too deeply at column ${token.pos + 1}`, token);
      const inner = this.parseOr();
      this.depth--;
      const close = this.peek();
      if (close.kind !== 'rparen') {
        this.error(`expected ")" at column ${close.pos + 1}, found ${describeToken(close)}`, close);
      }
      this.next();
      return inner;
    }
    this.error(
      `expected an identifier, "not" or "(" at column ${token.pos + 1}, found ${describeToken(token)}`,
      token,
    );
  }
}

/** Parses; throws UsageError on malformed input. `flag` is '-m' or '-k' and is used only in the message. */
export function parseExpr(source: string, flag: string): Expr {
  const tokens = tokenize(source);
  if (tokens.length === 1) fail(source, flag, 'empty expression', 0);
  return new Parser(source, flag, tokens).parse();
}

type Matcher<T> = (input: T) => boolean;

/** Collects the operands of a run of same-kind binary nodes, left to right, without recursion on the chain. */
function flatten(expr: Expr & { kind: 'and' | 'or' }): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === expr.kind) {
      const bin = node as Expr & { kind: 'and' | 'or' };
      stack.push(bin.right, bin.left);
    } else {
      out.push(node);
    }
  }
  return out;
}

function compile<T>(expr: Expr, leaf: (name: string) => Matcher<T>): Matcher<T> {
  switch (expr.kind) {
    case 'ident':
      return leaf(expr.name);
    case 'not': {
      let negate = true;
      let operand = expr.operand;
      while (operand.kind === 'not') {
        negate = !negate;
        operand = operand.operand;
      }
      const inner = compile(operand, leaf);
      return negate ? (input) => !inner(input) : inner;
    }
    case 'and':
    case 'or': {
      const parts = flatten(expr).map((part) => compile(part, leaf));
      const count = parts.length;
      if (expr.kind === 'and') {
        return (input) => {
          for (let i = 0; i < count; i++) if (!parts[i](input)) return false;
          return true;
        };
      }
      return (input) => {
        for (let i = 0; i < count; i++) if (parts[i](input)) return true;
        return false;
      };
    }
  }
}

/** -m: an ident matches when the test carries that mark (exact, case-sensitive). */
export function compileMarkExpr(source: string): (marks: readonly string[]) => boolean {
  const expr = parseExpr(source, '-m');
  return compile<readonly string[]>(expr, (name) => (marks) => marks.includes(name));
}

/** -k: an ident matches when it is a case-insensitive substring of any of the names
 *  (the runner passes the file name, each describe name and the test name). */
export function compileKeywordExpr(source: string): (names: readonly string[]) => boolean {
  const expr = parseExpr(source, '-k');
  const matcher = compile<readonly string[]>(expr, (name) => {
    const needle = name.toLowerCase();
    return (lowered) => {
      for (let i = 0; i < lowered.length; i++) if (lowered[i].includes(needle)) return true;
      return false;
    };
  });
  return (names) => {
    const lowered = new Array<string>(names.length);
    for (let i = 0; i < names.length; i++) lowered[i] = names[i].toLowerCase();
    return matcher(lowered);
  };
}
