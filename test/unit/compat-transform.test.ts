// The source rewrites qa makes so bundler-era files load on Node, checked by evaluating what they
// produce: every line must stay where it was, and the rewritten module must behave as a bundler's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jestEachName } from '../../src/compat/jest-names.ts';
import { vitestEachName } from '../../src/compat/vitest-names.ts';
import { templateTable } from '../../src/runtime/each.ts';
import { exportNames, tolerateMissingBindings } from '../../src/runtime/reexports.ts';
import { fillsExports, interopPackageImports, withCommonJsNames } from '../../src/runtime/transform.ts';

const lines = (s: string) => s.split('\n').length;
const noBuiltins = () => false;

describe('tolerateMissingBindings', () => {
  const exportsOf = async (spec: string) => (spec === './x' ? new Set(['a', 'default']) : undefined);

  test('drops re-exported names the source does not export, keeping lines', async () => {
    const code = "export { a, Draft } from './x';\nexport { Only } from './x';\n";
    const out = await tolerateMissingBindings(code, '/p/m.ts', exportsOf);
    assert.equal(lines(out), lines(code));
    assert.match(out, /export \{ a \} from '\.\/x'/);
    assert.match(out, /import '\.\/x'/);
    assert.doesNotMatch(out, /Draft|Only/);
  });

  test('a named import the source lacks becomes undefined; the rest stays an import', async () => {
    const out = await tolerateMissingBindings("import d, { a, gone as g } from './x';\nuse(d, a, g);\n", '/p/m.js', exportsOf);
    assert.match(out, /import d, \{ a \} from '\.\/x'; const g = undefined;/);
  });

  test('an unknown source (a package, CommonJS) is left alone', async () => {
    const code = "import { pick } from 'lodash';\n";
    assert.equal(await tolerateMissingBindings(code, '/p/m.js', exportsOf), code);
  });

  test('exportNames follows export * and leaves CommonJS unknown', async () => {
    const names = await exportNames("export const a = 1; export * from './y';", async () => new Set(['b', 'default']), false);
    assert.deepEqual([...names!].sort(), ['a', 'b']);
    assert.equal(await exportNames('module.exports = 1;', async () => undefined, false), undefined);
    assert.deepEqual([...(await exportNames('', async () => undefined, true))!], [], 'a TypeScript file of types only exports nothing');
  });
});

describe('interopPackageImports', () => {
  const run = async (code: string, modules: Record<string, unknown>) => {
    const out = interopPackageImports(code, noBuiltins);
    // Evaluate with the imports replaced by the given namespaces.
    const body = out.replace(/import \* as (\w+) from '([^']+)';/g, (_, ns: string, spec: string) => `const ${ns} = modules[${JSON.stringify(spec)}];`).replace(/import (\w+), \* as (\w+) from '([^']+)';/g, (_, d: string, ns: string, spec: string) => `const ${ns} = modules[${JSON.stringify(spec)}]; const ${d} = ${ns}.default;`);
    return { out, value: new Function('modules', `${body}; return result;`)(modules) as unknown };
  };
  const cjs = { default: Object.assign(() => 'fn', { pick: (o: object) => Object.keys(o) }) };

  test('a namespace of a CommonJS package sees module.exports properties', async () => {
    const { out, value } = await run("import * as _ from 'lodash';\nconst result = _.pick({ a: 1 });", { lodash: cjs });
    assert.deepEqual(value, ['a']);
    assert.match(out.split('\n')[1], /^const result = /, 'every line stays where it was; the helper goes after the last');
  });

  test('named imports read from the same view; a renamed one too', async () => {
    const { value } = await run("import { pick as p } from 'lodash';\nconst result = p({ b: 2 });", { lodash: cjs });
    assert.deepEqual(value, ['b']);
  });

  test('an ES module namespace is used as it is', async () => {
    const esm = { default: { other: 1 }, named: 2 };
    const { value } = await run("import { named } from 'esm-pkg';\nconst result = named;", { 'esm-pkg': esm });
    assert.equal(value, 2);
  });

  test('relative specifiers and builtins are not touched', () => {
    const code = "import { a } from './a';\nimport * as fs from 'fs';\n";
    assert.equal(interopPackageImports(code, (s) => s === 'fs'), code);
  });
});

describe('withCommonJsNames', () => {
  test('adds only the names a module uses and does not declare, on its first line', () => {
    const out = withCommonJsNames("import x from 'y';\nconsole.log(__dirname);\nconst require = 1;\nrequire;\n");
    assert.equal(lines(out), 5);
    assert.match(out.split('\n')[0], /const __dirname = /);
    assert.doesNotMatch(out.split('\n')[0], /const require = __qaCreateRequire/);
  });

  test('a hashbang stays first', () => {
    const out = withCommonJsNames('#!/usr/bin/env node\nconsole.log(__filename);\n');
    assert.ok(out.startsWith('#!/usr/bin/env node\n'));
  });

  test('a file that fills exports exports module.exports and each exports.name', () => {
    const code = "import { s } from './s';\nfunction f() {}\nexports.f = f;\n";
    assert.ok(fillsExports(code));
    const out = withCommonJsNames(code);
    assert.match(out, /export default module\.exports;/);
    assert.match(out, /const \{ f: __qaExport_f \} = module\.exports; export \{ __qaExport_f as f \};/);
    assert.ok(!fillsExports("export const a = 1;\nexports.b = 2;\n"), 'a real ES module is not a hybrid');
  });
});

describe('row names', () => {
  test('Vitest: $key through objDisplay, %# and %$ the index, functions as source', () => {
    assert.equal(vitestEachName('row $who #%# of %$', { who: 'ann' }, 0, false), "row 'ann' #0 of 1");
    const named = function named() {};
    assert.equal(vitestEachName('%s %s %i $1', [named, 'text', 2], 0, false), `${String(named)} text 2 'text'`);
  });

  test('Jest: $key only in template tables; %p through pretty-format; placeholders past the values stay', () => {
    assert.equal(jestEachName('row $a $b', { a: 'x', b: { k: 1 } }, 0, true), 'row x {"k": 1}');
    assert.equal(jestEachName('obj $name %#', { name: 'ann' }, 0, false), 'obj $name 0');
    assert.equal(jestEachName('%s %p %p', ['s', 'q'], 0, false), 's "q" %p');
  });

  test('template tables: named columns, values filling rows; a short table is an error', () => {
    const strings = Object.assign(['\n a | b\n ', ' | ', '\n ', ' | ', '\n'], { raw: [] }) as unknown as TemplateStringsArray;
    assert.deepEqual(templateTable(strings, [1, 2, 3, 4]), [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    assert.throws(() => templateTable(strings, [1, 2, 3]), /3 values do not fill rows of 2 columns/);
  });
});
