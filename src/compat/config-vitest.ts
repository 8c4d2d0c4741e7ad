// Reads a Vitest config (vitest.config.*, vite.config.* with tests, projects) into CompatProjects.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { UsageError } from '../core/errors.js';
import type { AliasRule, CompatConfig, CompatProject } from './config-model.js';
import { firstLine, importConfigModule, isPlainObject, isRegExp, optBool, optNumber, resolveFile, stringList } from './shared.js';

const EXTS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];
// Vitest 4's configDefaults (node_modules/vitest/dist/chunks/defaults.*.js).
export const VITEST_DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];
export const VITEST_DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**'];
const CONFIG_ENV = { command: 'serve', mode: 'test' } as const;

type Raw = Record<string, unknown>;

/** Vitest's own order: a vitest.config wins; a vite.config counts only if it is meant for tests. */
export function findVitestConfigFile(root: string): string | undefined {
  for (const ext of EXTS) {
    const p = join(root, `vitest.config.${ext}`);
    if (existsSync(p)) return p;
  }
  for (const ext of EXTS) {
    const p = join(root, `vite.config.${ext}`);
    if (existsSync(p) && (/\btest\s*:/.test(readFileSync(p, 'utf8')) || vitestIsDependency(root))) return p;
  }
  return undefined;
}

function vitestIsDependency(root: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((k) => pkg[k]?.vitest !== undefined);
  } catch {
    return false;
  }
}

type LoadConfigFromFile = (env: typeof CONFIG_ENV, file?: string, root?: string, logLevel?: string) => Promise<{ config: Raw } | null>;
type RunnerImport = (id: string, inline?: Raw) => Promise<{ module: { default?: unknown } }>;
interface ViteApi {
  loadConfigFromFile: LoadConfigFromFile;
  runnerImport?: RunnerImport;
}

/** The project's own vite, so `__dirname`, TS and plugins load exactly as under Vitest. */
async function projectVite(root: string): Promise<ViteApi | undefined> {
  let pkgFile: string;
  try {
    pkgFile = createRequire(join(root, 'package.json')).resolve('vite/package.json');
  } catch {
    return undefined;
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, unknown>; module?: string; main?: string };
  const dot = pkg.exports?.['.'];
  const entry = typeof dot === 'string' ? dot : isPlainObject(dot) ? pickImport(dot) : (pkg.module ?? pkg.main);
  if (!entry) return undefined;
  const mod = (await import(pathToFileURL(join(dirname(pkgFile), entry)).href)) as Partial<ViteApi>;
  return mod.loadConfigFromFile ? (mod as ViteApi) : undefined;
}

function pickImport(cond: Record<string, unknown>): string | undefined {
  for (const k of ['import', 'node', 'default']) {
    const v = cond[k];
    if (typeof v === 'string') return v;
    if (isPlainObject(v)) return pickImport(v);
  }
  return undefined;
}

export async function loadViteConfig(file: string, tsHooksUrl: string): Promise<Raw> {
  const label = basename(file);
  const vite = await projectVite(dirname(file));
  let raw: unknown;
  if (vite) {
    try {
      raw = (await vite.loadConfigFromFile(CONFIG_ENV, file, dirname(file), 'silent'))?.config ?? {};
    } catch (err) {
      throw new UsageError(`could not load ${label}: ${firstLine(err)}`);
    }
  } else {
    raw = await importConfigModule(file, tsHooksUrl, label);
    if (typeof raw === 'function') raw = await (raw as (env: typeof CONFIG_ENV) => unknown)(CONFIG_ENV);
  }
  if (!isPlainObject(raw)) throw new UsageError(`${label} must export an object or a function returning one`);
  return raw;
}

export interface VitestOptions {
  tsHooksUrl: string;
  project?: string[];
}

export async function readVitestConfig(file: string, opts: VitestOptions): Promise<CompatConfig> {
  const label = basename(file);
  const config = await loadViteConfig(file, opts.tsHooksUrl);
  const test = testOf(config, label);
  const rootDir = resolve(dirname(file), str(test.root ?? config.root, label, 'root') ?? '.');
  const entries = (test.projects ?? test.workspace ?? (await workspaceFile(rootDir, opts.tsHooksUrl))) as unknown;
  const skipped: Array<{ name: string; reason: string }> = [];
  let projects: CompatProject[];
  if (entries === undefined) {
    projects = [toProject(config, rootDir, label)];
  } else {
    if (!Array.isArray(entries)) throw new UsageError(`${label}: "test.projects" must be an array`);
    projects = [];
    for (const [i, entry] of entries.entries()) {
      for (const { raw, root, where } of await expandProject(entry, i, config, rootDir, label, opts.tsHooksUrl)) {
        const project = toProject(raw, root, where);
        const why = skipReason(raw);
        if (why) skipped.push({ name: project.name ?? basename(root), reason: why });
        else projects.push(project);
      }
    }
  }
  if (opts.project?.length) projects = pickProjects(projects, opts.project);
  return { flavor: 'vitest', source: label, projects, ...(skipped.length ? { skipped } : {}) };
}

/** A project that depends on Vitest and has no config runs with Vitest's defaults, as `npx vitest` would. */
export function vitestDefaults(dir: string, source: string): CompatConfig {
  return { flavor: 'vitest', source, projects: [toProject({}, dir, source)] };
}

// Vitest ≤ 3 read projects from a vitest.workspace / vitest.projects file next to the config.
async function workspaceFile(rootDir: string, tsHooksUrl: string): Promise<unknown> {
  for (const base of ['vitest.workspace', 'vitest.projects']) {
    for (const ext of [...EXTS, 'json']) {
      const p = join(rootDir, `${base}.${ext}`);
      if (!existsSync(p)) continue;
      if (ext === 'json') {
        try {
          return JSON.parse(readFileSync(p, 'utf8')) as unknown;
        } catch (err) {
          throw new UsageError(`could not read ${basename(p)}: ${firstLine(err)}`);
        }
      }
      // A workspace file exports an array, which loadConfigFromFile refuses; Vite's runner imports it.
      const vite = /\.[mc]?ts$/.test(p) ? await projectVite(rootDir) : undefined;
      if (vite?.runnerImport) {
        try {
          return (await vite.runnerImport(p, { root: rootDir, logLevel: 'silent' })).module.default;
        } catch (err) {
          throw new UsageError(`could not load ${basename(p)}: ${firstLine(err)}`);
        }
      }
      return importConfigModule(p, tsHooksUrl, basename(p));
    }
  }
  return undefined;
}

function testOf(config: Raw, where: string): Raw {
  const test = config.test ?? {};
  if (!isPlainObject(test)) throw new UsageError(`${where}: "test" must be an object`);
  return test;
}

interface Expanded {
  raw: Raw;
  root: string;
  where: string;
}

async function expandProject(entry: unknown, i: number, rootConfig: Raw, rootDir: string, label: string, tsHooksUrl: string): Promise<Expanded[]> {
  const where = `${label} test.projects[${i}]`;
  if (typeof entry === 'function') entry = await (entry as (env: typeof CONFIG_ENV) => unknown)(CONFIG_ENV);
  if (typeof entry === 'string') {
    const matches = await fg(entry, { cwd: rootDir, onlyFiles: false, absolute: true, ignore: ['**/node_modules/**'], dot: true });
    const out: Expanded[] = [];
    for (const m of matches.sort()) {
      const isDir = statSync(m).isDirectory();
      const cfgFile = isDir ? findVitestConfigFile(m) : m;
      if (!isDir && !/(^|\/)vite(st)?\.config\.|vitest\.(workspace|projects)\./.test(m)) continue;
      let raw: Raw = cfgFile ? await loadViteConfig(cfgFile, tsHooksUrl) : {};
      const root = resolve(cfgFile ? dirname(cfgFile) : m, str(testOf(raw, where).root ?? raw.root, where, 'root') ?? '.');
      const test = testOf(raw, where);
      // Vitest names an unnamed folder project after its package.json, else the folder.
      if (test.name === undefined) raw = { ...raw, test: { ...test, name: folderName(cfgFile ? dirname(cfgFile) : m) } };
      out.push({ raw, root, where: cfgFile ? basename(cfgFile) : where });
    }
    return out;
  }
  if (!isPlainObject(entry)) throw new UsageError(`${where} must be a glob string or a project config object`);
  let raw: Raw = entry;
  if (entry.extends === true) raw = mergeInto(withoutProjects(rootConfig), entry);
  else if (typeof entry.extends === 'string') raw = mergeInto(await loadViteConfig(resolve(rootDir, entry.extends), tsHooksUrl), entry);
  const root = resolve(rootDir, str(testOf(raw, where).root ?? raw.root, where, 'root') ?? '.');
  return [{ raw, root, where }];
}

function folderName(dir: string): string {
  try {
    const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // no package.json: the folder's name
  }
  return basename(dir);
}

function withoutProjects(config: Raw): Raw {
  const test = { ...(config.test as Raw | undefined) };
  delete test.projects;
  delete test.workspace;
  return { ...config, test };
}

// Vite's mergeConfig: arrays concatenate, objects merge, the later value wins otherwise.
function mergeInto(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'extends' || v === undefined) continue;
    const b = out[k];
    if (Array.isArray(b) && Array.isArray(v)) out[k] = [...b, ...v];
    else if (isPlainObject(b) && isPlainObject(v) && !isRegExp(v)) out[k] = mergeInto(b, v);
    else out[k] = v;
  }
  return out;
}

function skipReason(raw: Raw): string | undefined {
  const test = (raw.test ?? {}) as Raw;
  const browser = test.browser as Raw | undefined;
  if (browser?.enabled === true) return 'browser mode';
  const tc = test.typecheck as Raw | undefined;
  if (tc?.enabled === true && tc.only === true) return 'type checks only (typecheck.only)';
  const include = test.include;
  if (Array.isArray(include) && include.length > 0 && include.every((g) => typeof g === 'string' && /\.test-d\./.test(g))) return 'type checks only (*.test-d files)';
  return undefined;
}

function str(v: unknown, where: string, key: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new UsageError(`${where}: "${key}" must be a string`);
  return v;
}

function toProject(config: Raw, root: string, where: string): CompatProject {
  const test = testOf(config, where);
  const k = (key: string) => `test.${key}`;
  const name = typeof test.name === 'string' ? test.name : isPlainObject(test.name) && typeof test.name.label === 'string' ? test.name.label : undefined;
  const dir = str(test.dir, where, k('dir'));
  const resolveCfg = (config.resolve ?? {}) as Raw;
  const seq = test.sequence as Raw | undefined;
  const env = test.env ?? {};
  if (!isPlainObject(env)) throw new UsageError(`${where}: "test.env" must be an object`);
  const project: CompatProject = {
    ...(name !== undefined ? { name } : {}),
    root,
    include: stringList(test.include, where, k('include')) ?? VITEST_DEFAULT_INCLUDE,
    exclude: stringList(test.exclude, where, k('exclude')) ?? VITEST_DEFAULT_EXCLUDE,
    ...(dir !== undefined ? { dir: resolve(root, dir) } : {}),
    setupFiles: (stringList(test.setupFiles, where, k('setupFiles')) ?? []).map((f) => resolveFile(root, f)),
    ...(test.globalSetup !== undefined ? { globalSetup: (typeof test.globalSetup === 'string' ? [test.globalSetup] : (stringList(test.globalSetup, where, k('globalSetup')) ?? [])).map((f) => resolveFile(root, f)) } : {}),
    globals: optBool(test.globals, where, k('globals')) ?? false,
    environment: str(test.environment, where, k('environment')) ?? 'node',
    ...(isPlainObject(test.environmentOptions) ? { environmentOptions: test.environmentOptions as Record<string, unknown> } : {}),
    testTimeout: optNumber(test.testTimeout, where, k('testTimeout')) ?? 5000,
    hookTimeout: optNumber(test.hookTimeout, where, k('hookTimeout')) ?? 10000,
    alias: mergedAlias(test.alias, resolveCfg.alias, where),
    isolate: optBool(test.isolate, where, k('isolate')) ?? true,
    env: Object.fromEntries(Object.entries(env).map(([key, v]) => [key, String(v)])),
    mocks: {
      clearMocks: optBool(test.clearMocks, where, k('clearMocks')) ?? false,
      mockReset: optBool(test.mockReset, where, k('mockReset')) ?? false,
      restoreMocks: optBool(test.restoreMocks, where, k('restoreMocks')) ?? false,
      unstubEnvs: optBool(test.unstubEnvs, where, k('unstubEnvs')) ?? false,
      unstubGlobals: optBool(test.unstubGlobals, where, k('unstubGlobals')) ?? false,
    },
    maxConcurrency: optNumber(test.maxConcurrency, where, k('maxConcurrency')) ?? 5,
  };
  if (seq !== undefined) {
    if (!isPlainObject(seq)) throw new UsageError(`${where}: "test.sequence" must be an object`);
    const shuffle = isPlainObject(seq.shuffle) ? Boolean(seq.shuffle.files || seq.shuffle.tests) : optBool(seq.shuffle, where, 'test.sequence.shuffle');
    project.sequence = {
      ...(shuffle !== undefined ? { shuffle } : {}),
      ...(seq.concurrent !== undefined ? { concurrent: optBool(seq.concurrent, where, 'test.sequence.concurrent') } : {}),
      ...(seq.seed !== undefined ? { seed: optNumber(seq.seed, where, 'test.sequence.seed') } : {}),
    };
  }
  const serializers = stringList(test.snapshotSerializers, where, k('snapshotSerializers'));
  if (serializers) project.snapshotSerializers = serializers.map((f) => resolveFile(root, f));
  if (test.coverage !== undefined) project.coverage = jsonSafe(test.coverage);
  return project;
}

// Vitest hands test.alias to Vite as resolve.alias, and Vite's mergeAlias joins the two:
// two objects merge key by key (test.alias wins), otherwise test.alias's entries go first.
function mergedAlias(testAlias: unknown, resolveAlias: unknown, where: string): AliasRule[] {
  if (isPlainObject(testAlias) && isPlainObject(resolveAlias)) return aliasRules({ ...resolveAlias, ...testAlias }, where, 'resolve.alias');
  return [...aliasRules(testAlias, where, 'test.alias'), ...aliasRules(resolveAlias, where, 'resolve.alias')];
}

function aliasRules(v: unknown, where: string, key: string): AliasRule[] {
  if (v === undefined || v === null) return [];
  const pairs: Array<[unknown, unknown]> = Array.isArray(v)
    ? v.map((e) => (isPlainObject(e) ? [e.find, e.replacement] : [undefined, undefined]))
    : isPlainObject(v)
      ? Object.entries(v)
      : [[undefined, undefined]];
  return pairs.map(([find, replacement]) => {
    if (typeof replacement !== 'string') throw new UsageError(`${where}: "${key}" entries need a string replacement`);
    // Vite's normalizeSingleAlias: `a/` → `b/` means the same as `a` → `b`.
    if (typeof find === 'string' && find.endsWith('/') && replacement.endsWith('/')) return { kind: 'prefix', find: find.slice(0, -1), replacement: replacement.slice(0, -1) };
    if (typeof find === 'string') return { kind: 'prefix', find, replacement };
    if (isRegExp(find)) return { kind: 'replace', pattern: find.source, flags: find.flags, replacement };
    throw new UsageError(`${where}: "${key}" entries need a string or RegExp "find"`);
  });
}

/** Coverage options can hold RegExps or functions; keep what JSON can carry. */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (isRegExp(x) ? x.toString() : typeof x === 'function' ? undefined : x)) ?? 'null');
}

/** `--project` names with Vitest's wildcards; an unknown name is a usage error. */
export function pickProjects(projects: CompatProject[], wanted: string[]): CompatProject[] {
  const names = projects.map((p, i) => p.name ?? `#${i}`);
  const tests = wanted.map((w) => ({ w, re: new RegExp(`^${w.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`) }));
  for (const { w, re } of tests) {
    if (!names.some((n) => re.test(n))) throw new UsageError(`no project named "${w}"`, [`projects: ${names.join(', ') || '(none)'}`]);
  }
  return projects.filter((_p, i) => tests.some(({ re }) => re.test(names[i])));
}
