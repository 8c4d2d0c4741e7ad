const { matches } = require('../lib/match');

test('a root __mocks__ file stands in for a package without a jest.mock call', () => {
  expect(matches('*.js', 'a.js')).toBe('mocked *.js a.js');
});

test('jest.requireActual still gives the real package', () => {
  expect(jest.requireActual('picomatch')('*.js')('a.js')).toBe(true);
});
