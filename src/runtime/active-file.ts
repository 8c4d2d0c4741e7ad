// Which test file import the worker is busy with (its `?qa-iso=N`; 0 for a shared one): a
// `require()` carries no URL to tell, so module mocks of CommonJS code look here.
export const activeFile = { iso: 0 };
