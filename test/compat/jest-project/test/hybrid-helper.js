// Imports like an ES module, exports like CommonJS: what babel-jest compiles without a word.
import { sum } from '../lib/math';

function double(n) {
  return sum(n, n);
}
exports.double = double;
