const { report } = require('../lib/report');
const { greet } = require('../lib/greet');
const { firstLine } = require('../lib/files');

test('no mock leaks in from another file', () => {
  expect(report(1, 2)).toBe('sum 3');
  expect(greet('ada')).toBe('hello ada');
  expect(firstLine(__filename)).toBe("const { report } = require('../lib/report');");
});
