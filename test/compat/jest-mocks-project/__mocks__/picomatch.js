// Beside node_modules: Jest uses it for every require of the package, no jest.mock needed.
module.exports = (glob) => (path) => `mocked ${glob} ${path}`;
