import helper, { double } from '../test/hybrid-helper';
const required = require('../test/hybrid-helper');
const { typed } = require('../lib/typed');

test('a babel-style helper, imported and required', () => {
  expect(helper.double(2)).toBe(4);
  expect(double(3)).toBe(6);
  expect(required.double(1)).toBe(2);
});
test('a TypeScript module, required', () => {
  expect(typed(1)).toBe('n=1');
});
