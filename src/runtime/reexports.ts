// `export { Draft } from './internal'` in TypeScript, where Draft is only a type: tsc and bundlers
// drop it, but a transform that sees one file at a time cannot know, and Node refuses to link a
// module that re-exports a name its source does not export. Such names are dropped here, after
// reading which names the source module really exports (following its `export *`).
import { init, parse } from 'es-module-lexer';

const NAMED_REEXPORT = /\bexport\s*\{[^}]*\}\s*from\s*['"]/;

/** Exported names of a module's code, or undefined when it cannot be read (then nothing is dropped). */
export type ExportsOf = (specifier: string, importer: string) => Promise<Set<string> | undefined>;

export async function dropMissingReexports(code: string, path: string, exportsOf: ExportsOf): Promise<string> {
  if (!NAMED_REEXPORT.test(code)) return code;
  await init;
  const [imports] = parse(code);
  let out = '';
  let at = 0;
  for (const imp of imports) {
    if (imp.d !== -1 || !imp.n) continue;
    const statement = code.slice(imp.ss, imp.se);
    const m = /^export\s*\{([^}]*)\}\s*from\s*/.exec(statement);
    if (!m) continue;
    const exported = await exportsOf(imp.n, path);
    if (!exported || exported.has('*')) continue;
    const kept = m[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .filter((entry) => {
        const local = entry.replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim();
        return local === 'default' ? exported.has('default') : exported.has(local);
      });
    const rest = statement.slice(m[0].length);
    // Every line stays where it was: the statement keeps its line breaks.
    const breaks = '\n'.repeat((m[1].match(/\n/g) ?? []).length);
    out += code.slice(at, imp.ss) + (kept.length ? `export { ${kept.join(', ')} }${breaks} from ${rest}` : `import ${rest}${breaks}`);
    at = imp.se;
  }
  return at === 0 ? code : out + code.slice(at);
}

/** The names a module's code exports, with `export *` followed through `starExports`. */
export async function exportNames(code: string, starExports: (specifier: string) => Promise<Set<string> | undefined>): Promise<Set<string>> {
  await init;
  const [imports, exports] = parse(code);
  const names = new Set(exports.map((e) => e.n));
  for (const imp of imports) {
    if (imp.d !== -1 || !imp.n) continue;
    const statement = code.slice(imp.ss, imp.se);
    if (!/^export\s*\*\s*from/.test(statement)) continue;
    const more = await starExports(imp.n);
    // Unknown (a package, a file that would not read): anything may come through it.
    if (!more) return new Set(['*']);
    for (const n of more) if (n !== 'default') names.add(n);
  }
  return names;
}
