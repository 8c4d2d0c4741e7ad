// `require()` never reaches the module hooks (ts-hooks.ts) on Node 20, so a CommonJS test file
// (Jest's usual) gets the same project resolution here: config aliases (Jest's moduleNameMapper),
// tsconfig paths, and extensionless or folder specifiers naming TypeScript files. What the
// project resolver does not claim, Node resolves as always.
import Module from 'node:module';
import type { AliasRule } from '../compat/config-model.js';
import { projectResolver } from './bundler-resolve.js';

interface ModuleInternals {
  _resolveFilename(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean, options?: unknown): string;
}

const M = Module as unknown as ModuleInternals;

export function resolveRequiresLikeBundlers(root: string, alias: AliasRule[]): void {
  const resolver = projectResolver(root, alias);
  const original = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const from = parent?.filename;
    if (from && !from.includes('/node_modules/') && !request.startsWith('node:')) {
      for (const candidate of resolver.candidates(request, from)) {
        if (candidate.startsWith('/')) return candidate;
        try {
          return original.call(this, candidate, parent, isMain, options);
        } catch {
          // the next candidate, then the request as written
        }
      }
    }
    return original.call(this, request, parent, isMain, options);
  };
}
