// The same, for a CommonJS module reached by require().
const state = { n: 0 };
module.exports = { state, bump: () => ++state.n };
