// Resolution as bundlers and TypeScript do it, for imports written in project files: specifiers
// without an extension, folders with an index, a `.js` that names a `.ts`, tsconfig `paths`, and the
// aliases a Vite or Jest config declares. Node's own resolver stays in charge of everything else
// (packages, builtins, exact paths), so a project written for Node resolves exactly as on Node.
import { statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPathsMatcher, getTsconfig } from 'get-tsconfig';
import type { AliasRule } from '../compat/config-model.js';
import type { JsxOptions } from './transform.js';

/** Vite's default `resolve.extensions`, then the TypeScript flavours Vite leaves to plugins. */
const EXTENSIONS = ['.mjs', '.js', '.mts', '.ts', '.jsx', '.tsx', '.json', '.cts', '.cjs'];
/** What a compiled-output extension names in the source tree, as TypeScript's resolver reads it. */
const SOURCE_OF: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

const kinds = new Map<string, 'file' | 'dir' | null>();
function kind(path: string): 'file' | 'dir' | null {
  let k = kinds.get(path);
  if (k === undefined) {
    const st = statSync(path, { throwIfNoEntry: false });
    k = st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : null;
    kinds.set(path, k);
  }
  return k;
}

/** The file a path names for a bundler: itself, its source twin, with an extension, or its folder's index. */
export function probe(path: string): string | undefined {
  if (kind(path) === 'file') return path;
  const ext = extname(path);
  for (const twin of SOURCE_OF[ext] ?? []) {
    const candidate = path.slice(0, -ext.length) + twin;
    if (kind(candidate) === 'file') return candidate;
  }
  for (const e of EXTENSIONS) if (kind(path + e) === 'file') return path + e;
  if (kind(path) === 'dir') for (const e of EXTENSIONS) if (kind(join(path, `index${e}`)) === 'file') return join(path, `index${e}`);
  return undefined;
}

const isPathLike = (s: string) => s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..' || isAbsolute(s);

export interface ProjectResolver {
  /**
   * Specifiers to try for `specifier` imported by the project file `parentPath`, in order: an
   * absolute path already probed, or a rewritten specifier for Node to resolve. Empty when Node
   * should resolve the original as it is.
   */
  candidates(specifier: string, parentPath: string): string[];
}

export function projectResolver(root: string, alias: readonly AliasRule[]): ProjectResolver {
  const tsconfig = getTsconfig(root);
  const paths = tsconfig ? createPathsMatcher(tsconfig) : null;
  const rules = alias.map((rule) => (rule.kind === 'prefix' ? rule : { ...rule, regex: new RegExp(rule.pattern, rule.flags) }));

  /** Alias rules first (the config's order), as Vite and Jest apply them before anything else. */
  function aliased(spec: string): string[] {
    for (const rule of rules) {
      if (rule.kind === 'prefix') {
        if (spec === rule.find) return [rule.replacement];
        if (spec.startsWith(rule.find.endsWith('/') ? rule.find : `${rule.find}/`)) {
          return [rule.replacement.replace(/\/$/, '') + spec.slice(rule.find.replace(/\/$/, '').length)];
        }
      } else if ('regex' in rule) {
        rule.regex.lastIndex = 0;
        if (!rule.regex.test(spec)) continue;
        rule.regex.lastIndex = 0;
        if (rule.kind === 'replace') return [spec.replace(rule.regex, rule.replacement)];
        const match = spec.match(rule.regex)!;
        return rule.replacements.map((r) => r.replace(/\$(\d+)/g, (_, n: string) => match[Number(n)] ?? ''));
      }
    }
    return [];
  }

  return {
    candidates(spec, parentPath) {
      const found: string[] = [];
      const targets = aliased(spec);
      if (targets.length === 0 && paths && !isPathLike(spec)) targets.push(...paths(spec));
      for (const target of targets) {
        if (isPathLike(target) || target.startsWith('file:')) {
          const abs = target.startsWith('file:') ? fileURLToPath(target) : resolvePath(dirname(parentPath), target);
          const file = probe(abs);
          if (file) found.push(file);
        } else found.push(target);
      }
      if (targets.length === 0 && isPathLike(spec)) {
        const file = probe(resolvePath(dirname(parentPath), spec));
        if (file) found.push(file);
      }
      return found;
    },
  };
}

/**
 * What the tsconfig says about emitting: JSX (React's automatic runtime unless it says otherwise),
 * and whether class fields are defined (ES2022 semantics) or, as TypeScript does for older targets
 * unless told, fields without an initializer are left out.
 */
export function emitOptions(root: string): JsxOptions {
  const options = getTsconfig(root)?.config.compilerOptions;
  const target = String(options?.target ?? 'es2015').toLowerCase();
  const modernTarget = target === 'esnext' || (/^es(\d{4})$/.test(target) && Number(target.slice(2)) >= 2022);
  return {
    runtime: options?.jsx === 'react' ? 'classic' : 'automatic',
    importSource: options?.jsxImportSource ?? 'react',
    pragma: options?.jsxFactory,
    pragmaFrag: options?.jsxFragmentFactory,
    // Without a tsconfig there is no older target to honour.
    defineFields: options === undefined || (options.useDefineForClassFields ?? modernTarget),
  };
}
