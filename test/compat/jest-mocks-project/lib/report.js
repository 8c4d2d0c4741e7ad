const { add } = require('./math');

module.exports = { report: (a, b) => `sum ${add(a, b)}` };
