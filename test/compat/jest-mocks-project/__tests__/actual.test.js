const math = require('../lib/math');

jest.mock('../lib/math', () => {
  const actual = jest.requireActual('../lib/math');
  return { ...actual, add: jest.fn((a, b) => a * b) };
});

test('requireActual keeps the real exports next to the replaced one', () => {
  expect(math.add(3, 4)).toBe(12);
  expect(typeof math.Calculator).toBe('function');
  expect(jest.requireActual('../lib/math').add(3, 4)).toBe(7);
});

test('requireMock gives the registered mock', () => {
  expect(jest.requireMock('../lib/math')).toBe(math);
});
