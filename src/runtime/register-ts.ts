// Loaded with `node --import` in workers of runs that have TypeScript files, and in every worker
// of a watch session (QA_WATCH=1), where the hooks also report imports and version module URLs.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { WatchHookData } from './ts-hooks.js';

if (process.env.QA_WATCH === '1') {
  const { port1, port2 } = new MessageChannel();
  const root = pathToFileURL(process.env.QA_ROOT ?? process.cwd()).href.replace(/\/?$/, '/');
  const data: WatchHookData = { port: port2, root, skip: [new URL('./', import.meta.url).href] };
  register('./ts-hooks.js', { parentURL: import.meta.url, data, transferList: [port2] });
  port1.unref();
  // The worker's main module picks the port up from here (it is bundled separately).
  (globalThis as Record<symbol, unknown>)[Symbol.for('qa-lanes.hooks-port')] = port1;
} else {
  register('./ts-hooks.js', import.meta.url);
}
