// The module hooks' half of module mocks (the worker's half is compat/module-mocks.ts).
//
// A registration (`vi.mock`, `jest.mock` …) reaches the hooks as `import.meta.resolve('qa-mock:…')`
// from the worker's main thread: synchronous, and in order with the imports that follow it, so a
// hoisted `vi.mock` is in place before the file's first import resolves. Mocks belong to one test
// file import (its `?qa-iso=N`, which every project module it reaches carries): a resolution from
// a module of import N to a mocked module gives the mock instead, and no other file ever sees it.
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ResolveContext { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
type Resolver = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;

/** factory: exports from a factory; auto: every export mocked; redirect: a `__mocks__` file stands in. */
type MockKind = 'factory' | 'auto' | 'spy' | 'redirect';
interface MockEntry { kind: MockKind; v: number; redirect?: string }

export const MOCK_SCHEME = 'qa-mock:';
const ISOLATED = /[?&]qa-iso=(\d+)/;
/** import N → module key (URL without query, or `node:fs`) → its mock. */
const mocks = new Map<string, Map<string, MockEntry>>();
let version = 0;
/** import N → how many times it reset its module registry (`vi.resetModules`). */
const resets = new Map<string, number>();

/** `qa-r=K`, after import N's K-th `resetModules`: its later imports evaluate afresh. */
export const resetQuery = (iso: string): string | undefined => (resets.has(iso) ? `qa-r=${resets.get(iso)}` : undefined);

export const isoOf = (url: string | undefined): string | undefined => url?.match(ISOLATED)?.[1];
export const moduleKey = (url: string): string => {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
};

/** Where a `__mocks__` file stands in for a module, as Vitest and Jest look for one. */
function mockRedirect(root: string, key: string, specifier: string): string | undefined {
  const packageName = isBuiltin(specifier) ? specifier.replace(/^node:/, '') : !/^[./]|^file:/.test(specifier) ? specifier : undefined;
  if (packageName || !key.startsWith('file:')) {
    // Packages and built-ins: <root>/__mocks__/<name>.{js,ts,…} or <name>/index.*
    const base = join(root, '__mocks__', packageName ?? key);
    return findFile(base) ?? findFile(join(base, 'index'));
  }
  const path = fileURLToPath(key);
  const beside = join(dirname(path), '__mocks__', path.slice(dirname(path).length + 1));
  return existsSync(beside) ? beside : undefined;
}

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];
function findFile(base: string): string | undefined {
  for (const ext of EXTENSIONS) if (ext && existsSync(base + ext)) return base + ext;
  return undefined;
}

/** A `qa-mock:` request from the worker: registers, removes or just resolves a mock target. */
export async function mockRequest(specifier: string, context: ResolveContext, resolveReal: Resolver, root: string): Promise<ResolveResult> {
  const q = new URLSearchParams(specifier.slice(MOCK_SCHEME.length + specifier.slice(MOCK_SCHEME.length).indexOf('?') + 1));
  const op = q.get('op')!;
  const spec = q.get('spec')!;
  const iso = q.get('iso')!;
  if (op === 'reset') {
    resets.set(iso, (resets.get(iso) ?? 0) + 1);
    return { url: `${MOCK_SCHEME}done?`, shortCircuit: true };
  }
  const real = await resolveReal(spec, { ...context, parentURL: q.get('parent')! });
  const key = moduleKey(real.url);
  let entry: MockEntry | undefined;
  if (op === 'mock') {
    const kind = q.get('kind') as MockKind;
    const redirect = kind === 'auto' ? mockRedirect(root, key, spec) : undefined;
    entry = redirect ? { kind: 'redirect', v: ++version, redirect: pathToFileURL(redirect).href } : { kind, v: ++version };
    let forFile = mocks.get(iso);
    if (!forFile) mocks.set(iso, (forFile = new Map()));
    forFile.set(key, entry);
  } else if (op === 'unmock') {
    mocks.get(iso)?.delete(key);
  }
  const answer = new URLSearchParams({ key, url: real.url, ...(entry ? { v: String(entry.v), kind: entry.kind } : {}), ...(entry?.redirect ? { redirect: entry.redirect } : {}) });
  return { url: `${MOCK_SCHEME}done?${answer}`, shortCircuit: true };
}

/** The mock standing in for `result`, when the importer belongs to a file import that mocked it. */
export function mocked(result: ResolveResult, parentURL: string | undefined): ResolveResult | undefined {
  const iso = isoOf(parentURL);
  if (iso === undefined) return undefined;
  const entry = mocks.get(iso)?.get(moduleKey(result.url));
  if (!entry) return undefined;
  if (entry.redirect) return { url: `${entry.redirect}?qa-iso=${iso}`, shortCircuit: true };
  const q = new URLSearchParams({ iso, key: moduleKey(result.url), v: String(entry.v) });
  return { url: `${MOCK_SCHEME}module?${q}`, format: 'module', shortCircuit: true };
}

/**
 * The source of a mock module. Its exports are the real module's names (read, not run: a factory
 * runs in the worker's main thread, and a hooks thread that waited on it could starve the
 * factory's own imports); its top-level await lets the main thread run the factory (or automock)
 * when the module is first imported, as Vitest does, and each name takes that result's value.
 */
export async function mockModuleSource(url: string, realNames: (key: string) => Promise<Set<string>>): Promise<string> {
  const q = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  const id = `${q.get('iso')!}|${q.get('key')!}|${q.get('v')!}`;
  const names = new Set(await realNames(q.get('key')!));
  names.add('default');
  names.delete('__esModule');
  const lines = [`const m = await globalThis[Symbol.for('qa-lanes.module-mocks')].exportsOf(${JSON.stringify(id)});`];
  let n = 0;
  for (const name of names) {
    const local = `__qa_mock_${n++}`;
    lines.push(`const ${local} = m[${JSON.stringify(name)}];`, `export { ${local} as ${JSON.stringify(name)} };`);
  }
  return lines.join('\n');
}
