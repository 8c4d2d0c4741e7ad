// The module a test file gets for `import … from 'vitest'` inside a qa worker (the module hooks
// serve it in place of the real package, whose runner cannot run outside Vitest): qa's test API in
// Vitest's flavour, Vitest's own expect and spies.
import { makeDescribe, makeHook, makeTestApi } from '../runtime/api.js';
import { collectState } from '../runtime/model.js';
import { chai } from '@vitest/expect';
import { addPlugin } from '../runtime/plugins.js';
import { setTestTimeout } from '../runtime/timeout.js';
import { afterFile, beforeEachTest } from './lifecycle.js';
import { createVi } from './vi.js';
import { vitestEachName } from './vitest-names.js';
import { assertType, beginTest, endTest, expect, expectTypeOf } from './vitest-expect.js';
import { projectOf } from './worker-settings.js';

export const test = makeTestApi<Record<string, any>>(new Map(), 'vitest', vitestEachName);
export const it = test;
export const describe = makeDescribe('vitest', vitestEachName);
export const suite = describe;
export const beforeAll = makeHook('beforeAll', 'vitest');
export const afterAll = makeHook('afterAll', 'vitest');
export const beforeEach = makeHook('beforeEach', 'vitest');
export const afterEach = makeHook('afterEach', 'vitest');
export const vi = createVi({ setConfig: (c) => setTestTimeout(c.testTimeout), resetConfig: () => setTestTimeout(undefined) });
export const vitest = vi;
export { expect, expectTypeOf, assertType };
// Vitest re-exports chai, whose plugins its expect is built from.
export { chai };
export const assert = chai.assert;
export const should = chai.should;

function running(what: string) {
  const t = collectState.test;
  if (!t) throw new Error(`${what}() can only be called while a test runs`);
  return t;
}
/** What the config's globalSetup `provide`d under `key`. */
export const inject = (key: string): unknown => (JSON.parse(process.env.QA_PROVIDED ?? '{}') as Record<string, unknown>)[key];
export const onTestFinished = (fn: () => unknown): void => void running('onTestFinished').onFinished.push(fn);
export const onTestFailed = (fn: () => unknown): void => void running('onTestFailed').onFailed.push(fn);

addPlugin({
  beforeTest(info) {
    beforeEachTest(projectOf(info.file)?.mocks ?? {});
    beginTest(info.name);
  },
  afterTest: (_info, failure) => (failure ? endTest(failure.error) : endTest()),
  afterFile,
  context: () => ({ expect }),
});
