// `require()` never reaches the module hooks (ts-hooks.ts) on Node 20, so a CommonJS test file
// (Jest's usual) gets the same project resolution here: config aliases (Jest's moduleNameMapper),
// tsconfig paths, and extensionless or folder specifiers naming TypeScript files. What the
// project resolver does not claim, Node resolves as always.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import type { AliasRule } from '../compat/config-model.js';
import { emitOptions, projectResolver } from './bundler-resolve.js';
import { mocksWithJest } from './hoist.js';
import { fillsExports, loadSucrase, transformsFor } from './transform.js';

interface CompiledModule {
  _compile(code: string, filename: string): void;
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: CompiledModule, filename: string) => void>;
}

const M = Module as unknown as ModuleInternals;

const ES_SYNTAX = /^\s*(?:import\s*[\w${*'"]|export\s)/m;

/**
 * A project file that `require()` reaches and that is TypeScript, or imports while exporting by
 * filling `exports` (what babel-jest accepts), is compiled to CommonJS first, as ts-jest and
 * babel-jest do. A plain ES module is left to Node's require(esm). A file that calls jest.mock
 * gets the calls hoisted.
 */
export async function compileRequiredSources(root: string): Promise<void> {
  const transform = await loadSucrase();
  const emit = emitOptions(root);
  const original = M._extensions['.js'];
  const compileOr = (fallback: (module: CompiledModule, filename: string) => void) => (module: CompiledModule, filename: string) => {
    if (filename.startsWith(root) && !filename.includes('/node_modules/')) {
      const source = readFileSync(filename, 'utf8');
      const ts = transformsFor(filename)?.filter((t) => t !== 'imports');
      const compiles = ts !== undefined || (ES_SYNTAX.test(source) && fillsExports(source));
      // jest.mock calls go above the file's requires, as babel-plugin-jest-hoist puts them.
      const hoists = mocksWithJest(source);
      if (compiles || hoists) {
        const transforms = compiles ? [...(ts ?? (filename.endsWith('.jsx') ? ['jsx' as const] : [])), 'imports' as const] : [];
        if (hoists) transforms.push('jest');
        const { code } = transform(source, { transforms, filePath: filename, disableESTransforms: emit.defineFields, jsxRuntime: emit.runtime, jsxImportSource: emit.importSource, production: true });
        module._compile(code, filename);
        return;
      }
    }
    fallback(module, filename);
  };
  M._extensions['.js'] = compileOr(original);
  for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.jsx']) M._extensions[ext] = compileOr(M._extensions[ext] ?? original);
}

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
