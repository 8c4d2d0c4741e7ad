// What a project file becomes before Node evaluates it: types stripped, JSX compiled, and the
// CommonJS names (`require`, `__dirname`…) that bundler-era test files use inside ES modules made
// real. sucrase keeps every line where it was, so stack traces need no source map. Every worker
// imports the same files: the first one to transform a file leaves the result on disk, keyed by
// content and options, and sucrase (a large module) loads only on a miss.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface JsxOptions {
  runtime: 'automatic' | 'classic';
  importSource: string;
  pragma?: string;
  pragmaFrag?: string;
  /** Class fields as ES2022 defines them; else TypeScript's older emit (uninitialised fields dropped). */
  defineFields: boolean;
}

type Sucrase = typeof import('sucrase');
type Transform = Sucrase['transform'];
type SucraseTransform = 'typescript' | 'jsx' | 'imports' | 'jest';

const CACHE = join(tmpdir(), `qa-lanes-ts-${process.getuid?.() ?? 'user'}`, 'v2');
let sucrase: Promise<Transform> | undefined;
// sucrase is CommonJS: bundled, its exports may sit on `default`.
export const loadSucrase = async (): Promise<Transform> => {
  const mod = (await import('sucrase')) as { transform?: Transform; default?: { transform: Transform } };
  return mod.transform ?? mod.default!.transform;
};

/** The sucrase passes a file's extension asks for; undefined: the file is JavaScript Node reads as it is. */
export function transformsFor(path: string): SucraseTransform[] | undefined {
  if (/\.m?ts$/.test(path)) return ['typescript'];
  if (path.endsWith('.tsx')) return ['typescript', 'jsx'];
  if (path.endsWith('.jsx')) return ['jsx'];
  if (path.endsWith('.cts')) return ['typescript', 'imports'];
  return undefined;
}

async function cached(key: string, make: () => Promise<string>): Promise<string> {
  const file = join(CACHE, `${key}.js`);
  try {
    return await readFile(file, 'utf8');
  } catch {
    // not cached yet
  }
  const code = await make();
  try {
    await mkdir(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  } catch {
    // A read-only or full temp dir only costs speed.
  }
  return code;
}

export function compile(path: string, source: string, transforms: SucraseTransform[], jsx: JsxOptions, esm: boolean): Promise<string> {
  const key = createHash('sha1').update(JSON.stringify([path, transforms, jsx, esm])).update('\0').update(source).digest('hex');
  return cached(key, async () => {
    const transform = await (sucrase ??= loadSucrase());
    const { code } = transform(source, {
      transforms,
      filePath: path,
      // sucrase drops fields without an initializer only when it lowers class fields, which
      // TypeScript's emit for targets before ES2022 amounts to (`subscribe!: Fn` must not shadow
      // the inherited method).
      disableESTransforms: jsx.defineFields,
      jsxRuntime: jsx.runtime,
      jsxImportSource: jsx.importSource,
      ...(jsx.pragma ? { jsxPragma: jsx.pragma } : {}),
      ...(jsx.pragmaFrag ? { jsxFragmentPragma: jsx.pragmaFrag } : {}),
      production: true,
    });
    return esm ? withCommonJsNames(code) : code;
  });
}

const FILLS_EXPORTS = /(?:^|[^.\w$])(?:module\.exports\s*=|exports\.[\w$]+\s*=)/m;
const EXPORT_STATEMENT = /(?:^|[;\n])\s*export\s+(?:default\b|const\b|let\b|var\b|function\b|async\b|class\b|\{|\*)/;

/**
 * A file that imports but exports by filling `exports` (what babel-jest accepts): only Node's
 * reading of it as CommonJS, or our export of module.exports, knows its names.
 */
export const fillsExports = (code: string): boolean => FILLS_EXPORTS.test(code) && !EXPORT_STATEMENT.test(code);

/** What its importers get, as babel's interop gives them: module.exports as the default, and each `exports.name`. */
function exportsAsModule(code: string): string {
  const names = [...new Set([...code.matchAll(/(?:^|[^.\w$])exports\.([\w$]+)\s*=/gm)].map((m) => m[1]))].filter((n) => n !== 'default');
  // Under names of their own: the file may declare the same names locally (`exports.f = f`).
  const bound = names.map((n) => `${n}: __qaExport_${n}`).join(', ');
  const listed = names.map((n) => `__qaExport_${n} as ${n}`).join(', ');
  return `export default module.exports;${names.length ? ` const { ${bound} } = module.exports; export { ${listed} };` : ''}`;
}

/** `__dirname` and friends in an ES module, as Vitest's module runner and Jest's CommonJS give them. */
const SHIMS: Array<[RegExp, RegExp, string]> = [
  [/\b__filename\b/, /\b(?:const|let|var|function|class)\s+__filename\b/, 'const __filename = __qaFileURLToPath(import.meta.url);'],
  [/\b__dirname\b/, /\b(?:const|let|var|function|class)\s+__dirname\b/, 'const __dirname = __qaDirname(__qaFileURLToPath(import.meta.url));'],
  [/\brequire\s*[(.]/, /\b(?:const|let|var|function|class)\s+require\b|import\s+require\b/, 'const require = __qaCreateRequire(import.meta.url);'],
  [/\b(?:module\.exports|exports\.\w+\s*=)/, /\b(?:const|let|var|function|class)\s+(?:module|exports)\b/, 'var module = { exports: {} }, exports = module.exports;'],
];

/**
 * Prepends the CommonJS names an ES module uses without declaring, on its first line so every
 * other line keeps its number. A module that uses none is left as it is.
 */
export function withCommonJsNames(code: string): string {
  const wanted = SHIMS.filter(([uses, declares]) => uses.test(code) && !declares.test(code)).map(([, , decl]) => decl);
  if (wanted.length === 0) return code;
  if (fillsExports(code)) code = `${code}\n${exportsAsModule(code)}\n`;
  const prelude =
    "import { createRequire as __qaCreateRequire } from 'node:module'; import { fileURLToPath as __qaFileURLToPath } from 'node:url'; import { dirname as __qaDirname } from 'node:path'; " +
    wanted.join(' ');
  // A hashbang must stay first; the prelude opens the second line instead.
  if (code.startsWith('#!')) {
    const nl = code.indexOf('\n');
    return nl < 0 ? code : `${code.slice(0, nl + 1)}${prelude} ${code.slice(nl + 1)}`;
  }
  return `${prelude} ${code}`;
}

const NAMESPACE_IMPORT = /\bimport\s*\*\s*as\s+([\w$]+)\s+from\s*(['"])([^'"./][^'"]*)\2/g;
const NAMED_IMPORT = /\bimport\s+(?!type\b)(?:([\w$]+)\s*,\s*)?\{([^}]*)\}\s*from\s*(['"])([^'"./][^'"]*)\3/g;

/**
 * Imports of a CommonJS package by name (`import { pick } from 'lodash'`, `import * as _ from
 * 'lodash'`): Node's namespace holds only the names its lexer could find (none for lodash), where
 * bundlers and Vitest read every property of `module.exports`. Such imports read from a view that
 * also has the default export's properties, when the namespace looks CommonJS (all its names are
 * properties of its default); a name neither has is undefined, as under Vite. Appended at the
 * end, the helper keeps every line where it was.
 */
export function interopPackageImports(code: string, isBuiltin: (specifier: string) => boolean): string {
  let n = 0;
  let out = code.replace(NAMESPACE_IMPORT, (whole, name: string, quote: string, spec: string) => {
    if (isBuiltin(spec)) return whole;
    n++;
    return `import * as __qaNs_${name} from ${quote}${spec}${quote}; const ${name} = __qaInterop(__qaNs_${name})`;
  });
  out = out.replace(NAMED_IMPORT, (whole, def: string | undefined, list: string, quote: string, spec: string) => {
    if (isBuiltin(spec)) return whole;
    const ns = `__qaNs${++n}`;
    const names = list.replace(/([\w$]+)\s+as\s+([\w$]+)/g, '$1: $2');
    return `import ${def ? `${def}, ` : ''}* as ${ns} from ${quote}${spec}${quote}; const {${names}} = __qaInterop(${ns})`;
  });
  if (n === 0) return code;
  return `${out}\n${INTEROP_HELPER}`;
}

/** `__qaInterop(namespace)`: a CommonJS module's namespace, with every property of its `module.exports`. */
export const INTEROP_HELPER = `function __qaInterop(ns) { const d = ns.default; if (d === null || (typeof d !== 'object' && typeof d !== 'function') || !Object.keys(ns).every((k) => k === 'default' || k in d)) return ns; const view = Object.create(null); for (const k of Object.getOwnPropertyNames(d)) view[k] = d[k]; return Object.assign(view, ns); }\n`;
