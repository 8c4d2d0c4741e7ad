const { greet } = require('../lib/greet');

jest.mock('../lib/greet');

test('a __mocks__ file beside the module stands in for it', () => {
  expect(greet('ada')).toBe('mocked hello ada');
});
