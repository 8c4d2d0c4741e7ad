// The import graph of `qa watch` and the choice of test files a batch of saved files reruns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImportGraph } from '../../src/core/graph.ts';
import { planRun } from '../../src/watch/plan.ts';

const none = { added: [], changed: [], deleted: [] };

/** t/a.test → src/a → src/shared ← src/b ← t/b.test; t/c.test → src/c; src/a ↔ src/cycle */
function sample(): ImportGraph {
  const g = new ImportGraph();
  g.addAll([
    ['t/a.test.ts', 'src/a.ts'],
    ['src/a.ts', 'src/shared.ts'],
    ['src/b.ts', 'src/shared.ts'],
    ['t/b.test.ts', 'src/b.ts'],
    ['t/c.test.ts', 'src/c.ts'],
    ['src/a.ts', 'src/cycle.ts'],
    ['src/cycle.ts', 'src/a.ts'],
  ]);
  return g;
}
const TESTS = new Set(['t/a.test.ts', 't/b.test.ts', 't/c.test.ts']);
const isTest = (f: string) => TESTS.has(f);

describe('ImportGraph', () => {
  test('a module reaches the test files that import it directly or transitively', () => {
    const g = sample();
    assert.deepEqual(g.affectedTests(['src/shared.ts'], isTest), ['t/a.test.ts', 't/b.test.ts']);
    assert.deepEqual(g.affectedTests(['src/b.ts'], isTest), ['t/b.test.ts']);
    assert.deepEqual(g.affectedTests(['src/c.ts'], isTest), ['t/c.test.ts']);
  });

  test('cycles end', () => {
    assert.deepEqual(sample().affectedTests(['src/cycle.ts'], isTest), ['t/a.test.ts']);
  });

  test('dependents include the intermediate modules (they must be evaluated afresh too)', () => {
    assert.deepEqual([...sample().dependents(['src/shared.ts'])].sort(), ['src/a.ts', 'src/b.ts', 'src/cycle.ts', 'src/shared.ts', 't/a.test.ts', 't/b.test.ts']);
  });

  test('a file nobody imports affects only itself', () => {
    assert.deepEqual(sample().affectedTests(['src/unknown.ts'], isTest), []);
    assert.deepEqual(sample().affectedTests(['t/c.test.ts'], isTest), ['t/c.test.ts']);
  });

  test('clearImports drops an edit-removed import; remove drops a deleted file', () => {
    const g = sample();
    g.clearImports('src/b.ts');
    assert.deepEqual(g.affectedTests(['src/shared.ts'], isTest), ['t/a.test.ts']);
    assert.deepEqual(g.affectedTests(['src/b.ts'], isTest), ['t/b.test.ts'], 'who imports b is kept');
    g.remove('src/a.ts');
    assert.deepEqual(g.importsOf('t/a.test.ts'), []);
    assert.deepEqual(g.importersOf('src/shared.ts'), []);
    assert.equal(g.has('src/a.ts'), false);
  });
});

describe('planRun', () => {
  test('a changed source file reruns its dependent test files', () => {
    const p = planRun({ ...none, changed: ['src/shared.ts'] }, TESTS, TESTS, sample());
    assert.deepEqual(p, { all: false, files: ['t/a.test.ts', 't/b.test.ts'], dropped: [], touched: ['src/shared.ts'] });
  });

  test('a changed or new test file runs; a deleted one is dropped', () => {
    const now = new Set([...TESTS, 't/new.test.ts']);
    now.delete('t/c.test.ts');
    const p = planRun({ added: ['t/new.test.ts'], changed: ['t/b.test.ts'], deleted: ['t/c.test.ts'] }, now, TESTS, sample());
    assert.deepEqual(p.files, ['t/b.test.ts', 't/new.test.ts']);
    assert.deepEqual(p.dropped, ['t/c.test.ts']);
  });

  test('a deleted source file reruns its importers (they now fail to import)', () => {
    const p = planRun({ ...none, deleted: ['src/c.ts'] }, TESTS, TESTS, sample());
    assert.deepEqual(p.files, ['t/c.test.ts']);
    assert.deepEqual(p.dropped, []);
  });

  test('the config or package.json reruns everything', () => {
    for (const file of ['qa.config.ts', 'package.json']) {
      const p = planRun({ ...none, changed: [file] }, TESTS, TESTS, sample());
      assert.equal(p.all, true);
      assert.deepEqual(p.files, [...TESTS].sort());
    }
  });

  test('files outside the selection (command-line paths) never run', () => {
    const narrowed = new Set(['t/a.test.ts']);
    assert.deepEqual(planRun({ ...none, changed: ['src/shared.ts'] }, narrowed, narrowed, sample()).files, ['t/a.test.ts']);
  });
});
