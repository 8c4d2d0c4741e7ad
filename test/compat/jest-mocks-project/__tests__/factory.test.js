const { report } = require('../lib/report');
const math = require('../lib/math');

// Hoisted above the requires, as babel-jest does.
jest.mock('../lib/math', () => ({ add: jest.fn(() => 40) }));

test('a factory replaces the module for the test file and what it requires', () => {
  expect(report(1, 2)).toBe('sum 40');
  expect(math.add).toHaveBeenCalledWith(1, 2);
  expect(jest.isMockFunction(math.add)).toBe(true);
});
