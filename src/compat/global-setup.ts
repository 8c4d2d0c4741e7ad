// Vitest's `globalSetup` and Jest's `globalSetup`/`globalTeardown`: run once in the controller,
// before any worker starts and after the last test (also after Ctrl-C, as the run ends). What a
// Vitest setup `provide`s reaches the tests' `inject` through the workers' environment.
import { UsageError } from '../core/errors.js';
import type { CompatConfig } from './config-model.js';
import { firstLine, importConfigModule } from './shared.js';

export interface GlobalSetup {
  /** For the workers: what `inject` gives the tests. */
  env: Record<string, string>;
  teardown(): Promise<void>;
}

type Fn = (...args: unknown[]) => unknown;

export async function runGlobalSetup(config: CompatConfig, tsHooksUrl: string): Promise<GlobalSetup | undefined> {
  const teardowns: Fn[] = [];
  const provided: Record<string, unknown> = {};
  const teardown = async () => {
    for (const fn of teardowns.reverse()) await fn();
    teardowns.length = 0;
  };
  const call = async (file: string, what: string, fn: Fn, args: unknown[]): Promise<unknown> => {
    try {
      return await fn(...args);
    } catch (err) {
      await teardown().catch(() => undefined);
      throw new UsageError(`${what} ${file} failed: ${firstLine(err)}`);
    }
  };
  let any = false;
  for (const project of config.projects) {
    const jestArgs = [{ rootDir: project.root }, { rootDir: project.root }];
    for (const file of project.globalSetup ?? []) {
      any = true;
      const mod = (await importConfigModule(file, tsHooksUrl, `globalSetup ${file}`)) as Fn | { setup?: Fn; teardown?: Fn };
      if (config.flavor === 'jest') {
        if (typeof mod === 'function') await call(file, 'globalSetup', mod, jestArgs);
        continue;
      }
      const setup = typeof mod === 'function' ? mod : mod.setup;
      const vitestProject = { provide: (key: string, value: unknown) => void (provided[key] = value), config: { root: project.root }, name: project.name ?? '' };
      const returned = setup ? await call(file, 'globalSetup', setup, [vitestProject]) : undefined;
      if (typeof returned === 'function') teardowns.push(returned as Fn);
      if (typeof mod !== 'function' && mod.teardown) teardowns.push(mod.teardown);
    }
    if (project.globalTeardown) {
      any = true;
      const file = project.globalTeardown;
      teardowns.unshift(async () => {
        const mod = await importConfigModule(file, tsHooksUrl, `globalTeardown ${file}`);
        if (typeof mod === 'function') await call(file, 'globalTeardown', mod as Fn, jestArgs);
      });
    }
  }
  if (!any) return undefined;
  return { env: Object.keys(provided).length ? { QA_PROVIDED: JSON.stringify(provided) } : {}, teardown };
}
