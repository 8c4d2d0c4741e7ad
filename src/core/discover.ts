// Finds test files: config globs, narrowed by paths given on the command line.
import { statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { UsageError } from './errors.js';

export const DEFAULT_INCLUDE = ['**/*.{test,spec}.{ts,mts,cts,tsx,js,mjs,cjs,jsx}'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/dist/**', '**/.git/**', '**/.qa/**'];

export interface DiscoverOptions {
  root: string;
  include: string[];
  exclude: string[];
  /** Files or folders from the command line (ids already split off); empty = everything. */
  paths: string[];
  /** Finds the files instead of the include/exclude globs (a Vitest or Jest config's own rules). */
  list?: () => Promise<string[]>;
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Test files as root-relative posix paths, sorted for a stable order. */
export async function discover(opts: DiscoverOptions): Promise<string[]> {
  const all = opts.list ? await opts.list() : await fg(opts.include, { cwd: opts.root, ignore: opts.exclude, onlyFiles: true, dot: false });
  if (opts.paths.length === 0) return all.sort();
  const wanted = opts.paths.map((p) => {
    const abs = resolve(opts.root, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    const rel = toPosix(relative(opts.root, abs));
    return { arg: p, rel, isDir };
  });
  const picked = new Set<string>();
  for (const w of wanted) {
    const before = picked.size;
    for (const f of all) {
      if (w.rel === '' || f === w.rel || (w.isDir && f.startsWith(w.rel + '/'))) picked.add(f);
    }
    // A file named explicitly runs even if the include globs would not have found it.
    if (!w.isDir && picked.size === before && !w.rel.startsWith('..')) picked.add(w.rel);
    else if (picked.size === before && w.isDir) {
      throw new UsageError(`no test files under ${w.arg} (include: ${opts.include.join(', ')})`);
    }
  }
  return [...picked].sort();
}
