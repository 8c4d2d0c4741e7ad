import { report } from '../lib/report';
import { add } from '../lib/math';

jest.mock('../lib/math', () => ({ add: jest.fn(() => 99) }));

test('ES imports in a babel-jest test file see the hoisted mock too', () => {
  expect(report(1, 1)).toBe('sum 99');
  expect(add).toHaveBeenCalledTimes(1);
});
