exports.greet = (name) => `mocked hello ${name}`;
