// The names a module offers its importers, read from its code without running it, the way Node
// itself finds them: an ES module's exports (following `export *`), a CommonJS module's
// `exports.x =` assignments and re-exports as cjs-module-lexer sees them, a built-in's keys. A
// module mock must declare its exports before its factory runs, and these are what importers ask for.
import { init as initCjs, parse as parseCjs } from 'cjs-module-lexer';
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportNames } from './reexports.js';

const cache = new Map<string, Promise<Set<string>>>();

/** Names of the module at `url` (a file URL or `node:x`); `project` reads project files (TypeScript included). */
export function moduleNames(url: string, project: (path: string) => Promise<Set<string> | undefined>): Promise<Set<string>> {
  if (isBuiltin(url)) return import(url).then((ns: Record<string, unknown>) => new Set(Object.keys(ns)));
  const path = fileURLToPath(url);
  return path.includes('/node_modules/') ? packageNames(path) : project(path).then((names) => names ?? new Set());
}

function packageNames(path: string, seen = new Set<string>()): Promise<Set<string>> {
  let names = cache.get(path);
  if (!names) {
    names = read(path, seen).catch(() => new Set<string>());
    cache.set(path, names);
  }
  return names;
}

async function read(path: string, seen: Set<string>): Promise<Set<string>> {
  seen.add(path);
  const code = await readFile(path, 'utf8');
  const follow = (spec: string): Promise<Set<string> | undefined> => {
    const target = spec.startsWith('.') ? resolvePath(dirname(path), spec) : tryResolve(path, spec);
    return target && !seen.has(target) ? packageNames(target, seen) : Promise.resolve(undefined);
  };
  const esm = path.endsWith('.mjs') ? true : path.endsWith('.cjs') ? false : undefined;
  if (esm !== false) {
    const names = await exportNames(code, follow, esm === true);
    if (names) return new Set([...names].filter((n) => n !== '*'));
  }
  await initCjs();
  const { exports, reexports } = parseCjs(code);
  const names = new Set(exports);
  for (const spec of reexports) for (const n of (await follow(spec)) ?? []) names.add(n);
  return names;
}

function tryResolve(from: string, spec: string): string | undefined {
  try {
    return createRequire(from).resolve(spec);
  } catch {
    return undefined;
  }
}
