// The matcher aliases Jest 30 removed, for Jest-flavoured suites written against Jest 29. Each is
// registered through expect.extend so that Jest applies .not, .resolves and .rejects to it as to
// any matcher, and it answers with the modern matcher's own result and message.
import { types } from 'node:util';
import type { expect as JestExpect, MatcherFunction } from 'expect';

type Expect = typeof JestExpect;

const ALIASES: Record<string, string> = {
  toThrowError: 'toThrow',
  toBeCalled: 'toHaveBeenCalled',
  toBeCalledTimes: 'toHaveBeenCalledTimes',
  toBeCalledWith: 'toHaveBeenCalledWith',
  lastCalledWith: 'toHaveBeenLastCalledWith',
  nthCalledWith: 'toHaveBeenNthCalledWith',
  toReturn: 'toHaveReturned',
  toReturnTimes: 'toHaveReturnedTimes',
  toReturnWith: 'toHaveReturnedWith',
  lastReturnedWith: 'toHaveLastReturnedWith',
  nthReturnedWith: 'toHaveNthReturnedWith',
};

const JEST_HOLDER = Symbol.for('$$jest-matchers-object');

export function installJestAliases(expect: Expect): void {
  // Reading the table touches `expect`, which loads Jest when qa's lazy proxy is passed in.
  void expect.getState();
  const table = (globalThis as unknown as Record<symbol, { matchers: Record<string, MatcherFunction<unknown[]>> }>)[JEST_HOLDER].matchers;
  const aliases: Record<string, MatcherFunction<unknown[]>> = {};
  for (const [alias, modern] of Object.entries(ALIASES)) {
    const target = table[modern];
    if (!target) throw new Error(`expect has no ${modern} matcher to alias ${alias} to`);
    aliases[alias] = function (this, received, ...args) {
      // Jest gives .rejects its promise-aware toThrow only under that exact name; the alias hands
      // the rejection over as a throwing function, which the plain toThrow judges the same way.
      const actual = modern === 'toThrow' && this.promise === 'rejects' && isError(received) ? () => { throw received; } : received;
      return target.call(this, actual, ...args);
    };
  }
  expect.extend(aliases);
}

const isError = (value: unknown): boolean => types.isNativeError(value) || value instanceof Error;
