// A project with no qa config but a Vitest or Jest one runs as that runner would run it: its
// files, setup files, globals, aliases, env and timeouts, read by src/compat/find-config.ts.
import { discoverCompatFiles } from '../compat/discover-compat.js';
import { findCompatConfig } from '../compat/find-config.js';
import type { SessionCompat } from '../core/session.js';
import picomatch from 'picomatch';
import { runGlobalSetup, type GlobalSetup } from '../compat/global-setup.js';

export interface CompatRun {
  compat: SessionCompat;
  /** The runner's default test timeout (Vitest and Jest: 5 s), unless the config set one. */
  timeout: number;
  source: string;
  /** Runs the config's globalSetup files (once per run command; `qa list` does not). */
  globalSetup: () => Promise<GlobalSetup | undefined>;
}

export async function readCompat(root: string, tsHooksUrl: string, project: string[], exclude: string[]): Promise<CompatRun | undefined> {
  const config = await findCompatConfig(root, { tsHooksUrl, ...(project.length ? { project } : {}) });
  if (!config) return undefined;
  const excluded = exclude.length ? picomatch(exclude, { dot: true }) : undefined;
  const first = config.projects[0];
  return {
    source: config.source,
    globalSetup: () => runGlobalSetup(config, tsHooksUrl),
    timeout: first.testTimeout ?? 5000,
    compat: {
      worker: {
        flavor: config.flavor,
        source: config.source,
        projects: config.projects.map((p) => ({
          setupFiles: p.setupFiles,
          globals: p.globals,
          environment: p.environment,
          ...(p.environmentOptions ? { environmentOptions: p.environmentOptions } : {}),
          isolate: p.isolate ?? true,
          mocks: p.mocks,
          ...(p.hookTimeout !== undefined ? { hookTimeout: p.hookTimeout } : {}),
        })),
      },
      list: async () => (await discoverCompatFiles(config, root)).filter((f) => !excluded?.(f.file)),
      alias: config.projects.flatMap((p) => p.alias),
      env: Object.assign({}, ...config.projects.map((p) => p.env)),
    },
  };
}
