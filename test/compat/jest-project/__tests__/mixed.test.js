import { sum } from '../lib/math';
const greet = require('../lib/greet');

test('a file mixing import and require loads', () => {
  expect(sum(2, 2)).toBe(4);
  expect(greet('x')).toBe('hello x');
});
test('jest.setTimeout style third argument', async () => {
  await new Promise((r) => setTimeout(r, 1));
}, 2000);
