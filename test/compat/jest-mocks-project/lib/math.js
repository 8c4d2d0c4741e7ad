class Calculator {
  constructor() {
    this.total = 0;
  }
  plus(n) {
    this.total = exports.add(this.total, n);
    return this;
  }
}

exports.add = (a, b) => a + b;
exports.Calculator = Calculator;
exports.settings = { precision: 2, label: () => 'real' };
