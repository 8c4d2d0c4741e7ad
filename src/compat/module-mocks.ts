// Module mocks in the worker's main thread: `vi.mock`, `jest.mock` and their kin (the module
// hooks' half is runtime/mock-hooks.ts). A registration goes to the hooks synchronously, through
// import.meta.resolve; the hooks then hand importers of that file import a mock module that, when
// evaluated, takes its exports from here, where factories run. `require()` is served here too
// (Module._load), so CommonJS code sees the same mock object as ES imports.
import Module, { isBuiltin } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import * as spy from '@vitest/spy';
import { mockObject } from '@vitest/mocker';
import { activeFile } from '../runtime/active-file.js';
import { withoutRootMocks } from './root-mocks.js';
import { restoreRequires, takeProjectRequires } from '../runtime/require-hook.js';
import { MOCK_SCHEME } from '../runtime/mock-hooks.js';
import { jestMocker } from './mockers.js';

type Flavor = 'vitest' | 'jest';
export type ModuleFactory = (importOriginal: () => Promise<unknown>) => unknown;
type Kind = 'factory' | 'auto' | 'spy' | 'redirect';

interface Registration {
  flavor: Flavor;
  spec: string;
  kind: Kind;
  factory?: ModuleFactory;
  v: string;
  /** The real module's URL (with its `?qa-iso=N`), or `node:fs`. */
  url: string;
  redirect?: string;
}

interface ModuleInternals {
  _load(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean): string;
}
const M = Module as unknown as ModuleInternals;

/** import N → module key → its mock, as the hooks have it. */
const registered = new Map<string, Map<string, Registration>>();
/** `N|key|v` → the mock's exports as ES importers see them. */
const results = new Map<string, unknown>();
const evaluating = new Map<string, Promise<unknown>>();
/** `N|key|v` → the mock's value as require() gives it. */
const values = new Map<string, unknown>();
const OWN = new URL('./', import.meta.url).href;
const OWN_PATH = fileURLToPath(OWN);
const projectRoot = process.env.QA_ROOT ?? process.cwd();

/** The file that called a mock API: its URL, from the first stack frame outside qa. */
function caller(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /((?:file:\/\/|\/)[^\s()]+?):\d+:\d+\)?\s*$/.exec(line);
    if (!m) continue;
    const where = m[1];
    if (where.startsWith(OWN) || where.startsWith(OWN_PATH) || where.includes('/node_modules/')) continue;
    return where.startsWith('file:') ? where : pathToFileURL(where).href;
  }
  throw new Error('qa: could not tell which file called a module mock API');
}

const isoOf = (url: string): string => /[?&]qa-iso=(\d+)/.exec(url)?.[1] ?? String(activeFile.iso);

/** Asks the hooks (synchronously) to act on a mock target; returns what they resolved it to. */
function tellHooks(op: 'mock' | 'unmock' | 'resolve' | 'reset', spec: string, parent: string, iso: string, kind?: Kind): { key: string; url: string; v: string; kind?: Kind; redirect?: string } {
  if (typeof spec !== 'string') throw new TypeError(`a module mock needs a module path as a string; got ${typeof spec}`);
  const q = new URLSearchParams({ op, spec, parent, iso, ...(kind ? { kind } : {}) });
  const answer = new URL(import.meta.resolve(`${MOCK_SCHEME}register?${q}`));
  const a = answer.searchParams;
  return { key: a.get('key')!, url: a.get('url')!, v: a.get('v') ?? '', kind: (a.get('kind') as Kind) ?? undefined, ...(a.get('redirect') ? { redirect: a.get('redirect')! } : {}) };
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  // The hooks' mock modules (mock-hooks.ts) await their exports from here.
  (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('qa-lanes.module-mocks')] = {
    exportsOf(id: string): Promise<Record<string, unknown>> {
      const iso = id.slice(0, id.indexOf('|'));
      const v = id.slice(id.lastIndexOf('|') + 1);
      const key = id.slice(iso.length + 1, id.length - v.length - 1);
      const reg = registered.get(iso)?.get(key);
      if (!reg || reg.v !== v) return Promise.reject(new Error(`qa: no mock registered for ${key}`));
      return evaluate(reg, id);
    },
  };
  const load = M._load;
  M._load = function (this: unknown, request: string, parent: NodeJS.Module | null | undefined, isMain: boolean) {
    const forFile = registered.get(String(activeFile.iso));
    if (forFile && !bypass) {
      const key = isBuiltin(request) ? `node:${request.replace(/^node:/, '')}` : keyOf(M._resolveFilename(request, parent, isMain));
      const reg = forFile.get(key);
      if (reg) return requireMock(reg, `${activeFile.iso}|${key}|${reg.v}`);
    }
    // eslint-disable-next-line prefer-rest-params
    return load.apply(this, arguments as unknown as Parameters<typeof load>);
  };
}

const keyOf = (filename: string): string => (isBuiltin(filename) ? `node:${filename.replace(/^node:/, '')}` : pathToFileURL(filename).href);
let bypass = false;

/** What a mock's importers see, evaluated once per registration. */
function evaluate(reg: Registration, id: string): Promise<Record<string, unknown>> {
  let running = evaluating.get(id);
  if (!running) {
    running = values.has(id)
      ? Promise.resolve(values.get(id) as Record<string, unknown>)
      : (async () => {
          let value: unknown;
          if (reg.kind === 'factory') {
            value = await reg.factory!(() => importActual(reg));
            if (value === null || typeof value !== 'object') {
              throw new Error(`[${reg.flavor}] ${apiName(reg)}("${reg.spec}", factory?) is not returning an object. Did you mean to return an object with a "default" key?`);
            }
          } else {
            value = automock(reg, (await importActual(reg)) as Record<string, unknown>);
          }
          return keep(reg, id, value as Record<string, unknown>);
        })();
    evaluating.set(id, running);
  }
  return running.then(() => results.get(id) as Record<string, unknown>);
}

const apiName = (reg: Registration) => (reg.flavor === 'vitest' ? 'vi.mock' : 'jest.mock');

/**
 * Keeps a mock's value for require() and its ES view for the hooks' mock module. Jest's factories
 * return what `require()` gives: an ES default import of one gets the whole object, as babel's interop has it.
 */
function keep(reg: Registration, id: string, value: Record<string, unknown>): Record<string, unknown> {
  values.set(id, value);
  results.set(id, reg.flavor !== 'jest' || 'default' in value || value.__esModule ? value : { ...value, default: value });
  return value;
}

function requireMock(reg: Registration, id: string): unknown {
  if (reg.redirect) return Module.createRequire(fileURLToPath(reg.redirect))(fileURLToPath(reg.redirect));
  if (values.has(id)) return values.get(id);
  if (reg.kind !== 'factory') return keep(reg, id, automock(reg, requireActual(reg.url) as Record<string, unknown>));
  const value = (reg.factory as () => unknown)();
  if (value instanceof Promise) throw new Error(`${apiName(reg)}("${reg.spec}") has an async factory, which require() cannot wait for`);
  if (value === null || typeof value !== 'object') return value; // jest.mock('./x', () => 42): require gives 42
  return keep(reg, id, value as Record<string, unknown>);
}

function automock(reg: Registration, actual: Record<string, unknown>): Record<string, unknown> {
  const plain = { ...actual };
  if (reg.flavor === 'jest') return jestMocker.generateFromMetadata(jestMocker.getMetadata(plain)!) as Record<string, unknown>;
  return mockObjectDeeply(plain, reg.kind === 'spy');
}

/** Vitest's automock of a value (`vi.mockObject`): functions become mocks, objects and classes deeply; `spy` keeps implementations. */
export function mockObjectDeeply<T extends object>(value: T, spyOnly: boolean): T {
  return mockObject({ globalConstructors: { Object, Function, RegExp, Array, Map }, createMockInstance: spy.createMockInstance, type: spyOnly ? 'autospy' : 'automock' }, value) as T;
}

/** The real module (project modules: this file import's instance), past any mock. */
function importActual(reg: Pick<Registration, 'url'>): Promise<unknown> {
  return import(reg.url);
}

function requireActual(url: string): unknown {
  bypass = true;
  try {
    return withoutRootMocks(() => (url.startsWith('file:') ? Module.createRequire(fileURLToPath(url))(fileURLToPath(url)) : Module.createRequire(import.meta.url)(url)));
  } finally {
    bypass = false;
  }
}

/** `vi.mock(path, factory | { spy: true })`, `jest.mock(path, factory)`; also their `doMock`. */
export function mockModule(flavor: Flavor, spec: string, factory?: ModuleFactory | { spy?: boolean }): void {
  install();
  const from = caller();
  const iso = isoOf(from);
  const kind: Kind = typeof factory === 'function' ? 'factory' : factory?.spy ? 'spy' : 'auto';
  const answer = tellHooks('mock', spec, from, iso, kind);
  let forFile = registered.get(iso);
  if (!forFile) registered.set(iso, (forFile = new Map()));
  forFile.set(answer.key, { flavor, spec, kind: answer.kind ?? kind, v: answer.v, url: answer.url, ...(typeof factory === 'function' ? { factory } : {}), ...(answer.redirect ? { redirect: answer.redirect } : {}) });
}

export function unmockModule(spec: string): void {
  install();
  const from = caller();
  const iso = isoOf(from);
  const answer = tellHooks('unmock', spec, from, iso);
  registered.get(iso)?.delete(answer.key);
}

/** `vi.importActual(path)`: the real module, even while mocked. */
export function importActualModule(spec: string): Promise<unknown> {
  const from = caller();
  return importActual(tellHooks('resolve', spec, from, isoOf(from)));
}

/** `vi.importMock(path)`: the module with every export mocked (or its `__mocks__` file). */
export async function importMockedModule(flavor: Flavor, spec: string): Promise<unknown> {
  const from = caller();
  const answer = tellHooks('resolve', spec, from, isoOf(from));
  return automock({ flavor, spec, kind: 'auto', v: '', url: answer.url }, (await importActual(answer)) as Record<string, unknown>);
}

/** `jest.requireActual(path)`. */
export function requireActualModule(spec: string): unknown {
  const from = caller();
  return requireActual(tellHooks('resolve', spec, from, isoOf(from)).url);
}

/** `jest.requireMock(path)`: the registered mock, else an automock. */
export function requireMockedModule(spec: string): unknown {
  install();
  const from = caller();
  const iso = isoOf(from);
  const answer = tellHooks('resolve', spec, from, iso);
  const reg = registered.get(iso)?.get(answer.key) ?? { flavor: 'jest' as const, spec, kind: 'auto' as const, v: 'required', url: answer.url };
  return requireMock(reg, `${iso}|${answer.key}|${reg.v}`);
}

/**
 * `vi.resetModules()`, `jest.resetModules()`: the calling file's later imports and requires of
 * project modules evaluate afresh; its mocks stay registered.
 */
export function resetModules(): void {
  const from = caller();
  tellHooks('reset', from, from, isoOf(from));
  takeProjectRequires(projectRoot);
}

/** `jest.isolateModules(fn)`: `fn`'s requires get their own project modules; the file's come back after. */
export function isolateModules(fn: () => void): void {
  const kept = takeProjectRequires(projectRoot);
  try {
    fn();
  } finally {
    takeProjectRequires(projectRoot);
    restoreRequires(kept);
  }
}
