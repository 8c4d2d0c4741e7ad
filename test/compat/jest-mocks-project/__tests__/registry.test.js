test('jest.doMock changes what the next require gives; jest.dontMock lifts it', () => {
  jest.doMock('../lib/greet', () => ({ greet: () => 'doMocked' }));
  expect(require('../lib/greet').greet('x')).toBe('doMocked');
  jest.dontMock('../lib/greet');
  jest.resetModules();
  expect(require('../lib/greet').greet('x')).toBe('hello x');
});

test('jest.resetModules gives fresh module state; jest.isolateModules a registry of its own', () => {
  const counter = require('../lib/counter');
  expect(counter.next()).toBe(1);
  expect(require('../lib/counter').next()).toBe(2);
  jest.resetModules();
  expect(require('../lib/counter').next()).toBe(1);
  jest.isolateModules(() => {
    expect(require('../lib/counter').next()).toBe(1);
  });
  expect(require('../lib/counter').next()).toBe(2);
});
