// Finds test files per project the way Vitest (globs from root) or Jest (roots walk + filters) would.
import { extname, relative, resolve } from 'node:path';
import fg from 'fast-glob';
import { toPosix } from '../core/discover.js';
import type { CompatConfig, CompatProject } from './config-model.js';

import picomatch from 'picomatch';


export async function discoverCompatFiles(config: CompatConfig, root: string): Promise<Array<{ file: string; project: number }>> {
  const out: Array<{ file: string; project: number }> = [];
  for (const [i, p] of config.projects.entries()) {
    const files = config.flavor === 'jest' ? await jestFiles(p) : await vitestFiles(p);
    for (const abs of files) out.push({ file: toPosix(relative(root, abs)), project: i });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.project - b.project));
}

async function vitestFiles(p: CompatProject): Promise<string[]> {
  // Vitest globs with dot files included and the user's exclude as the only ignore list.
  return fg(p.include, { cwd: p.dir ?? p.root, ignore: p.exclude, absolute: true, onlyFiles: true, dot: true });
}

async function jestFiles(p: CompatProject): Promise<string[]> {
  const exts = new Set(p.extensions ?? []);
  const match = p.include.length ? globsToMatcher(p.include) : () => true;
  const ignore = p.ignore?.length ? new RegExp(p.ignore.join('|')) : undefined;
  const regexes = (p.testRegex ?? []).map((r) => new RegExp(r));
  const found = new Set<string>();
  for (const r of p.roots ?? [p.root]) {
    // jest-haste-map never keeps node_modules or VCS folders.
    const all = await fg('**/*', { cwd: r, absolute: true, onlyFiles: true, dot: true, ignore: ['**/node_modules/**', '**/.git/**', '**/.hg/**', '**/.sl/**'] });
    for (const f of all) {
      const abs = resolve(f);
      if (!exts.has(extname(abs).slice(1))) continue;
      if (!match(toPosix(abs))) continue;
      if (ignore?.test(abs)) continue;
      if (regexes.length && !regexes.some((re) => re.test(abs))) continue;
      found.add(abs);
    }
  }
  return [...found];
}

// jest-util's globsToMatcher: negated globs only filter out, unless every glob is negated.
function globsToMatcher(globs: string[]): (path: string) => boolean {
  const matchers = globs.map((g) => {
    const isMatch = picomatch(g, { dot: true }, true);
    return { isMatch, negated: isMatch.state.negated || !!isMatch.state.negatedExtglob };
  });
  return (path) => {
    let kept: boolean | undefined;
    let negatives = 0;
    for (const { isMatch, negated } of matchers) {
      if (negated) negatives++;
      const matched = isMatch(path);
      if (!matched && negated) kept = false;
      else if (matched && !negated) kept = true;
    }
    return negatives === matchers.length ? kept !== false : !!kept;
  };
}
