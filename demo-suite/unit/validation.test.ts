// Input validation: the cheapest place to test what the API must refuse.
import { describe, expect, test } from 'qa-lanes';
import { escapeHtml, isValidEmail, isValidSku, luhnValid, normaliseEmail, passwordProblems } from '../app/validation.js';

describe('email addresses', () => {
  test.each(['ada@example.com', 'first.last+tag@sub.example.co.uk', '  Ada@Example.COM  '])('%s is valid', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  test.each(['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada@@example.com', 'ada@exa..mple.com', 'a da@example.com'])(
    '%j is invalid',
    (email) => {
      expect(isValidEmail(email)).toBe(false);
    },
  );

  test('normalising trims and lower-cases', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  });
});

describe('passwords', { marks: ['security'] }, () => {
  test('a strong password has no problems', () => {
    expect(passwordProblems('Correct-Horse-42')).toEqual([]);
  });

  const weak: Array<[password: string, problems: string[]]> = [
    ['short1A', ['at least 10 characters']],
    ['alllowercase1', ['an uppercase letter']],
    ['ALLUPPERCASE1', ['a lowercase letter']],
    ['NoDigitsAtAll', ['a digit']],
    ['', ['at least 10 characters', 'a lowercase letter', 'an uppercase letter', 'a digit']],
  ];
  test.each(weak)('%j needs %j', (password, problems) => {
    expect(passwordProblems(password)).toEqual(problems);
  });
});

describe('SKUs', () => {
  const skus: Array<[sku: string, valid: boolean]> = [
    ['MUG-001', true],
    ['STKR-005', true],
    ['mug-001', false],
    ['MUG-1', false],
    ['TOOLONG-001', false],
    ['MUG-001; DROP TABLE products', false],
  ];
  test.each(skus)('isValidSku(%j) is %s', (sku, valid) => {
    expect(isValidSku(sku)).toBe(valid);
  });
});

describe('card numbers (Luhn)', { marks: ['security'] }, () => {
  test.each(['4242 4242 4242 4242', '4000-0000-0000-0002', '5555555555554444', '378282246310005'])('%s passes the checksum', (card) => {
    expect(luhnValid(card)).toBe(true);
  });

  test.each(['4242 4242 4242 4241', '1234', '4242x4242x4242x4242', ''])('%j fails the checksum', (card) => {
    expect(luhnValid(card)).toBe(false);
  });
});

describe('HTML escaping', { marks: ['security'] }, () => {
  test('neutralises a script tag', () => {
    expect(escapeHtml('<script>alert("hi")</script>')).toBe('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;');
  });

  test('escapes quotes used to break out of attributes', () => {
    expect(escapeHtml(`" onmouseover='x'`)).toBe('&quot; onmouseover=&#39;x&#39;');
  });

  test('leaves ordinary text alone', () => {
    expect(escapeHtml('Fish & Chips')).toBe('Fish &amp; Chips');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});
