// Reads a Jest config (jest.config.* or package.json "jest", presets, projects) into CompatProjects.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { UsageError } from '../core/errors.js';
import type { AliasRule, CompatConfig, CompatProject } from './config-model.js';
import { importConfigModule, isPlainObject, optBool, optNumber, resolveFile, stringList } from './shared.js';

// Jest 30's JEST_CONFIG_EXT_ORDER and defaults (node_modules/jest-config).
const EXT_ORDER = ['.js', '.ts', '.mjs', '.mts', '.cjs', '.cts', '.json'];
export const JEST_DEFAULT_TEST_MATCH = ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'];
export const JEST_DEFAULT_EXTENSIONS = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'node'];
const NODE_MODULES_REGEXP = '/node_modules/';

type Raw = Record<string, unknown>;

/** The one config Jest would pick in `dir`; like Jest, two candidates are an error. */
export function findJestConfigFile(dir: string): { file: string; fromPackageJson: boolean } | undefined {
  const found = EXT_ORDER.map((ext) => join(dir, `jest.config${ext}`)).filter(isFile).map((file) => ({ file, fromPackageJson: false }));
  const pkgFile = join(dir, 'package.json');
  if (isFile(pkgFile)) {
    let pkg: Raw | undefined;
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Raw;
    } catch {
      pkg = undefined;
    }
    if (pkg && 'jest' in pkg) {
      if (typeof pkg.jest === 'string') {
        const target = resolve(dir, pkg.jest);
        if (!isFile(target)) throw new UsageError(`package.json: "jest" points to ${pkg.jest}, which is not a file`);
        found.push({ file: target, fromPackageJson: false });
      } else found.push({ file: pkgFile, fromPackageJson: true });
    }
  }
  if (found.length > 1) {
    throw new UsageError(`multiple Jest configurations found: ${found.map((f) => (f.fromPackageJson ? 'package.json "jest"' : basename(f.file))).join(', ')}; Jest refuses to pick one`);
  }
  return found[0];
}

function isFile(p: string): boolean {
  return existsSync(p) && !statSync(p).isDirectory();
}

function labelOf(file: string, fromPackageJson: boolean): string {
  return fromPackageJson ? 'package.json "jest"' : basename(file);
}

async function loadJestFile(file: string, fromPackageJson: boolean, tsHooksUrl: string): Promise<Raw> {
  const label = labelOf(file, fromPackageJson);
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Raw;
      raw = fromPackageJson ? (parsed.jest ?? {}) : parsed;
    } catch (err) {
      throw new UsageError(`could not read ${label}: ${(err as Error).message}`);
    }
  } else raw = await importConfigModule(file, tsHooksUrl, label);
  if (typeof raw === 'function') raw = await (raw as () => unknown)();
  if (!isPlainObject(raw)) throw new UsageError(`${label} must export an object or a function returning one`);
  const rootDir = typeof raw.rootDir === 'string' ? resolve(dirname(file), raw.rootDir) : dirname(file);
  return { ...raw, rootDir };
}

export async function readJestConfig(found: { file: string; fromPackageJson: boolean }, opts: { tsHooksUrl: string; project?: string[] }): Promise<CompatConfig> {
  const label = labelOf(found.file, found.fromPackageJson);
  const top = await loadJestFile(found.file, found.fromPackageJson, opts.tsHooksUrl);
  const rootDir = top.rootDir as string;
  const projectsRaw = top.projects;
  let projects: CompatProject[];
  if (projectsRaw === undefined || (Array.isArray(projectsRaw) && projectsRaw.length === 0)) {
    projects = [await normalizeJest(top, label)];
  } else {
    if (!Array.isArray(projectsRaw)) throw new UsageError(`${label}: "projects" must be an array`);
    projects = [];
    for (const [i, entry] of projectsRaw.entries()) {
      const where = `${label} projects[${i}]`;
      if (isPlainObject(entry)) {
        // Inline projects inherit nothing but the config file's folder as rootDir.
        const own = typeof entry.rootDir === 'string' ? resolve(dirname(found.file), replaceRootDir(dirname(found.file), entry.rootDir)) : dirname(found.file);
        projects.push(await normalizeJest({ ...entry, rootDir: own }, where));
        continue;
      }
      if (typeof entry !== 'string') throw new UsageError(`${where} must be a path, a glob or a project config object`);
      const spec = replaceRootDir(rootDir, entry);
      const matches = await fg(spec, { cwd: rootDir, onlyFiles: false, absolute: true, dot: true });
      for (const path of matches.length ? matches.sort() : [resolve(rootDir, spec)]) {
        if (!existsSync(path)) throw new UsageError(`${where}: no such project folder or config: ${entry}`);
        let cfg: { file: string; fromPackageJson: boolean } | undefined;
        if (statSync(path).isDirectory()) cfg = findJestConfigFile(path);
        else if (EXT_ORDER.some((e) => path.endsWith(e))) cfg = { file: path, fromPackageJson: basename(path) === 'package.json' };
        else continue; // Jest skips globbed files that are not configs.
        const raw = cfg ? await loadJestFile(cfg.file, cfg.fromPackageJson, opts.tsHooksUrl) : { rootDir: path };
        projects.push(await normalizeJest(raw, cfg ? labelOf(cfg.file, cfg.fromPackageJson) : where));
      }
    }
  }
  if (opts.project?.length) {
    const { pickProjects } = await import('./config-vitest.js');
    projects = pickProjects(projects, opts.project);
  }
  return { flavor: 'jest', source: label, projects };
}

/** A project that depends on Jest and has no config runs with Jest's defaults, as `npx jest` would. */
export async function jestDefaults(dir: string, source: string): Promise<CompatConfig> {
  return { flavor: 'jest', source, projects: [await normalizeJest({ rootDir: dir }, source)] };
}

export function replaceRootDir(rootDir: string, s: string): string {
  return s.startsWith('<rootDir>') ? join(rootDir, s.slice('<rootDir>'.length)) : s;
}

// Jest's _replaceRootDirTags for strings that are not paths (regexes, globs): substituted anywhere, as-is.
function replaceTags(rootDir: string, s: string): string {
  return s.replaceAll('<rootDir>', rootDir);
}

async function loadPreset(rootDir: string, preset: string, where: string): Promise<Raw> {
  const spec = replaceRootDir(rootDir, preset);
  const base = spec.startsWith('.') || isAbsolute(spec) ? resolve(rootDir, spec) : undefined;
  const req = createRequire(join(rootDir, 'package.json'));
  const candidates = base ? [base, `${base}.json`, `${base}.js`, `${base}.cjs`, `${base}.mjs`] : ['.json', '.js', '.cjs', '.mjs'].map((e) => `${spec}/jest-preset${e}`);
  for (const c of candidates) {
    let file: string;
    try {
      file = base ? (isFile(c) ? c : '') : req.resolve(c);
    } catch {
      continue;
    }
    if (!file) continue;
    const raw = file.endsWith('.json') ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : await importConfigModule(file, '', `preset ${preset}`);
    if (!isPlainObject(raw)) throw new UsageError(`${where}: preset ${preset} does not export an object`);
    return raw;
  }
  throw new UsageError(`${where}: preset "${preset}" not found relative to rootDir ${rootDir} (needs jest-preset.js or jest-preset.json)`);
}

// jest-config's setupPreset: lists and maps from the preset go first, the rest is overridden.
function mergePreset(options: Raw, preset: Raw): Raw {
  const merged: Raw = { ...preset, ...options };
  for (const k of ['setupFiles', 'setupFilesAfterEnv', 'modulePathIgnorePatterns'] as const) {
    if (Array.isArray(options[k]) && Array.isArray(preset[k])) merged[k] = [...(preset[k] as unknown[]), ...(options[k] as unknown[])];
  }
  for (const k of ['moduleNameMapper', 'transform'] as const) {
    // The spread twice keeps the user's key order ahead while the user's values win.
    if (isPlainObject(options[k]) && isPlainObject(preset[k])) merged[k] = { ...options[k], ...preset[k], ...options[k] };
  }
  return merged;
}

async function normalizeJest(input: Raw, where: string): Promise<CompatProject> {
  const rootDir = input.rootDir as string;
  if (!existsSync(rootDir)) throw new UsageError(`${where}: rootDir ${rootDir} does not exist`);
  let o = input;
  if (typeof o.preset === 'string') o = mergePreset(o, await loadPreset(rootDir, o.preset, where));
  else if (o.preset !== undefined && o.preset !== null) throw new UsageError(`${where}: "preset" must be a string`);
  const paths = (key: string) => (stringList(o[key], where, key) ?? []).map((f) => resolveFile(rootDir, replaceRootDir(rootDir, f)));
  const testRegex = stringList(o.testRegex, where, 'testRegex') ?? [];
  const testMatchRaw = stringList(o.testMatch, where, 'testMatch');
  if (testRegex.length > 0 && testMatchRaw) throw new UsageError(`${where}: "testMatch" and "testRegex" cannot be used together`);
  const globRoot = rootDir.replace(/[()*{}[\]!?\\+@]/g, '\\$&');
  const include = testRegex.length > 0 ? [] : (testMatchRaw ?? JEST_DEFAULT_TEST_MATCH).map((g) => replaceTags(globRoot, g));
  const mapper = o.moduleNameMapper ?? {};
  if (!isPlainObject(mapper)) throw new UsageError(`${where}: "moduleNameMapper" must be an object of regex → path`);
  const alias: AliasRule[] = Object.entries(mapper).map(([pattern, to]) => {
    const list = stringList(to, where, `moduleNameMapper["${pattern}"]`) ?? [];
    try {
      new RegExp(pattern);
    } catch {
      throw new UsageError(`${where}: moduleNameMapper key ${JSON.stringify(pattern)} is not a valid regex`);
    }
    return { kind: 'map', pattern, flags: '', replacements: list.map((r) => replaceTags(rootDir, r)) };
  });
  const display = o.displayName;
  const name = typeof display === 'string' ? display : isPlainObject(display) && typeof display.name === 'string' ? display.name : undefined;
  const env = o.testEnvironment;
  if (env !== undefined && typeof env !== 'string') throw new UsageError(`${where}: "testEnvironment" must be a string`);
  const timeout = optNumber(o.testTimeout, where, 'testTimeout') ?? 5000;
  const project: CompatProject = {
    ...(name !== undefined ? { name } : {}),
    root: rootDir,
    include,
    exclude: [],
    testRegex,
    roots: (stringList(o.roots, where, 'roots') ?? ['<rootDir>']).map((r) => resolve(rootDir, replaceRootDir(rootDir, r))),
    // Jest puts rootDir into these regexes unescaped (normalizeUnmockedModulePathPatterns).
    ignore: (stringList(o.testPathIgnorePatterns, where, 'testPathIgnorePatterns') ?? [NODE_MODULES_REGEXP]).map((p) => replaceTags(rootDir, p)),
    extensions: stringList(o.moduleFileExtensions, where, 'moduleFileExtensions') ?? JEST_DEFAULT_EXTENSIONS,
    setupFiles: [...paths('setupFiles'), ...paths('setupFilesAfterEnv')],
    ...(typeof o.globalSetup === 'string' ? { globalSetup: [resolveFile(rootDir, replaceRootDir(rootDir, o.globalSetup))] } : {}),
    ...(typeof o.globalTeardown === 'string' ? { globalTeardown: resolveFile(rootDir, replaceRootDir(rootDir, o.globalTeardown)) } : {}),
    globals: o.injectGlobals !== false,
    environment: (env as string | undefined) ?? 'node',
    ...(isPlainObject(o.testEnvironmentOptions) ? { environmentOptions: o.testEnvironmentOptions as Record<string, unknown> } : {}),
    testTimeout: timeout,
    // Jest hooks time out after testTimeout; it has no separate option.
    hookTimeout: timeout,
    alias,
    isolate: true,
    env: {},
    mocks: {
      clearMocks: optBool(o.clearMocks, where, 'clearMocks') ?? false,
      mockReset: optBool(o.resetMocks, where, 'resetMocks') ?? false,
      restoreMocks: optBool(o.restoreMocks, where, 'restoreMocks') ?? false,
    },
    maxConcurrency: optNumber(o.maxConcurrency, where, 'maxConcurrency') ?? 5,
  };
  if (o.randomize !== undefined || o.seed !== undefined) {
    project.sequence = { shuffle: optBool(o.randomize, where, 'randomize') ?? false, ...(o.seed !== undefined ? { seed: optNumber(o.seed, where, 'seed') } : {}) };
  }
  const serializers = paths('snapshotSerializers');
  if (serializers.length) project.snapshotSerializers = serializers;
  const coverage = Object.fromEntries(Object.entries(o).filter(([k]) => /^(collectCoverage|coverage)/.test(k)));
  if (Object.keys(coverage).length) project.coverage = JSON.parse(JSON.stringify(coverage)) as unknown;
  return project;
}
