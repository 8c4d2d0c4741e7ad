// Finds and loads the project's qa config: qa.config.{ts,mts,js,mjs}, else "qa" in package.json.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import type { QaConfig } from '../core/config-types.js';
import { UsageError } from '../core/errors.js';
import { DIST_MODES } from '../core/types.js';

const NAMES = ['qa.config.ts', 'qa.config.mts', 'qa.config.js', 'qa.config.mjs'];
const KEYS = new Set(['include', 'exclude', 'workers', 'dist', 'markers', 'strictMarkers', 'mark', 'keyword', 'timeout', 'isolate']);

export interface LoadedConfig {
  root: string;
  /** Where it came from, for messages; undefined when there is none. */
  source?: string;
  config: QaConfig;
}

let tsHooksRegistered = false;
let reloads = 0;

/** `fresh`: a watch session reads a saved config again; the URL changes so the module is evaluated anew. */
export async function loadConfig(cwd: string, explicit: string | undefined, tsHooksUrl: string, { fresh = false } = {}): Promise<LoadedConfig> {
  const path = explicit ? resolve(cwd, explicit) : NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  if (explicit && !existsSync(path!)) throw new UsageError(`config file not found: ${explicit}`);
  if (path) {
    const root = dirname(path);
    if (/\.m?ts$/.test(path) && !tsHooksRegistered) {
      register(tsHooksUrl, import.meta.url);
      tsHooksRegistered = true;
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(`${pathToFileURL(path).href}${fresh ? `?reload=${++reloads}` : ''}`)) as { default?: unknown };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new UsageError(`could not load ${basename(path)}: ${msg.split('\n')[0]}`);
    }
    return { root, source: basename(path), config: validate(mod.default ?? {}, basename(path)) };
  }
  const pkgPath = join(cwd, 'package.json');
  if (existsSync(pkgPath)) {
    let pkg: { qa?: unknown };
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { qa?: unknown };
    } catch (err) {
      throw new UsageError(`could not read package.json: ${(err as Error).message}`);
    }
    if (pkg.qa !== undefined) return { root: cwd, source: 'package.json "qa"', config: validate(pkg.qa, 'package.json "qa"') };
  }
  return { root: cwd, config: {} };
}

function validate(raw: unknown, where: string): QaConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${where} must export an object (use defineConfig({...}))`);
  }
  const cfg = raw as Record<string, unknown>;
  for (const key of Object.keys(cfg)) {
    if (!KEYS.has(key)) throw new UsageError(`${where}: unknown option "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  const strings = (k: string) => {
    const v = cfg[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new UsageError(`${where}: "${k}" must be an array of glob strings`);
  };
  strings('include');
  strings('exclude');
  if (cfg.markers !== undefined && (typeof cfg.markers !== 'object' || cfg.markers === null || Array.isArray(cfg.markers))) {
    throw new UsageError(`${where}: "markers" must be an object of mark name → description`);
  }
  for (const k of ['mark', 'keyword'] as const) {
    if (cfg[k] !== undefined && typeof cfg[k] !== 'string') throw new UsageError(`${where}: "${k}" must be a string expression`);
  }
  if (cfg.timeout !== undefined && !(typeof cfg.timeout === 'number' && cfg.timeout >= 0)) {
    throw new UsageError(`${where}: "timeout" must be a number of milliseconds, 0 for none; got ${inspect(cfg.timeout)}`);
  }
  if (cfg.workers !== undefined && cfg.workers !== 'auto' && !(Number.isInteger(cfg.workers) && (cfg.workers as number) >= 1)) {
    throw new UsageError(`${where}: "workers" must be a whole number ≥ 1 or "auto"; got ${inspect(cfg.workers)}`);
  }
  if (cfg.dist !== undefined && !(DIST_MODES as readonly unknown[]).includes(cfg.dist)) {
    throw new UsageError(`${where}: "dist" must be one of ${DIST_MODES.map((d) => `"${d}"`).join(', ')}; got ${inspect(cfg.dist)}`);
  }
  for (const k of ['strictMarkers', 'isolate'] as const) {
    if (cfg[k] !== undefined && typeof cfg[k] !== 'boolean') throw new UsageError(`${where}: "${k}" must be true or false`);
  }
  return cfg as QaConfig;
}
