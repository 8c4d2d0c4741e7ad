// Builds dist/: one esbuild pass with code splitting (the worker and the test API share one
// copy of the runtime), dependencies bundled so start-up resolves few files, then declarations
// for the public test API. Run by `npm install` through `prepare`.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    runtime: 'src/runtime/index.ts',
    worker: 'src/runtime/worker.ts',
    'ts-hooks': 'src/runtime/ts-hooks.ts',
    'register-ts': 'src/runtime/register-ts.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunk-[hash]',
  // Bundled CommonJS dependencies call require() for Node built-ins and read __dirname.
  banner: {
    js: [
      "import { createRequire as __qaCreateRequire } from 'node:module';",
      "import { fileURLToPath as __qaFileURLToPath } from 'node:url';",
      'const require = __qaCreateRequire(import.meta.url);',
      'const __qaFilename = __qaFileURLToPath(import.meta.url);',
      "const __qaDirname = __qaFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  define: { __filename: '__qaFilename', __dirname: '__qaDirname' },
  legalComments: 'none',
  logLevel: 'warning',
});
// expect alone, as CommonJS, so the runtime can require() it lazily (src/runtime/expect.ts).
await build({
  stdin: { contents: "module.exports = { expect: require('expect').expect };", resolveDir: '.', loader: 'js' },
  outfile: 'dist/expect.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
