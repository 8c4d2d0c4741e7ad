// Runs before each test file, after the framework is installed: globals are there.
expect.extend({
  toBeEven(received) {
    const pass = received % 2 === 0;
    return { pass, message: () => `expected ${received} ${pass ? 'not ' : ''}to be even` };
  },
});
