// Helpers both config readers share: loading a config module, resolving files like the runners do.
import { existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';

let tsHooksRegistered = false;
let loads = 0;

/** Imports a config module; .ts files need qa's TS hooks, registered once per process. */
export async function importConfigModule(file: string, tsHooksUrl: string, label: string): Promise<unknown> {
  if (/\.[mc]?ts$/.test(file) && !tsHooksRegistered) {
    register(tsHooksUrl, import.meta.url);
    tsHooksRegistered = true;
  }
  try {
    // A query keeps a second read (another project, a watch reload) from getting the cached module.
    const mod = (await import(`${pathToFileURL(file).href}?qa-compat=${++loads}`)) as { default?: unknown };
    return 'default' in mod ? mod.default : mod;
  } catch (err) {
    throw new UsageError(`could not load ${label}: ${firstLine(err)}`);
  }
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** A path, or a package specifier resolved from `base` as the runners resolve setup files. */
export function resolveFile(base: string, spec: string): string {
  if (isAbsolute(spec)) return spec;
  const local = resolve(base, spec);
  if (spec.startsWith('.') || existsSync(local)) return local;
  try {
    return createRequire(join(base, 'package.json')).resolve(spec);
  } catch {
    return local;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isRegExp(v: unknown): v is RegExp {
  return Object.prototype.toString.call(v) === '[object RegExp]';
}

export function stringList(v: unknown, where: string, key: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'string')) throw new UsageError(`${where}: "${key}" must be a string or an array of strings`);
  return list as string[];
}

export function optNumber(v: unknown, where: string, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v >= 0)) throw new UsageError(`${where}: "${key}" must be a number ≥ 0`);
  return v;
}

export function optBool(v: unknown, where: string, key: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new UsageError(`${where}: "${key}" must be true or false`);
  return v;
}
