// The module a test file imports as 'qa-lanes'. It must stay light: no engine, no Ink, no yargs.
import type { QaConfig } from '../core/config-types.js';
import { makeTestApi, type BuiltinFixtures } from './api.js';
import { builtinFixtures } from './builtins.js';
import { collectState } from './model.js';

export { describe, beforeAll, afterAll, beforeEach, afterEach } from './api.js';
export type { BuiltinFixtures, TestApi, TestFn, FixtureDefinitions, DescribeApi } from './api.js';
export type { TestInfo } from './builtins.js';
export type { TestOptions, SuiteOptions } from './model.js';
export type { QaConfig } from '../core/config-types.js';
export { expect } from './expect.js';

export const test = makeTestApi<BuiltinFixtures>(
  builtinFixtures(() => {
    if (!collectState.info) throw new Error('testInfo is only available while a test runs');
    return collectState.info;
  }),
);
export const it = test;

/** Typed identity for `qa.config.ts`. */
export function defineConfig(config: QaConfig): QaConfig {
  return config;
}
