// The module a test file gets for `import … from '@jest/globals'` inside a qa worker, and what
// Jest's globals are: qa's test API in Jest's flavour (a one-parameter test takes `done`), Jest's
// own expect with the aliases Jest 30 dropped, and the `jest` object.
import { makeDescribe, makeHook, makeTestApi } from '../runtime/api.js';
import { expect } from '../runtime/expect.js';
import { addPlugin } from '../runtime/plugins.js';
import { setTestTimeout } from '../runtime/timeout.js';
import { installJestAliases } from './jest-aliases.js';
import { createJestObject } from './jest-object.js';
import { jestEachName } from './jest-names.js';
import { afterFile, beforeEachTest } from './lifecycle.js';
import { addJestSnapshotStubs } from './snapshot-stubs.js';
import { projectOf } from './worker-settings.js';

export const test = makeTestApi<Record<string, any>>(new Map(), 'jest', jestEachName);
export const it = test;
export const describe = makeDescribe('jest', jestEachName);
export const beforeAll = makeHook('beforeAll', 'jest');
export const afterAll = makeHook('afterAll', 'jest');
export const beforeEach = makeHook('beforeEach', 'jest');
export const afterEach = makeHook('afterEach', 'jest');
export const jest = createJestObject({ setConfig: (c) => setTestTimeout(c.testTimeout), resetConfig: () => setTestTimeout(undefined) });
export { expect };
// Jest's focused and excluded shorthands.
export const fit = test.only;
export const xit = test.skip;
export const xtest = test.skip;
export const fdescribe = describe.only;
export const xdescribe = describe.skip;

installJestAliases(expect);
addJestSnapshotStubs(expect);

addPlugin({
  beforeTest(info) {
    beforeEachTest(projectOf(info.file)?.mocks ?? {});
  },
  afterFile,
});
