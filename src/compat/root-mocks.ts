// Jest uses a `__mocks__/<package>` file beside the project's node_modules for every require of
// that package, without a jest.mock call (built-ins excepted); `jest.unmock` turns it off for the
// file. Only projects that have such a folder pay for the check.
import { readdirSync } from 'node:fs';
import Module, { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { activeFile } from '../runtime/active-file.js';

interface ModuleInternals {
  _load(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean): unknown;
}

/** File import (iso) → packages its jest.unmock calls took off the automatic mocks. */
const unmocked = new Map<number, Set<string>>();
let bypassed = false;

/** `fn`'s requires get the real packages (jest.requireActual and its kin). */
export function withoutRootMocks<T>(fn: () => T): T {
  bypassed = true;
  try {
    return fn();
  } finally {
    bypassed = false;
  }
}

export function useRootPackageMocks(root: string): void {
  const dir = join(root, '__mocks__');
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return;
  }
  const mocks = new Map<string, string>();
  for (const entry of entries) {
    const m = /^(.+?)(?:\/index)?\.(?:[cm]?[jt]sx?)$/.exec(entry.split('\\').join('/'));
    if (m && !isBuiltin(m[1])) mocks.set(m[1], join(dir, entry));
  }
  if (mocks.size === 0) return;
  const M = Module as unknown as ModuleInternals;
  const load = M._load;
  M._load = function (this: unknown, request: string, parent: NodeJS.Module | null | undefined, isMain: boolean) {
    const mock = mocks.get(request);
    if (mock && !bypassed && !unmocked.get(activeFile.iso)?.has(request) && parent?.filename !== mock) return load.call(this, mock, parent, isMain);
    // eslint-disable-next-line prefer-rest-params
    return load.apply(this, arguments as unknown as Parameters<typeof load>);
  };
}

/** `jest.unmock(pkg)` / `jest.dontMock(pkg)`: this file gets the real package. */
export function unmockRootPackage(spec: string): void {
  let set = unmocked.get(activeFile.iso);
  if (!set) unmocked.set(activeFile.iso, (set = new Set()));
  set.add(spec);
}
