// Loaded with `node --import` in every worker: registers the module hooks (ts-hooks.ts) with the
// project's root and aliases, and in a watch session (QA_WATCH=1) the channel through which the
// hooks report imports and take new module generations.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { HookData } from './ts-hooks.js';

const root = process.env.QA_ROOT ?? process.cwd();
const data: HookData = {
  root,
  alias: process.env.QA_ALIAS ? JSON.parse(process.env.QA_ALIAS) : [],
  replace: {
    vitest: new URL('./compat-vitest.js', import.meta.url).href,
    '@jest/globals': new URL('./compat-jest.js', import.meta.url).href,
  },
};
if (process.env.QA_WATCH === '1') {
  const { port1, port2 } = new MessageChannel();
  data.watch = { port: port2, root: pathToFileURL(root).href.replace(/\/?$/, '/'), skip: [new URL('./', import.meta.url).href] };
  register('./ts-hooks.js', { parentURL: import.meta.url, data, transferList: [port2] });
  port1.unref();
  // The worker's main module picks the port up from here (it is bundled separately).
  (globalThis as Record<symbol, unknown>)[Symbol.for('qa-lanes.hooks-port')] = port1;
} else {
  register('./ts-hooks.js', { parentURL: import.meta.url, data });
}
