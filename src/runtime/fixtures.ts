// pytest-style fixtures: set up on first use, torn down after the last use of their scope.
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureDef, FixtureFn, FixtureScope, FixtureSet } from './model.js';

/**
 * Which context properties a function destructures from its first parameter, read from its
 * source like Playwright and Vitest do: only those fixtures are set up. null means the function
 * takes the whole context (a plain identifier or a rest element), so everything is provided.
 */
export function destructuredNames(fn: Function): string[] | null {
  const src = stripComments(Function.prototype.toString.call(fn));
  const open = paramsStart(src);
  if (open === SINGLE_PARAM_ARROW) return null;
  if (open < 0) return [];
  let i = open;
  while (/\s/.test(src[i] ?? '')) i++;
  if (src[i] === ')') return [];
  if (src[i] !== '{') return null;
  const body = balanced(src, i);
  const names: string[] = [];
  for (const part of splitTopLevel(body)) {
    const item = part.trim();
    if (!item) continue;
    if (item.startsWith('...')) return null;
    const m = /^([A-Za-z_$][\w$]*|"[^"]*"|'[^']*')/.exec(item);
    if (m) names.push(m[1].replace(/^["']|["']$/g, ''));
  }
  return names;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

const SINGLE_PARAM_ARROW = -2;

/** Index just after the opening parenthesis of the parameter list. */
function paramsStart(src: string): number {
  if (/^\s*(async\s+)?[A-Za-z_$][\w$]*\s*=>/.test(src)) return SINGLE_PARAM_ARROW;
  const p = src.indexOf('(');
  return p < 0 ? -1 : p + 1;
}

function balanced(src: string, start: number): string {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return src.slice(start + 1, i);
    }
  }
  return src.slice(start + 1);
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(s.slice(from));
  return parts;
}

export type FixtureInput = unknown | [unknown, { scope?: FixtureScope; auto?: boolean }];

/** qa's own code (dist/ when bundled): never the place a fixture is defined. */
const OWN_DIR = dirname(fileURLToPath(import.meta.url)) + sep;

/**
 * The files of the code calling into qa right now (a module's top level calling `test.extend`, a
 * helper it calls), innermost first, as absolute paths without the `?qa=N` of a watch session.
 */
function callerFiles(): string[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_err, stack) => stack;
    sites = new Error().stack as unknown as NodeJS.CallSite[];
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  const files = new Set<string>();
  for (const site of Array.isArray(sites) ? sites : []) {
    const name = site.getFileName();
    if (!name || name.startsWith('node:')) continue;
    const path = name.startsWith('file:') ? fileURLToPath(name) : name;
    if (!path.startsWith(OWN_DIR)) files.add(path);
  }
  return [...files];
}

/**
 * Turns `test.extend({...})` input into definitions layered over `base`. `definedBy`: the files
 * that made them (default: the calling code's); qa's built-ins pass [] as no project file does.
 */
export function extendFixtures(base: FixtureSet, input: Record<string, FixtureInput>, definedBy: string[] = callerFiles()): FixtureSet {
  const out = new Map(base);
  for (const [name, raw] of Object.entries(input)) {
    let value: unknown = raw;
    let opts: { scope?: FixtureScope; auto?: boolean } = {};
    if (Array.isArray(raw) && raw.length === 2 && isOptions(raw[1])) {
      value = raw[0];
      opts = raw[1];
    }
    const scope = opts.scope ?? 'test';
    if (scope !== 'test' && scope !== 'file' && scope !== 'worker') {
      throw new Error(`fixture "${name}": scope must be "test", "file" or "worker", got ${JSON.stringify(scope)}`);
    }
    const fn: FixtureFn = typeof value === 'function' ? (value as FixtureFn) : async (_deps, use) => use(value);
    // Like Playwright, a fixture names what it needs by destructuring; anything else needs nothing.
    const deps = typeof value === 'function' ? (destructuredNames(value) ?? []) : [];
    out.set(name, { name, scope, fn, deps, auto: opts.auto ?? false, ...(definedBy.length ? { definedBy } : {}) });
  }
  return out;
}

function isOptions(x: unknown): x is { scope?: FixtureScope; auto?: boolean } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && ('scope' in x || 'auto' in x);
}

const SCOPE_RANK: Record<FixtureScope, number> = { test: 0, file: 1, worker: 2 };

interface Live {
  value: unknown;
  finish: () => Promise<void>;
}

/** Live fixture instances of one scope, torn down together in reverse setup order. */
export class FixtureScopeCache {
  private live = new Map<FixtureDef, Live>();
  private order: FixtureDef[] = [];

  get(def: FixtureDef): Live | undefined {
    return this.live.get(def);
  }

  /** Instances alive in this scope. */
  get size(): number {
    return this.live.size;
  }

  add(def: FixtureDef, inst: Live): void {
    this.live.set(def, inst);
    this.order.push(def);
  }

  /** Tears everything down; returns the errors, never throws. */
  async teardown(): Promise<unknown[]> {
    return (await this.teardownWhere(() => true)).map((e) => e.error);
  }

  /** Tears down the instances whose definition matches, in reverse setup order; never throws. */
  async teardownWhere(matches: (def: FixtureDef) => boolean): Promise<Array<{ def: FixtureDef; error: unknown }>> {
    const errors: Array<{ def: FixtureDef; error: unknown }> = [];
    const defs = this.order.filter(matches).reverse();
    this.order = this.order.filter((def) => !matches(def));
    for (const def of defs) {
      const inst = this.live.get(def);
      this.live.delete(def);
      try {
        await inst?.finish();
      } catch (error) {
        errors.push({ def, error });
      }
    }
    return errors;
  }
}

export interface ScopeCaches {
  test: FixtureScopeCache;
  file: FixtureScopeCache;
  worker: FixtureScopeCache;
}

/**
 * Sets up the named fixtures (and their dependencies, and auto fixtures) and returns the
 * context object handed to the test.
 */
export async function provideFixtures(
  set: FixtureSet,
  wanted: string[] | null,
  caches: ScopeCaches,
): Promise<Record<string, unknown>> {
  const ctx: Record<string, unknown> = {};
  const names = wanted ?? [...set.keys()];
  for (const def of set.values()) if (def.auto && !names.includes(def.name)) names.push(def.name);
  for (const name of names) {
    const def = set.get(name);
    if (!def) continue; // destructured something that is not a fixture: left undefined, like vitest
    ctx[name] = await instantiate(def, set, caches, []);
  }
  return ctx;
}

async function instantiate(def: FixtureDef, set: FixtureSet, caches: ScopeCaches, stack: string[]): Promise<unknown> {
  const cache = caches[def.scope];
  const existing = cache.get(def);
  if (existing) return existing.value;
  if (stack.includes(def.name)) {
    throw new Error(`fixture cycle: ${[...stack, def.name].join(' -> ')}`);
  }
  const deps: Record<string, unknown> = {};
  for (const depName of def.deps) {
    const dep = set.get(depName);
    if (!dep) continue;
    if (SCOPE_RANK[dep.scope] < SCOPE_RANK[def.scope]) {
      throw new Error(`${def.scope}-scoped fixture "${def.name}" cannot use ${dep.scope}-scoped fixture "${dep.name}"`);
    }
    deps[depName] = await instantiate(dep, set, caches, [...stack, def.name]);
  }
  const inst = await start(def, deps);
  cache.add(def, inst);
  return inst.value;
}

/** Runs a fixture function up to its `use()` call; `finish` lets it run its teardown. */
function start(def: FixtureDef, deps: Record<string, unknown>): Promise<Live> {
  return new Promise<Live>((resolveSetup, rejectSetup) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let setUp = false;
    const done = (async () => {
      await def.fn(deps, async (value: unknown) => {
        setUp = true;
        resolveSetup({
          value,
          finish: async () => {
            release();
            await done;
          },
        });
        await released;
      });
    })();
    done.then(
      () => {
        if (!setUp) rejectSetup(new Error(`fixture "${def.name}" returned without calling use()`));
      },
      (err) => {
        if (!setUp) rejectSetup(err);
      },
    );
  });
}
