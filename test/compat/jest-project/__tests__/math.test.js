const { sum, later } = require('@lib/math');
const greet = require('../lib/greet');

describe('math', () => {
  test('sums', () => {
    expect(sum(1, 2)).toBe(3);
  });
  it('maps modules through moduleNameMapper', () => {
    expect(greet('jest')).toBe('hello jest');
  });
  test('uses the matcher the setup file added', () => {
    expect(4).toBeEven();
  });
  test.each`
    a    | b    | expected
    ${1} | ${1} | ${2}
    ${2} | ${3} | ${5}
  `('$a + $b = $expected', ({ a, b, expected }) => {
    expect(sum(a, b)).toBe(expected);
  });
  test.each([
    [1, 1, 2],
    [3, 4, 7],
  ])('sum(%i, %i) = %i', (a, b, expected) => {
    expect(sum(a, b)).toBe(expected);
  });
});

describe('done callbacks', () => {
  test('ends when done is called', (done) => {
    setTimeout(() => {
      expect(1).toBe(1);
      done();
    }, 5);
  });
  test('fails when done gets an error', (done) => {
    setTimeout(() => done(new Error('boom')), 1);
  });
});

describe('mocks and timers', () => {
  const spy = jest.fn();
  test('a mock records calls', () => {
    spy(1);
    expect(spy).toHaveBeenCalledWith(1);
  });
  test('clearMocks cleared it before this test', () => {
    expect(spy).not.toHaveBeenCalled();
  });
  test('fake timers', () => {
    jest.useFakeTimers();
    const fn = jest.fn();
    later(fn, 100);
    jest.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
    jest.useRealTimers();
  });
  test('spyOn and restore', () => {
    const obj = { f: () => 1 };
    const s = jest.spyOn(obj, 'f').mockReturnValue(2);
    expect(obj.f()).toBe(2);
    s.mockRestore();
    expect(obj.f()).toBe(1);
  });
  test.todo('more mocks');
  xit('excluded', () => {});
});
