// Watch sessions and isolated runs: CommonJS. `require()` (in a .cjs or CommonJS .js file, or through createRequire)
// never reaches the module hooks, and an ES import of a CommonJS module is served from
// require.cache whatever its `?qa=N` says. So the worker watches Module._load itself: every
// require between two project files is an import edge for the graph, and invalidated modules are
// evicted from require.cache so their next require or import evaluates the file afresh.
import Module from 'node:module';
import { isBuiltin } from 'node:module';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ModuleInternals {
  _load(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean): string;
  _cache: Record<string, NodeJS.Module | undefined>;
}

const M = Module as unknown as ModuleInternals;
const IGNORED_DIR = /[\\/](node_modules|\.git|\.qa|dist)[\\/]/;
/** qa's own files (dist/ when bundled) are never project modules. */
const OWN_DIR = fileURLToPath(new URL('./', import.meta.url));

let root: string | undefined;
let pending: Array<[string, string]> = [];

function isProjectFile(path: string, under = root): boolean {
  if (!under || !path.startsWith(under) || path.startsWith(OWN_DIR)) return false;
  return !IGNORED_DIR.test(path.slice(under.length - 1));
}

const toRel = (path: string): string => {
  const rel = relative(root!, path);
  return sep === '/' ? rel : rel.split(sep).join('/');
};

/** Records every `require` from one project file of `projectRoot` to another. Idempotent. */
export function trackRequires(projectRoot: string): void {
  if (root !== undefined) return;
  root = resolve(projectRoot) + sep;
  const load = M._load;
  M._load = function (this: unknown, request: string, parent: NodeJS.Module | null | undefined, isMain: boolean) {
    // Before loading: a module that throws while it evaluates is still an import to rerun for.
    const from = parent?.filename;
    if (from && isProjectFile(from) && !isBuiltin(request)) {
      try {
        const to = M._resolveFilename(request, parent, isMain);
        if (isProjectFile(to)) pending.push([toRel(from), toRel(to)]);
      } catch {
        // Not found: the require throws below, as it would without qa.
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return load.apply(this, arguments as unknown as Parameters<typeof load>);
  };
}

/** Requires between project files seen since the last call, as root-relative `[from, to]`. */
export function takeRequires(): Array<[string, string]> {
  const edges = pending;
  pending = [];
  return edges;
}

/** Drops these root-relative modules from require.cache: the next require evaluates them again. */
export function evictRequired(projectRoot: string, modules: string[]): void {
  for (const m of modules) delete M._cache[resolve(projectRoot, m)];
}

/**
 * Isolated runs: every project module leaves require.cache before a test file is imported, so
 * the file's requires (and its ES imports of CommonJS modules) evaluate their own instances.
 */
export function takeProjectRequires(projectRoot: string): Record<string, NodeJS.Module> {
  const under = resolve(projectRoot) + sep;
  const taken: Record<string, NodeJS.Module> = {};
  for (const path of Object.keys(M._cache)) {
    if (!isProjectFile(path, under)) continue;
    taken[path] = M._cache[path]!;
    delete M._cache[path];
  }
  return taken;
}

export function restoreRequires(modules: Record<string, NodeJS.Module>): void {
  Object.assign(M._cache, modules);
}
