// Snapshot matchers need a snapshot store and file rewriting that qa does not have yet. Failing
// loudly beats passing silently: a suite relying on snapshots would otherwise look green.
import type { ChaiPlugin } from '@vitest/expect';
import { UnsupportedApiError } from './unsupported.js';

const MATCHERS = ['matchSnapshot', 'toMatchSnapshot', 'toMatchInlineSnapshot', 'toThrowErrorMatchingSnapshot', 'toThrowErrorMatchingInlineSnapshot', 'toMatchFileSnapshot'];

const unsupported = (api: string) => (): never => {
  throw new UnsupportedApiError(api, 'snapshots come in a later release');
};

export const SnapshotStubs: ChaiPlugin = (chai, utils) => {
  for (const name of MATCHERS) utils.addMethod(chai.Assertion.prototype, name, unsupported(`${name}()`));
  utils.addMethod(chai.expect, 'addSnapshotSerializer', unsupported('expect.addSnapshotSerializer()'));
};

/** Jest's expect has no snapshot matchers of its own (jest-snapshot adds them): the same loud failure there. */
export function addJestSnapshotStubs(expect: { extend(matchers: Record<string, () => never>): void }): void {
  const names = ['toMatchSnapshot', 'toMatchInlineSnapshot', 'toThrowErrorMatchingSnapshot', 'toThrowErrorMatchingInlineSnapshot'];
  expect.extend(Object.fromEntries(names.map((name) => [name, unsupported(`${name}()`)])));
}
