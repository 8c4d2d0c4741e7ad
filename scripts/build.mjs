// Builds dist/: one esbuild pass with code splitting (the worker and the test API share one
// copy of the runtime), dependencies bundled so start-up resolves few files, then declarations
// for the public test API. Run by `npm install` through `prepare`.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { narrowCharacterClass } from './narrow-chars.mjs';

// The TUI (src/tui, loaded only on a terminal) bundles Ink and React into its own chunks: loaded
// from node_modules, Ink takes ~0.5 s to import (es-toolkit/compat alone is ~175 ms), bundled ~0.1 s.
// React's entry points pick their development build unless NODE_ENV=production; this resolves them
// to the production files directly, without defining NODE_ENV for the rest of qa.
const requireHere = createRequire(import.meta.url);
const REACT_PRODUCTION = {
  react: ['react', 'cjs/react.production.js'],
  'react/jsx-runtime': ['react', 'cjs/react-jsx-runtime.production.js'],
  'react-reconciler': ['react-reconciler', 'cjs/react-reconciler.production.js'],
  'react-reconciler/constants.js': ['react-reconciler', 'cjs/react-reconciler-constants.production.js'],
  scheduler: ['scheduler', 'cjs/scheduler.production.js'],
};
const packageDir = (name) => dirname(requireHere.resolve(`${name}/package.json`));
// Ink's layout engine (yoga) embeds its wasm as a data: URL and loads it with fetch() when fetch
// exists, which makes Node load its whole fetch implementation (~30 ms) just to decode base64.
// Without fetch in scope it decodes the same bytes directly.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => ({
      contents: `const fetch = undefined;\n${await readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};
// string-width (yargs' help layout, Ink) and its kin build an Intl.Segmenter when they load,
// which costs ~13 ms each even when no width is ever measured, as on every headless run. The
// segmenter is made on first use instead. string-width's shortcut for ASCII (width = length) is
// widened to the characters scripts/narrow-chars.mjs finds it measures as one cell, so a TUI row
// with a ✓ or a spinner in it is not measured one grapheme at a time.
const stringWidthShortcut = /\/\^\[\\u0020-\\u007E\]\*\$\/\.test\(string\)/;
const narrowClass = narrowCharacterClass((await import('string-width')).default);
// Ink's copy (widest-line's); wrap-ansi and cliui bring an older one without the shortcut.
const stringWidthFile = fileURLToPath(import.meta.resolve('string-width'));
const widthHelpers = {
  name: 'width-helpers',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](string-width|slice-ansi|@alcalzone[\\/]ansi-tokenize)[\\/].*\.js$/ }, async (args) => {
      let contents = (await readFile(args.path, 'utf8')).replace(/^const (\w+) = new Intl\.Segmenter\(([^)]*)\);$/gm, (_, name, options) => {
        return `let ${name}Made; const ${name} = { segment: (text) => (${name}Made ??= new Intl.Segmenter(${options})).segment(text) };`;
      });
      if (args.path === stringWidthFile) {
        if (!stringWidthShortcut.test(contents)) throw new Error(`${args.path}: string-width's ASCII shortcut has changed; update scripts/build.mjs`);
        // Many of those characters are East Asian Ambiguous: one cell only when ambiguousIsNarrow (the default).
        contents = contents.replace(stringWidthShortcut, (ascii) => `(${ascii} || (ambiguousIsNarrow && /^[\\u0020-\\u007E${narrowClass}]*$/.test(string)))`);
      }
      return { contents, loader: 'js' };
    });
  },
};
const reactProduction = {
  name: 'react-production',
  setup(b) {
    b.onResolve({ filter: /^(react|react\/jsx-runtime|react-reconciler|react-reconciler\/constants\.js|scheduler)$/ }, (args) => ({
      path: join(packageDir(REACT_PRODUCTION[args.path][0]), REACT_PRODUCTION[args.path][1]),
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    runtime: 'src/runtime/index.ts',
    // A worker boots bare (worker-boot.ts) and loads the worker proper, a chunk, once it is told who it is.
    worker: 'src/runtime/worker-boot.ts',
    spare: 'src/core/spare.ts',
    'ts-hooks': 'src/runtime/ts-hooks.ts',
    'register-ts': 'src/runtime/register-ts.ts',
    // What `import … from 'vitest'` and '@jest/globals' give a test file in a worker (ts-hooks.ts).
    'compat-vitest': 'src/compat/vitest.ts',
    'compat-jest': 'src/compat/jest-globals.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunk-[hash]',
  jsx: 'automatic',
  plugins: [reactProduction, yogaWithoutFetch, widthHelpers],
  // Node 20 has /v regexps. Lowered to new RegExp(..., 'v'), string-width's Unicode-property
  // patterns were compiled when yargs loaded (~12 ms); as literals V8 compiles them on first use.
  supported: { 'regexp-set-notation': true },
  // Ink imports its devtools only when DEV=true; that package is not a dependency.
  external: ['react-devtools-core'],
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
