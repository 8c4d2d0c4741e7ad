import { expect, test } from 'vitest';
import { report } from '../src/report';
import { greet } from '../src/greet';
import { matches } from '../src/files';

test('no mock leaks in from another file', () => {
  expect(report(1, 2)).toBe('3.00 / 2');
  expect(greet('ada')).toBe('hello ada');
  expect(matches('*.ts', 'a.ts')).toBe(true);
});
