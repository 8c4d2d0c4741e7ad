// Fake timers left on at the end of a test (Jest fakes nextTick and queueMicrotask too): the
// worker still reports, and the next test file starts with real timers.
test('fakes everything and leaves it so', () => {
  jest.useFakeTimers();
  console.log('printed while faked');
  expect(jest.isMockFunction(setTimeout) || typeof setTimeout).toBeTruthy();
});
test('still faked in the same file', async () => {
  await Promise.resolve();
  expect(1).toBe(1);
});
