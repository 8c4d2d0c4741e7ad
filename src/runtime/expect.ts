// Jest's expect, loaded on first use. Loading it costs ~25-40 ms, which a worker should not pay
// while it only imports files to collect them, nor the controller when a config imports
// defineConfig from 'qa-lanes'. The build puts expect in its own CommonJS file so that it can be
// required synchronously the first time a test calls expect().
import { createRequire } from 'node:module';
import type { expect as JestExpect } from 'expect';

type Expect = typeof JestExpect;

let real: Expect | undefined;
const load = (): Expect => (real ??= (createRequire(import.meta.url)('./expect.cjs') as { expect: Expect }).expect);

export const expect: Expect = new Proxy(function expect() {} as unknown as Expect, {
  apply: (_target, _this, args: unknown[]) => (load() as unknown as (...a: unknown[]) => unknown)(...args),
  get: (_target, prop) => Reflect.get(load(), prop),
  set: (_target, prop, value) => Reflect.set(load(), prop, value),
  has: (_target, prop) => Reflect.has(load(), prop),
});
