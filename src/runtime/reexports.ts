// Names a module imports or re-exports from a project module that does not export them. Vite's
// module runner gives such an import `undefined`, and tsc and bundlers drop a type re-exported
// without `export type` (`export { Draft } from './internal'`); Node refuses to link either. So,
// after reading which names the source module really exports (following its `export *`), a
// missing re-export is dropped and a missing import becomes an `undefined` constant.
import { init, parse } from 'es-module-lexer';

const NAMED = /\b(?:import|export)\s*[\w$]*\s*,?\s*\{[^}]*\}\s*from\s*['"]|\bimport\s+[\w$]+\s+from\s*['"]/;
const IMPORT = /^import\s+(?!type\b)(?:([\w$]+)\s*(?:,\s*)?)?(?:\{([^}]*)\})?\s*from\s*/;
const REEXPORT = /^export\s*\{([^}]*)\}\s*from\s*/;

/** Exported names of a module's code, or undefined when it cannot be read (then nothing is changed). */
export type ExportsOf = (specifier: string, importer: string) => Promise<Set<string> | undefined>;

interface Entry {
  /** The name in the source module. */
  name: string;
  text: string;
  /** The local binding (imports only). */
  local: string;
}

function entries(list: string): Entry[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      const [name, local] = text.replace(/^type\s+/, '').split(/\s+as\s+/).map((s) => s.trim());
      return { name: name.replace(/^['"]|['"]$/g, ''), text, local: local ?? name };
    });
}

export async function tolerateMissingBindings(code: string, path: string, exportsOf: ExportsOf): Promise<string> {
  if (!NAMED.test(code)) return code;
  await init;
  let imports;
  try {
    [imports] = parse(code);
  } catch {
    return code; // Node reports the syntax error with a better message
  }
  let out = '';
  let at = 0;
  for (const imp of imports) {
    if (imp.d !== -1 || !imp.n || imp.t !== 1) continue;
    const statement = code.slice(imp.ss, imp.se);
    const reexport = REEXPORT.exec(statement);
    const named = reexport ? undefined : IMPORT.exec(statement);
    if (!reexport && !named) continue;
    const exported = await exportsOf(imp.n, path);
    if (!exported || exported.has('*')) continue;
    const head = (reexport ?? named)![0];
    const rest = statement.slice(head.length);
    // Every line stays where it was: the statement keeps its line breaks.
    const breaks = '\n'.repeat((head.match(/\n/g) ?? []).length);
    let replacement: string;
    if (reexport) {
      const kept = entries(reexport[1]).filter((e) => exported.has(e.name));
      if (kept.length === entries(reexport[1]).length) continue;
      replacement = kept.length ? `export { ${kept.map((e) => e.text).join(', ')} } from ${rest}${breaks}` : `import ${rest}${breaks}`;
    } else {
      const [, defaultName, list] = named!;
      const all = entries(list ?? '');
      const kept = all.filter((e) => exported.has(e.name));
      const keepDefault = defaultName !== undefined && exported.has('default');
      const missing = [...all.filter((e) => !exported.has(e.name)).map((e) => e.local), ...(defaultName !== undefined && !keepDefault ? [defaultName] : [])];
      if (missing.length === 0) continue;
      const bindings = [...(keepDefault ? [defaultName] : []), ...(kept.length ? [`{ ${kept.map((e) => e.text).join(', ')} }`] : [])];
      replacement = `${bindings.length ? `import ${bindings.join(', ')} from ${rest}` : `import ${rest}`}; const ${missing.map((m) => `${m} = undefined`).join(', ')};${breaks}`;
    }
    out += code.slice(at, imp.ss) + replacement;
    at = imp.se;
  }
  return at === 0 ? code : out + code.slice(at);
}

/**
 * The names a module's code exports, with `export *` followed through `starExports`; undefined
 * for JavaScript without ES module syntax (CommonJS), whose names only Node's reading knows.
 */
export async function exportNames(code: string, starExports: (specifier: string) => Promise<Set<string> | undefined>, esm: boolean): Promise<Set<string> | undefined> {
  await init;
  const [imports, exports, , hasModuleSyntax] = parse(code);
  // TypeScript is always a module here, also when its types were all it exported.
  if (!hasModuleSyntax && !esm) return undefined;
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
