// Node module hooks that let workers (and the config loader) import TypeScript, JSX and the
// specifiers bundlers accept (bundler-resolve.ts), and that give test files importing 'vitest' or
// '@jest/globals' qa's own versions of those modules. Measured per worker start on this machine:
// hooks with sucrase ~+45 ms over plain node, with esbuild's transform ~+95 ms (it starts a
// service process), tsx ~+120 ms.
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import type { AliasRule } from '../compat/config-model.js';
import { emitOptions, projectResolver, type ProjectResolver } from './bundler-resolve.js';
import { hoistModuleMocks, mocksModules } from './hoist.js';
import { MOCK_SCHEME, mocked, mockModuleSource, mockRequest, resetQuery } from './mock-hooks.js';
import { moduleNames } from './module-names.js';
import { exportNames, tolerateMissingBindings } from './reexports.js';
import { compile, fillsExports, interopPackageImports, transformsFor, withCommonJsNames, type JsxOptions } from './transform.js';

type Next<A extends unknown[], R> = (...args: A) => Promise<R>;
interface ResolveContext { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadContext { format?: string | null; importAttributes?: Record<string, string> }
interface LoadResult { format: string; source?: string | Buffer; shortCircuit?: boolean }

/**
 * Watch sessions (workers started by `qa watch`): the hooks report every import between two
 * project files to the worker's main thread, and give project modules a generation query
 * (`?qa=N`) that the controller bumps when a module or anything it imports changes, so a new
 * import evaluates fresh code while unchanged modules stay cached.
 */
export interface WatchHookData {
  port: MessagePort;
  /** Project root as a file: URL ending in '/'. */
  root: string;
  /** URL prefixes that are never project modules (qa itself). */
  skip: string[];
}

export interface HookData {
  watch?: WatchHookData;
  /** Project root (a path); the config loader's hooks use the working directory. */
  root?: string;
  alias?: AliasRule[];
  /** Bare specifier → URL of the module qa serves for it ('vitest' → qa's compat module). */
  replace?: Record<string, string>;
}

let watch: WatchHookData | undefined;
let resolver: ProjectResolver | undefined;
let replace: Record<string, string> = {};
let jsx: JsxOptions | undefined;
let root = process.cwd();
/** file URL (without query) → generation */
const generations = new Map<string, number>();
let pending: Array<[string, string]> = [];

export function initialize(data: HookData | undefined): void {
  root = data?.root ?? root;
  resolver = projectResolver(root, data?.alias ?? []);
  replace = data?.replace ?? {};
  const port = data?.watch?.port;
  if (!port) return;
  watch = data!.watch;
  port.on('message', (msg: { t: 'gen'; gen: number; urls: string[]; ack: number } | { t: 'flush'; ack: number }) => {
    if (msg.t === 'gen') for (const u of msg.urls) generations.set(u, msg.gen);
    const edges = pending;
    pending = [];
    port.postMessage({ t: 'ack', ack: msg.ack, edges });
  });
  port.unref();
}

const bare = (url: string): string => {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
};

const IGNORED_DIR = /\/(node_modules|\.git|\.qa|dist)\//;
const OWN = new URL('./', import.meta.url).href;

function isProjectFile(url: string): boolean {
  if (!watch || !url.startsWith(watch.root)) return false;
  if (IGNORED_DIR.test(url.slice(watch.root.length - 1))) return false;
  return !watch.skip.some((s) => url.startsWith(s));
}

/** Code the project wrote (not a package, not qa): where bundler-style imports are allowed. */
const isSource = (url: string | undefined): url is string => !!url && url.startsWith('file:') && !url.includes('/node_modules/') && !url.startsWith(OWN);

/** The real runner's own packages keep their own imports; everything else that names them gets qa's. */
const RUNNER_PACKAGE = /\/node_modules\/(vitest|@vitest\/[^/]+|@jest\/[^/]+|jest-[^/]+)\//;

async function resolveProject(specifier: string, context: ResolveContext, next: Next<[string, ResolveContext], ResolveResult>): Promise<ResolveResult> {
  const served = replace[specifier];
  if (served && !(context.parentURL && RUNNER_PACKAGE.test(context.parentURL))) return { url: served, shortCircuit: true };
  const parent = context.parentURL;
  if (!isSource(parent) || specifier.startsWith('node:')) return next(specifier, context);
  const candidates = resolver!.candidates(specifier, fileURLToPath(bare(parent)));
  for (const candidate of candidates) {
    if (candidate.startsWith('/')) return { url: pathToFileURL(candidate).href, shortCircuit: true };
    try {
      return await next(candidate, context);
    } catch {
      // the next candidate, then the specifier as written
    }
  }
  // Node's own resolution, and its error naming the specifier the user wrote.
  return next(specifier, context);
}

/** `?qa-iso=N`: the test file import N of an isolated run, and every project module it reaches. */
const ISOLATED = /[?&]qa-iso=(\d+)/;

export async function resolve(specifier: string, context: ResolveContext, next: Next<[string, ResolveContext], ResolveResult>): Promise<ResolveResult> {
  if (specifier.startsWith(MOCK_SCHEME)) return mockRequest(specifier, context, (s, c) => resolveReal(s, c, next), root);
  const result = await resolveReal(specifier, context, next);
  return mocked(result, context.parentURL) ?? result;
}

async function resolveReal(specifier: string, context: ResolveContext, next: Next<[string, ResolveContext], ResolveResult>): Promise<ResolveResult> {
  const result = await resolveProject(specifier, context, next);
  if (!result.url.startsWith('file:')) return result;
  // Isolation: a project module imported on behalf of test file import N is its own instance,
  // evaluated afresh; packages and qa stay shared, as in Vitest.
  const iso = context.parentURL?.match(ISOLATED)?.[1];
  if (!watch && !iso) return result;
  const url = bare(result.url);
  const query: string[] = [];
  if (watch && isProjectFile(url)) {
    const parent = context.parentURL ? bare(context.parentURL) : undefined;
    if (parent && isProjectFile(parent)) pending.push([parent, url]);
    const gen = generations.get(url);
    if (gen !== undefined) query.push(`qa=${gen}`);
  }
  if (iso && isSource(url)) {
    query.push(`qa-iso=${iso}`);
    const reset = resetQuery(iso);
    if (reset) query.push(reset);
  }
  if (!query.length) return result;
  const own = result.url.slice(url.length).replace(/^\?/, '');
  return { ...result, url: `${url}?${own ? `${own}&` : ''}${query.join('&')}` };
}

function compiled(path: string, transforms: NonNullable<ReturnType<typeof transformsFor>>): Promise<string> {
  return readFile(path, 'utf8').then((source) => compile(path, source, transforms, (jsx ??= emitOptions(root)), !transforms.includes('imports')));
}

/** What a project module exports, read from its code; undefined for anything else (a package). */
const exported = new Map<string, Promise<Set<string> | undefined>>();
function exportsOf(specifier: string, importer: string): Promise<Set<string> | undefined> {
  const file = resolver!.candidates(specifier, importer).find((c) => c.startsWith('/'));
  if (!file || file.includes('/node_modules/')) return Promise.resolve(undefined);
  let names = exported.get(file);
  if (!names) {
    // A cycle of `export *` reads as "anything": nothing is dropped on its account.
    exported.set(file, Promise.resolve(new Set(['*'])));
    const transforms = transformsFor(file);
    names = (transforms ? compiled(file, transforms) : readFile(file, 'utf8'))
      .then((code) => (!transforms && fillsExports(code) ? undefined : exportNames(code, (star) => exportsOf(star, file), transforms !== undefined)))
      .catch(() => undefined);
    exported.set(file, names);
  }
  return names;
}

/**
 * A project ES module as it can link under qa: mock calls hoisted (its imports become dynamic, and
 * need no link tolerance), else imports of names nobody exports dropped and packages' named exports read whole.
 */
async function linkable(code: string, path: string, shim: (code: string) => string = (c) => c): Promise<string> {
  if (mocksModules(code)) {
    const hoisted = await hoistModuleMocks(code, path);
    if (hoisted !== undefined) return shim(hoisted);
  }
  return interopPackageImports(shim(await tolerateMissingBindings(code, path, exportsOf)), isBuiltin);
}

const STYLE = /\.(css|scss|sass|less|styl|stylus|pcss|postcss)$/;
const ASSET = /\.(png|jpe?g|gif|svg|ico|webp|avif|bmp|woff2?|eot|ttf|otf|mp4|webm|mp3|wav|ogg|txt|md)$/;

export async function load(url: string, context: LoadContext, next: Next<[string, LoadContext], LoadResult>): Promise<LoadResult> {
  if (url.startsWith(MOCK_SCHEME)) {
    const source = await mockModuleSource(url, (key) => moduleNames(key, (path) => exportsOf(path, path)));
    return { format: 'module', source, shortCircuit: true };
  }
  if (!url.startsWith('file:')) return next(url, context);
  const path = fileURLToPath(bare(url));
  const transforms = transformsFor(path);
  if (transforms) {
    const esm = !transforms.includes('imports');
    const code = await compiled(path, transforms);
    return { format: esm ? 'module' : 'commonjs', source: esm && isSource(url) ? await linkable(code, path) : code, shortCircuit: true };
  }
  if (!isSource(url)) return next(url, context);
  // What a bundler makes of files that are not JavaScript: JSON without `with { type: 'json' }`,
  // styles as nothing (CSS modules as their class names), assets as their path.
  if (path.endsWith('.json') && context.importAttributes?.type !== 'json') {
    return { format: 'module', source: `export default JSON.parse(${JSON.stringify(await readFile(path, 'utf8'))});`, shortCircuit: true };
  }
  if (STYLE.test(path)) {
    const source = /\.module\.\w+$/.test(path) ? 'export default new Proxy({}, { get: (_, key) => key });' : "export default '';";
    return { format: 'module', source, shortCircuit: true };
  }
  if (ASSET.test(path)) return { format: 'module', source: `export default ${JSON.stringify(path)};`, shortCircuit: true };
  const result = await next(url, context);
  // An ES module that also uses require, module.exports or __dirname, as babel-jest and Vitest allow.
  if (result.format === 'module' && result.source !== undefined) {
    return { ...result, source: await linkable(String(result.source), path, withCommonJsNames) };
  }
  return result;
}
