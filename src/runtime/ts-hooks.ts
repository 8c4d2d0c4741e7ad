// Node module hooks that let workers (and the config loader) import TypeScript directly.
// sucrase strips types without spawning anything and keeps line numbers, so stack traces point
// at the right lines without source maps. Measured per worker start on this machine: hooks with
// sucrase ~+45 ms over plain node, hooks with esbuild's transform ~+95 ms (it starts a service
// process), tsx ~+120 ms; workers only load the hooks when the run has TypeScript files.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';

const TS_FILE = /\.(ts|mts)$/;
const RELATIVE_JS = /^\.{1,2}\/.*\.(js|mjs)$/;

type Next<A extends unknown[], R> = (...args: A) => Promise<R>;
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadResult { format: string; source?: string | Buffer; shortCircuit?: boolean }

/**
 * Watch sessions (workers started by `qa watch`): the hooks report every import between two
 * project files to the worker's main thread, and give project modules a generation query
 * (`?qa=N`) that the controller bumps when a module or anything it imports changes, so a new
 * import evaluates fresh code while unchanged modules stay cached.
 */
export interface WatchHookData {
  port: MessagePort;
  /** Project root as a file: URL ending in '/'. */
  root: string;
  /** URL prefixes that are never project modules (qa itself). */
  skip: string[];
}

let watch: WatchHookData | undefined;
/** file URL (without query) → generation */
const generations = new Map<string, number>();
let pending: Array<[string, string]> = [];

export function initialize(data: WatchHookData | undefined): void {
  if (!data?.port) return;
  watch = data;
  data.port.on('message', (msg: { t: 'gen'; gen: number; urls: string[]; ack: number } | { t: 'flush'; ack: number }) => {
    if (msg.t === 'gen') for (const u of msg.urls) generations.set(u, msg.gen);
    const edges = pending;
    pending = [];
    data.port.postMessage({ t: 'ack', ack: msg.ack, edges });
  });
  data.port.unref();
}

const bare = (url: string): string => {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
};

const IGNORED_DIR = /\/(node_modules|\.git|\.qa|dist)\//;

function isProjectFile(url: string): boolean {
  if (!watch || !url.startsWith(watch.root)) return false;
  if (IGNORED_DIR.test(url.slice(watch.root.length - 1))) return false;
  return !watch.skip.some((s) => url.startsWith(s));
}

/** `import './util.js'` from TypeScript means util.ts, as tsc and bundlers read it. */
export async function resolve(
  specifier: string,
  context: { parentURL?: string },
  next: Next<[string, { parentURL?: string }], ResolveResult>,
): Promise<ResolveResult> {
  let result: ResolveResult;
  try {
    result = await next(specifier, context);
  } catch (err) {
    if (context.parentURL && TS_FILE.test(bare(context.parentURL)) && RELATIVE_JS.test(specifier)) {
      const ts = specifier.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
      result = await next(ts, context);
    } else throw err;
  }
  if (!watch || !result.url.startsWith('file:')) return result;
  const url = bare(result.url);
  if (!isProjectFile(url)) return result;
  const parent = context.parentURL ? bare(context.parentURL) : undefined;
  if (parent && isProjectFile(parent)) pending.push([parent, url]);
  const gen = generations.get(url);
  return gen === undefined ? result : { ...result, url: `${url}?qa=${gen}` };
}

// Every worker imports the same files: the first one to strip a file leaves the result here, keyed
// by content, and sucrase (a large module) is only loaded on a miss.
const CACHE = join(tmpdir(), `qa-lanes-ts-${process.getuid?.() ?? 'user'}`, 'v1');
type Transform = (typeof import('sucrase'))['transform'];
let sucrase: Promise<Transform> | undefined;
// sucrase is CommonJS: bundled, its exports may sit on `default`.
const loadSucrase = async (): Promise<Transform> => {
  const mod = (await import('sucrase')) as { transform?: Transform; default?: { transform: Transform } };
  return mod.transform ?? mod.default!.transform;
};

async function strip(path: string, source: string): Promise<string> {
  const key = createHash('sha1').update(path).update('\0').update(source).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return await readFile(cached, 'utf8');
  } catch {
    // not cached yet
  }
  const transform = await (sucrase ??= loadSucrase());
  const { code } = transform(source, { transforms: ['typescript'], filePath: path, disableESTransforms: true });
  try {
    await mkdir(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, cached);
  } catch {
    // A read-only or full temp dir only costs speed.
  }
  return code;
}

export async function load(url: string, context: { format?: string | null }, next: Next<[string, { format?: string | null }], LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:') || !TS_FILE.test(bare(url))) return next(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  return { format: 'module', source: await strip(path, source), shortCircuit: true };
}
