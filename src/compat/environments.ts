// DOM environments for Vitest and Jest test files: `environment: 'jsdom' | 'happy-dom'` (Vitest),
// `testEnvironment: 'jsdom'` (Jest), or a file's own `@vitest-environment` / `@jest-environment`
// docblock. Each file import gets its own window, from the jsdom or happy-dom the project
// installed; its globals (`window`, `document`, `navigator`, `localStorage`, DOM classes …) are on
// globalThis while that file imports or runs, and gone in between, so a node file beside it sees
// none of them. Node's own timers, fetch, URL and the like stay, as in Vitest.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { FileEnvironment } from '../runtime/harness.js';
import { UnsupportedApiError } from './unsupported.js';

interface DomWindow extends Record<string, unknown> {
  close?(): void;
}

const DOCBLOCK = /^\s*(?:#![^\n]*\n\s*)?\/\*\*([\s\S]*?)\*\//;
const PRAGMA = /@(?:vitest|jest)-environment\s+([\w@/.-]+)/;

/** The environment a file asks for in its leading docblock, if any. */
export function docblockEnvironment(source: string): string | undefined {
  const block = DOCBLOCK.exec(source)?.[1];
  return block ? PRAGMA.exec(block)?.[1] : undefined;
}

type Kind = 'node' | 'jsdom' | 'happy-dom';

function kindOf(name: string): Kind {
  if (name === 'node' || name === 'jest-environment-node') return 'node';
  if (name === 'jsdom' || name === 'jest-environment-jsdom') return 'jsdom';
  if (name === 'happy-dom' || name === '@happy-dom/jest-environment') return 'happy-dom';
  throw new UnsupportedApiError(`environment: '${name}'`, "qa runs 'node', 'jsdom' and 'happy-dom'");
}

/** JavaScript's own globals, which a window (another realm) has too and must not replace ours. */
let intrinsics: Set<string> | undefined;
/** Node's globals before any window's were added: another file's window may be on globalThis now. */
const NODE_GLOBALS = new Set(Object.getOwnPropertyNames(globalThis));
/** Globals Node has that the DOM must bring its own of: its nodes dispatch only their realm's events. */
const REPLACED = new Set(['window', 'self', 'top', 'parent', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage', 'DOMException', 'EventTarget', 'Event', 'CustomEvent', 'MessageEvent']);

/**
 * The environment for a file, or undefined for Node's. `options` are the runner's
 * environmentOptions (Vitest: `{ jsdom: {…} }` / `{ happyDOM: {…} }`; Jest: jsdom's own).
 */
export async function createEnvironment(name: string, options: Record<string, unknown>, root: string, flavor: 'vitest' | 'jest'): Promise<FileEnvironment | undefined> {
  const kind = kindOf(name);
  if (kind === 'node') return undefined;
  const own = (flavor === 'vitest' ? options[kind === 'jsdom' ? 'jsdom' : 'happyDOM'] : options) as Record<string, unknown> | undefined;
  // Each runner's default page address.
  const url = typeof own?.url === 'string' ? own.url : flavor === 'jest' ? 'http://localhost/' : 'http://localhost:3000/';
  if (kind === 'jsdom') {
    const { JSDOM } = (await load(root, 'jsdom', flavor === 'jest' ? 'jest-environment-jsdom' : undefined)) as { JSDOM: new (html: string, opts: Record<string, unknown>) => { window: DomWindow } };
    const { html, ...rest } = (own ?? {}) as { html?: string };
    const dom = new JSDOM(html ?? '<!DOCTYPE html>', { pretendToBeVisual: true, ...rest, url });
    return onGlobals(dom.window, async () => dom.window.close?.());
  }
  const { Window } = (await load(root, 'happy-dom', flavor === 'jest' ? '@happy-dom/jest-environment' : undefined)) as { Window: new (opts: Record<string, unknown>) => DomWindow };
  const window = new Window({ ...own, url });
  const happy = window.happyDOM as { close?(): Promise<void>; abort?(): Promise<void> } | undefined;
  return onGlobals(window, async () => void (await (happy?.close ?? happy?.abort)?.call(happy)));
}

/** The project's own copy of `pkg` (or the one its Jest environment package brings). */
async function load(root: string, pkg: string, via?: string): Promise<unknown> {
  const fromRoot = createRequire(join(root, 'package.json'));
  for (const require of [fromRoot, ...(via ? [viaPackage(fromRoot, via)] : [])]) {
    if (!require) continue;
    try {
      return await import(pathToFileURL(require.resolve(pkg)).href);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  throw new Error(`this file's environment needs ${pkg}, which the project does not have: npm i -D ${pkg}`);
}

function viaPackage(from: NodeJS.Require, pkg: string): NodeJS.Require | undefined {
  try {
    return createRequire(from.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** Every name the window offers (its own and its prototypes'), that is not JavaScript's own. */
function windowKeys(window: object): string[] {
  intrinsics ??= new Set(Object.getOwnPropertyNames(runInNewContext('this')));
  const keys = new Set<string>();
  for (let o: object | null = window; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) if (!intrinsics.has(key) && key !== 'constructor' && !key.startsWith('_')) keys.add(key);
  }
  return [...keys];
}

function onGlobals(window: DomWindow, close: () => Promise<void>): FileEnvironment {
  const g = globalThis as unknown as Record<string, unknown>;
  const keys = windowKeys(window).filter((key) => REPLACED.has(key) || !(NODE_GLOBALS.has(key) || key in Object.prototype));
  const descriptors: PropertyDescriptorMap = {};
  for (const key of keys) {
    if (key === 'window' || key === 'self' || key === 'top' || key === 'parent') {
      // As in Vitest: the window is globalThis, so `window.foo = 1` is seen as `foo`.
      descriptors[key] = { value: globalThis, configurable: true, writable: true, enumerable: true };
      continue;
    }
    descriptors[key] = {
      configurable: true,
      enumerable: true,
      get() {
        const value = window[key];
        // Methods of the window (addEventListener, getComputedStyle …) called bare need it as `this`.
        return typeof value === 'function' && !/^[A-Z]/.test(key) ? value.bind(window) : value;
      },
      set(value: unknown) {
        Object.defineProperty(globalThis, key, { value, configurable: true, writable: true, enumerable: true });
      },
    };
  }
  let saved: PropertyDescriptorMap | undefined;
  return {
    enter() {
      if (saved) return;
      saved = {};
      for (const key of keys) {
        const d = Object.getOwnPropertyDescriptor(globalThis, key);
        if (d) saved[key] = d;
      }
      Object.defineProperties(globalThis, descriptors);
    },
    leave() {
      if (!saved) return;
      for (const key of keys) {
        if (saved[key]) Object.defineProperty(globalThis, key, saved[key]);
        else delete g[key];
      }
      saved = undefined;
    },
    close,
  };
}
