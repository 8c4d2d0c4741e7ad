const { matches } = require('../lib/match');

jest.unmock('picomatch');

test('jest.unmock gives this file the real package', () => {
  expect(matches('*.js', 'a.js')).toBe(true);
});
