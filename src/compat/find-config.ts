// Entry: which runner's config a project has, read into the normalised model.
import { resolve } from 'node:path';
import type { CompatConfig } from './config-model.js';
import { findJestConfigFile, readJestConfig } from './config-jest.js';
import { findVitestConfigFile, readVitestConfig } from './config-vitest.js';

export type { AliasRule, CompatConfig, CompatProject, Flavor } from './config-model.js';

/** A Vitest config wins over a Jest one: a project moving to Vitest often keeps the old file around. */
export async function findCompatConfig(root: string, opts: { tsHooksUrl: string; project?: string[] }): Promise<CompatConfig | undefined> {
  const dir = resolve(root);
  const vitest = findVitestConfigFile(dir);
  if (vitest) return readVitestConfig(vitest, opts);
  const jest = findJestConfigFile(dir);
  if (jest) return readJestConfig(jest, opts);
  return undefined;
}
