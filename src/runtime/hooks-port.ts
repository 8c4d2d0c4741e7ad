// The worker's side of the channel to its module hooks thread (watch sessions only): asks for the
// imports the hooks saw, and hands them new module generations.
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';

type Edges = Array<[string, string]>;
const port = (globalThis as Record<symbol, unknown>)[Symbol.for('qa-lanes.hooks-port')] as MessagePort | undefined;
const waiting = new Map<number, (edges: Edges) => void>();
let nextAck = 0;

if (port) {
  port.on('message', (msg: { t: 'ack'; ack: number; edges: Edges }) => {
    waiting.get(msg.ack)?.(msg.edges);
    waiting.delete(msg.ack);
  });
  port.unref();
}

export const watching = port !== undefined;

function call(msg: Record<string, unknown>): Promise<Edges> {
  if (!port) return Promise.resolve([]);
  const ack = ++nextAck;
  return new Promise((done) => {
    waiting.set(ack, done);
    port.postMessage({ ...msg, ack });
  });
}

const toRel = (root: string, url: string): string => {
  const rel = relative(root, fileURLToPath(url));
  return sep === '/' ? rel : rel.split(sep).join('/');
};

/** Imports between project files seen since the last call, as root-relative paths. */
export async function takeImports(root: string): Promise<Edges> {
  const edges = await call({ t: 'flush' });
  return edges.map(([a, b]) => [toRel(root, a), toRel(root, b)]);
}

/** New generation for these root-relative modules; returns imports seen meanwhile. */
export async function bumpModules(root: string, gen: number, modules: string[]): Promise<Edges> {
  const urls = modules.map((m) => pathToFileURL(resolve(root, m)).href);
  const edges = await call({ t: 'gen', gen, urls });
  return edges.map(([a, b]) => [toRel(root, a), toRel(root, b)]);
}
