exports.sum = (a, b) => a + b;
exports.later = (fn, ms) => setTimeout(fn, ms);
