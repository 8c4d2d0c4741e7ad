const fs = require('fs');
const { firstLine } = require('../lib/files');

jest.mock('fs', () => ({ readFileSync: jest.fn(() => 'first\nsecond') }));

test('a core module is mocked for the file and the modules it requires', () => {
  expect(firstLine('/nowhere')).toBe('first');
  expect(fs.readFileSync).toHaveBeenCalledWith('/nowhere', 'utf8');
});
