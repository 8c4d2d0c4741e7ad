// Reading Vitest and Jest configs into the compat model, and finding the files those runners would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { discoverCompatFiles } from '../../src/compat/discover-compat.js';
import { findCompatConfig } from '../../src/compat/find-config.js';
import type { CompatConfig } from '../../src/compat/config-model.js';
import { UsageError } from '../../src/core/errors.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(repo, 'test/fixtures/compat-config');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const tsHooksUrl = new URL('../../dist/ts-hooks.js', import.meta.url).href;
const run = promisify(execFile);

const load = async (name: string, project?: string[]) => {
  const cfg = await findCompatConfig(join(fixtures, name), { tsHooksUrl, project });
  assert.ok(cfg, `no config found in ${name}`);
  // The model crosses to workers: it must survive JSON unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(cfg)), cfg);
  return cfg;
};
const files = async (name: string, cfg: CompatConfig) => (await discoverCompatFiles(cfg, join(fixtures, name))).map((f) => `${f.project}:${f.file}`);

async function vitestList(name: string, args: string[] = []): Promise<string[]> {
  const dir = join(fixtures, name);
  const { stdout } = await run(bin('vitest'), ['list', '--filesOnly', '--json', ...args], { cwd: dir, env: { ...process.env, CI: '1' } });
  const rows = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ file: string; projectName?: string }>;
  return rows.map((r) => `${r.projectName ?? ''}:${relative(dir, r.file)}`).sort();
}

async function jestList(name: string): Promise<string[]> {
  const dir = join(fixtures, name);
  const { stdout } = await run(bin('jest'), ['--listTests', '--json'], { cwd: dir, env: { ...process.env, CI: '1' } });
  return (JSON.parse(stdout) as string[]).map((f) => relative(dir, f)).sort();
}

const named = async (name: string, cfg: CompatConfig) =>
  (await discoverCompatFiles(cfg, join(fixtures, name))).map((f) => `${cfg.projects[f.project].name ?? ''}:${f.file}`).sort();
const unique = async (name: string, cfg: CompatConfig) => [...new Set((await discoverCompatFiles(cfg, join(fixtures, name))).map((f) => f.file))].sort();

describe('vitest configs', () => {
  it('reads include/exclude/setupFiles/globals/alias from a vitest.config.ts using __dirname', async () => {
    const cfg = await load('vitest-basic');
    const dir = join(fixtures, 'vitest-basic');
    assert.equal(cfg.flavor, 'vitest');
    assert.equal(cfg.source, 'vitest.config.ts');
    const [p] = cfg.projects;
    assert.equal(p.root, dir);
    assert.deepEqual(p.include, ['src/**/*.test.ts', 'tests/**/*.spec.ts']);
    assert.deepEqual(p.exclude, ['**/node_modules/**', '**/.git/**', 'src/skip/**']);
    assert.deepEqual(p.setupFiles, [join(dir, 'setup.ts')]);
    assert.equal(p.globals, true);
    assert.equal(p.testTimeout, 2500);
    assert.equal(p.hookTimeout, 10000);
    assert.deepEqual(p.env, { FLAG: '1' });
    assert.equal(p.mocks.clearMocks, true);
    assert.deepEqual(p.sequence, { shuffle: true, seed: 7 });
    assert.deepEqual(p.alias, [
      { kind: 'prefix', find: '@', replacement: join(dir, 'src') },
      { kind: 'replace', pattern: '^~lib\\/(.*)$', flags: '', replacement: join(dir, 'src/lib/$1') },
    ]);
    assert.deepEqual(await files('vitest-basic', cfg), ['0:src/a.test.ts', '0:tests/d.spec.ts']);
  });

  it('finds the same files as `vitest list`', async () => {
    const cfg = await load('vitest-basic');
    assert.deepEqual(await named('vitest-basic', cfg), await vitestList('vitest-basic'));
  });

  it('reads a vite.config.ts that has a test key, with Vitest defaults filled in', async () => {
    const cfg = await load('vite-test-key');
    assert.equal(cfg.source, 'vite.config.ts');
    const [p] = cfg.projects;
    assert.equal(p.environment, 'happy-dom');
    assert.equal(p.testTimeout, 1234);
    assert.equal(p.hookTimeout, 99);
    assert.equal(p.globals, false);
    assert.deepEqual(p.include, ['**/*.{test,spec}.?(c|m)[jt]s?(x)']);
    assert.deepEqual(await files('vite-test-key', cfg), ['0:x.test.js']);
  });

  it('calls a function config with mode "test" and command "serve"', async () => {
    const cfg = await load('vitest-function');
    assert.deepEqual(cfg.projects[0].env, { MODE: 'test', COMMAND: 'serve' });
    assert.deepEqual(await files('vitest-function', cfg), ['0:one.check.mjs']);
  });

  it('expands projects: folder globs, inline projects with extends, skipping type-check-only and browser ones', async () => {
    const cfg = await load('vitest-projects');
    const dir = join(fixtures, 'vitest-projects');
    assert.deepEqual(cfg.projects.map((p) => p.name), ['lib', 'unit', 'narrow']);
    const [lib, unit, narrow] = cfg.projects;
    assert.equal(narrow.dir, join(dir, 'unit'));
    assert.equal(lib.root, join(dir, 'packages/lib'));
    assert.equal(lib.environment, 'jsdom');
    assert.equal(lib.globals, false, 'a project in its own file inherits nothing');
    assert.equal(unit.globals, true, 'extends: true inherits the root test options');
    assert.deepEqual(unit.setupFiles, [join(dir, 'setup.ts')]);
    assert.deepEqual(cfg.skipped?.map((s) => s.name), ['types', 'tc', 'browser']);
    assert.match(cfg.skipped![2].reason, /browser/);
    assert.deepEqual(await files('vitest-projects', cfg), ['0:packages/lib/lib.test.ts', '0:packages/lib/sub/deep.spec.ts', '1:unit/a.test.ts', '2:unit/a.test.ts', '1:unit/b.test.ts']);
  });

  it('--project picks by name with wildcards; an unknown name lists the ones there are', async () => {
    assert.deepEqual((await load('vitest-projects', ['un*'])).projects.map((p) => p.name), ['unit']);
    await assert.rejects(load('vitest-projects', ['nope']), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /nope/);
      assert.match(err.detail.join('\n'), /lib, unit, narrow/);
      return true;
    });
  });

  it('without vite installed, imports the config itself and calls a function config', async () => {
    // Outside the repo no node_modules/vite is reachable, so the fallback loader runs.
    const dir = mkdtempSync(join(tmpdir(), 'qa-compat-novite-'));
    try {
      writeFileSync(join(dir, 'vitest.config.mjs'), "export default ({ mode }) => ({ test: { include: ['t/*.x.js'], env: { MODE: mode } } });\n");
      const cfg = await findCompatConfig(dir, { tsHooksUrl });
      assert.deepEqual(cfg?.projects[0].include, ['t/*.x.js']);
      assert.deepEqual(cfg?.projects[0].env, { MODE: 'test' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads an older vitest.workspace.ts, naming folder projects after package.json or the folder', async () => {
    const cfg = await load('vitest-workspace');
    assert.deepEqual(cfg.projects.map((p) => p.name), ['@scope/alpha', 'beta']);
    assert.deepEqual(await files('vitest-workspace', cfg), ['0:pkgs/alpha/a.test.ts', '1:pkgs/beta/b.test.ts']);
  });

  it('a bad option is a one-line usage error naming the file and key', async () => {
    await assert.rejects(load('vitest-bad'), (err: unknown) => err instanceof UsageError && err.message === 'vitest.config.mjs: "test.testTimeout" must be a number ≥ 0');
  });

  it('finds the same files per project as `vitest list --project`, a file in two projects once for each', async () => {
    const cfg = await load('vitest-projects', ['unit', 'lib', 'narrow']);
    assert.deepEqual(await named('vitest-projects', cfg), await vitestList('vitest-projects', ['--project', 'unit', '--project', 'lib', '--project', 'narrow']));
  });
});

describe('jest configs', () => {
  it('reads "jest" in package.json: testMatch, moduleNameMapper in order, setupFiles then setupFilesAfterEnv, <rootDir>', async () => {
    const cfg = await load('jest-pkg');
    const dir = join(fixtures, 'jest-pkg');
    assert.equal(cfg.flavor, 'jest');
    assert.equal(cfg.source, 'package.json "jest"');
    const [p] = cfg.projects;
    assert.deepEqual(p.include, [`${dir}/spec/**/*.check.js`, '**/__tests__/**/*.js']);
    assert.deepEqual(p.roots, [dir]);
    assert.deepEqual(p.ignore, ['/node_modules/']);
    assert.deepEqual(p.setupFiles, [join(dir, 'setup.js'), join(dir, 'setup-after.js')]);
    assert.deepEqual(p.alias, [
      { kind: 'map', pattern: '^@/(.*)$', flags: '', replacements: [`${dir}/src/$1`] },
      { kind: 'map', pattern: '\\.css$', flags: '', replacements: [`${dir}/missing.js`, `${dir}/style-stub.js`] },
    ]);
    assert.equal(p.globals, true);
    assert.equal(p.environment, 'node');
    assert.equal(p.testTimeout, 5000);
    assert.equal(p.mocks.mockReset, true);
    assert.deepEqual(p.coverage, { collectCoverageFrom: ['src/**/*.js'] });
  });

  it('reads a jest.config.js function with testRegex, ignore patterns and moduleFileExtensions', async () => {
    const cfg = await load('jest-regex');
    const dir = join(fixtures, 'jest-regex');
    const [p] = cfg.projects;
    assert.equal(cfg.source, 'jest.config.js');
    assert.deepEqual(p.include, [], 'testRegex replaces the default testMatch');
    assert.deepEqual(p.testRegex, ['(/__checks__/.*|\\.check)\\.[jt]sx?$']);
    assert.deepEqual(p.ignore, ['/node_modules/', `${dir}/ignored/`]);
    assert.deepEqual(p.extensions, ['js', 'ts']);
    assert.equal(p.testTimeout, 9000);
  });

  it('merges a preset from the project node_modules as Jest does', async () => {
    const cfg = await load('jest-preset');
    const dir = join(fixtures, 'jest-preset');
    const [p] = cfg.projects;
    assert.deepEqual(p.include, ['**/*.pt.ts']);
    assert.deepEqual(p.setupFiles, [join(dir, 'preset-setup.js'), join(dir, 'own-setup.js')]);
    assert.equal(p.testTimeout, 4321);
    // The user's keys come first and win; the preset's others follow.
    assert.deepEqual(p.alias, [
      { kind: 'map', pattern: '^~/(.*)$', flags: '', replacements: [`${dir}/lib/$1`] },
      { kind: 'map', pattern: '^preset-only$', flags: '', replacements: [`${dir}/lib/preset.js`] },
    ]);
  });

  it('expands projects: globbed folders with their own configs and inline objects, displayName as name', async () => {
    const cfg = await load('jest-projects');
    const dir = join(fixtures, 'jest-projects');
    assert.deepEqual(cfg.projects.map((p) => [p.name, p.root]), [['a', join(dir, 'packages/a')], ['b', join(dir, 'packages/b')], ['inline', dir]]);
    assert.deepEqual(await files('jest-projects', cfg), ['2:inline/i.test.js', '0:packages/a/__tests__/x.js', '0:packages/a/a.test.js', '1:packages/b/b.spec.js']);
  });

  for (const name of ['jest-pkg', 'jest-regex', 'jest-preset', 'jest-projects']) {
    it(`finds the same files as \`jest --listTests\` in ${name}`, async () => {
      const cfg = await load(name);
      assert.deepEqual(await unique(name, cfg), await jestList(name));
    });
  }

  it('refuses two configs, and testMatch with testRegex, in one line naming the file', async () => {
    await assert.rejects(load('jest-both'), (err: unknown) => err instanceof UsageError && /jest\.config\.json, package\.json "jest"/.test(err.message));
    await assert.rejects(load('jest-conflict'), (err: unknown) => err instanceof UsageError && /^jest\.config\.json: "testMatch" and "testRegex"/.test(err.message));
  });
});

describe('no config', () => {
  it('returns undefined when neither runner is configured', async () => {
    assert.equal(await findCompatConfig(join(fixtures, 'vitest-basic/src'), { tsHooksUrl }), undefined);
  });
});
