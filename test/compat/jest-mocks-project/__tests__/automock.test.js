const { add, Calculator, settings } = require('../lib/math');

jest.mock('../lib/math');

test('without a factory every export is a mock, deeply', () => {
  expect(add(1, 2)).toBeUndefined();
  add.mockReturnValue(7);
  expect(add(1, 2)).toBe(7);
  expect(settings.precision).toBe(2);
  expect(jest.isMockFunction(settings.label)).toBe(true);
});

test('classes are mocked: methods are mocks returning undefined', () => {
  const calc = new Calculator();
  expect(calc.plus(3)).toBeUndefined();
  expect(Calculator.prototype.plus).toHaveBeenCalledWith(3);
});
