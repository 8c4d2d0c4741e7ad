// Which test files import a module, found by reading the source, not by running it: the yardstick
// the watch benchmark (and the demo-suite watch test) hold qa's selection against. It reads
// relative `import ... from`, `export ... from`, `import('...')` and `require('...')` (type-only
// imports are erased when TypeScript is stripped, so they do not count) and follows them
// transitively. A regex scan, not a parser: good for the suites in this repository.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SPECIFIERS = [
  // import x from './a.js', import { x } from './a.js', export * from './a.js' (not `import type`)
  /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm,
  // import('./a.js'), require('./a.cjs'), createRequire(...)('./a.cjs')
  /(?:\bimport|\brequire|\))\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
];

const CODE = /\.(c|m)?[jt]sx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.qa', 'dist']);

/** Every code file under `root` (root-relative, posix). */
export function codeFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...codeFiles(root, path));
    else if (CODE.test(name)) out.push(posix(relative(root, path)));
  }
  return out.sort();
}

const posix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** What `spec` imported from `from` is on disk: `./x.js` from TypeScript means x.ts, as tsc reads it. */
function resolveSpecifier(root: string, from: string, spec: string): string | undefined {
  const base = resolve(root, dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base.replace(/\.cjs$/, '.cts'), `${base}.ts`, `${base}.js`];
  const hit = candidates.find((c) => CODE.test(c) && existsSync(c) && statSync(c).isFile());
  return hit ? posix(relative(root, hit)) : undefined;
}

/** module → the project modules it imports, read from the source. */
export function staticImports(root: string, files = codeFiles(root)): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const deps = new Set<string>();
    for (const re of SPECIFIERS) {
      for (const m of text.matchAll(re)) {
        const hit = resolveSpecifier(root, file, m[1]);
        if (hit) deps.add(hit);
      }
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The test files among `changed` and everything importing it, directly or transitively (sorted). */
export function staticImporters(graph: Map<string, Set<string>>, changed: string, isTest: (file: string) => boolean): string[] {
  const into = new Map<string, string[]>();
  for (const [from, deps] of graph) for (const to of deps) into.set(to, [...(into.get(to) ?? []), from]);
  const seen = new Set<string>();
  const stack = [changed];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(into.get(f) ?? []));
  }
  return [...seen].filter(isTest).sort();
}
