import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expect } from 'expect';
import { fn } from 'jest-mock';
import { installJestAliases } from '../../src/compat/jest-aliases.js';

installJestAliases(expect);
// The aliases are not in Jest 30's types: the suites using them were typed against Jest 29.
const loose = (v: unknown) => expect(v) as unknown as Record<string, any>;

function failure(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('expected the matcher to fail');
}

test('call aliases pass like the modern matchers', () => {
  const f = fn((n: number) => n * 2);
  f(1);
  f(2);
  loose(f).toBeCalled();
  loose(f).toBeCalledTimes(2);
  loose(f).toBeCalledWith(1);
  loose(f).lastCalledWith(2);
  loose(f).nthCalledWith(1, 1);
  loose(f).toReturn();
  loose(f).toReturnTimes(2);
  loose(f).toReturnWith(4);
  loose(f).lastReturnedWith(4);
  loose(f).nthReturnedWith(1, 2);
});

test('a failing alias words its failure as the modern matcher does', () => {
  const f = fn();
  f('a');
  assert.equal(failure(() => loose(f).toBeCalledWith('b')), failure(() => expect(f).toHaveBeenCalledWith('b')));
  assert.equal(failure(() => loose(f).nthReturnedWith(1, 3)), failure(() => expect(f).toHaveNthReturnedWith(1, 3)));
  assert.match(failure(() => loose(f).not.toBeCalled()), /not\.toHaveBeenCalled\(\)/);
});

test('toThrowError works on functions, after .not and after .rejects', async () => {
  loose(() => { throw new Error('boom'); }).toThrowError(/boo/);
  loose(() => {}).not.toThrowError();
  await loose(Promise.reject(new Error('boom'))).rejects.toThrowError('boom');
  await assert.rejects(loose(Promise.reject(new Error('boom'))).rejects.toThrowError('zzz'), (e: Error) => {
    assert.match(e.message, /rejects\.toThrow\(expected\)/);
    assert.match(e.message, /Expected substring: "zzz"/);
    return true;
  });
});

test('.resolves reaches the alias with the resolved value', async () => {
  const f = fn();
  f(7);
  await loose(Promise.resolve(f)).resolves.toBeCalledWith(7);
});
