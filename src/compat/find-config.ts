// Entry: which runner's config a project has, read into the normalised model.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CompatConfig } from './config-model.js';
import { findJestConfigFile, jestDefaults, readJestConfig } from './config-jest.js';
import { findVitestConfigFile, readVitestConfig, vitestDefaults } from './config-vitest.js';

export type { AliasRule, CompatConfig, CompatProject, Flavor } from './config-model.js';

/** A Vitest config wins over a Jest one: a project moving to Vitest often keeps the old file around. */
export async function findCompatConfig(root: string, opts: { tsHooksUrl: string; project?: string[] }): Promise<CompatConfig | undefined> {
  const dir = resolve(root);
  const vitest = findVitestConfigFile(dir);
  if (vitest) return readVitestConfig(vitest, opts);
  const jest = findJestConfigFile(dir);
  if (jest) return readJestConfig(jest, opts);
  // Both runners work without a config file: a dependency on one says which the suite is for.
  const deps = dependencies(dir);
  if (deps.has('vitest')) return vitestDefaults(dir, 'Vitest defaults (vitest in package.json)');
  if (deps.has('jest')) return jestDefaults(dir, 'Jest defaults (jest in package.json)');
  return undefined;
}

function dependencies(dir: string): Set<string> {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    return new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  } catch {
    return new Set();
  }
}
