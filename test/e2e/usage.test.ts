// Mistakes on the command line or in the config: exit 4 with one `qa: error:` line and no stack.
// Nothing to run: exit 5.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertExit, assertUsageError, explain, lastLine, project, results, runQa } from './helpers.ts';

describe('usage errors (exit 4)', { concurrency: true }, () => {
  const cwd = project('passing');

  test('unknown flag', async () => {
    const r = await runQa(['--frobnicate'], { cwd });
    assertUsageError(r, 'frobnicate');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line\n${explain(r)}`);
  });

  test('-n 0', async () => {
    const r = await runQa(['-n', '0'], { cwd });
    assertUsageError(r, '-n', '"0"');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line\n${explain(r)}`);
  });

  test('-n abc', async () => {
    const r = await runQa(['-n', 'abc'], { cwd });
    assertUsageError(r, '-n', 'abc');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line\n${explain(r)}`);
  });

  test('a path that does not exist', async () => {
    const r = await runQa(['no/such/dir'], { cwd });
    assertUsageError(r, 'no/such/dir');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line\n${explain(r)}`);
  });

  test('a test id whose file does not exist', async () => {
    const r = await runQa(['missing.test.ts::some test'], { cwd });
    assertUsageError(r, 'missing.test.ts');
  });

  test('a test id that matches no test', async () => {
    const r = await runQa(['math.test.ts::no such test'], { cwd });
    assertUsageError(r, 'math.test.ts::no such test');
  });

  test('a config file that throws', async () => {
    const r = await runQa([], { cwd: project('config-throws') });
    assertUsageError(r, 'qa.config.mjs', 'config exploded on purpose');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line\n${explain(r)}`);
  });

  test('config values of the wrong kind name the file, the key and the value', async () => {
    const cases: Array<[string, string]> = [
      ["{ workers: 'lots' }", `qa.config.mjs: "workers" must be a whole number ≥ 1 or "auto"; got 'lots'`],
      ["{ dist: 'sideways' }", `qa.config.mjs: "dist" must be one of "load", "loadscope", "loadfile", "loadgroup"; got 'sideways'`],
      ["{ strictMarkers: 'yes' }", 'qa.config.mjs: "strictMarkers" must be true or false'],
    ];
    for (const [config, message] of cases) {
      const r = await runQa([], { cwd: project('passing', { 'qa.config.mjs': `export default ${config};\n` }) });
      assertUsageError(r);
      assert.equal(r.stderr.trim(), `qa: error: ${message}`, explain(r));
    }
  });

  test('-c naming a config file that does not exist', async () => {
    const r = await runQa(['-c', 'nope.config.mjs'], { cwd });
    assertUsageError(r, 'nope.config.mjs');
  });

  test('-m "smoke and": the expression and a caret under the problem', async () => {
    const r = await runQa(['-m', 'smoke and'], { cwd });
    assertUsageError(r, '-m');
    const [, expr, caret] = r.stderr.split('\n');
    assert.equal(expr, '  smoke and', explain(r));
    assert.match(caret, /^ +\^$/, explain(r));
    // The problem is the missing operand at the end of the expression.
    assert.equal(caret.indexOf('^'), expr.length, `caret at the end of the expression\n${r.stderr}`);
  });

  test('-k "(a": the expression and a caret', async () => {
    const r = await runQa(['-k', '(a'], { cwd });
    assertUsageError(r, '-k');
    const [, expr, caret] = r.stderr.split('\n');
    assert.equal(expr, '  (a', explain(r));
    assert.match(caret, /^ +\^$/, explain(r));
    assert.equal(caret.indexOf('^'), expr.length, `caret where the ")" is missing\n${r.stderr}`);
  });

  test('an unregistered mark with strictMarkers names the file and the mark', async () => {
    const r = await runQa([], { cwd: project('strict-markers') });
    const line = assertUsageError(r, 'typo.test.mjs', 'smok');
    assert.ok(!line.includes('registered.test.mjs'), line);
  });

  test('strictMarkers accepts registered marks', async () => {
    const r = await runQa(['registered.test.mjs'], { cwd: project('strict-markers') });
    assertExit(r, 0);
    assert.equal(lastLine(r.stdout), 'qa: 1 passed, 0 failed, 0 skipped');
  });

  test('--dist with an unknown mode says which option and value are wrong', async () => {
    const r = await runQa(['--dist', 'sideways'], { cwd });
    assertUsageError(r, /dist/, 'sideways');
    assert.equal(r.stderr.trim(), 'qa: error: --dist takes one of "load", "loadscope", "loadfile", "loadgroup"; got "sideways"');
    const two = await runQa(['--dist', 'sideways', '--reporter', 'loud'], { cwd });
    assert.equal(two.stderr.trim(), 'qa: error: --dist takes one of "load", "loadscope", "loadfile", "loadgroup"; got "sideways"', explain(two));
  });

  test('--timeout -5 says the smallest value it takes', async () => {
    const r = await runQa(['--timeout', '-5'], { cwd });
    assert.equal(r.stderr.trim(), 'qa: error: --timeout takes a whole number ≥ 0, got "-5"', explain(r));
    assertExit(r, 4);
  });

  test('--count without a value is an error, like -n and --timeout without one', async () => {
    const timeout = await runQa(['--timeout'], { cwd });
    assertUsageError(timeout, '--timeout');
    const r = await runQa(['--count'], { cwd });
    assertUsageError(r, '--count');
  });

  test('control characters in a bad argument are escaped on stderr', async () => {
    const r = await runQa(['no\u001b[31msuch-dir'], { cwd });
    assertUsageError(r);
    assert.ok(!r.stderr.includes('\u001b'), `no raw ESC byte on stderr: ${JSON.stringify(r.stderr)}`);
  });
});

describe('no tests (exit 5)', { concurrency: true }, () => {
  test('a project without test files', async () => {
    const r = await runQa([], { cwd: project('no-tests') });
    assertExit(r, 5);
    assert.equal(lastLine(r.stdout), 'qa: 0 passed, 0 failed, 0 skipped');
    assert.match(r.stdout, /no tests ran/);
    assert.equal(r.stderr, '');
  });

  test('an empty directory', async () => {
    const r = await runQa([], { cwd: project(null) });
    assertExit(r, 5);
    assert.equal(lastLine(r.stdout), 'qa: 0 passed, 0 failed, 0 skipped');
  });

  test('everything deselected by -m', async () => {
    const r = await runQa(['-m', 'nightly'], { cwd: project('selection') });
    assertExit(r, 5);
    assert.equal(results(r.stdout).length, 0, explain(r));
    assert.match(r.stdout, /7 deselected/);
    assert.equal(lastLine(r.stdout), 'qa: 0 passed, 0 failed, 0 skipped');
  });

  test('everything deselected by -k', async () => {
    const r = await runQa(['-k', 'zebra'], { cwd: project('selection') });
    assertExit(r, 5);
    assert.equal(results(r.stdout).length, 0, explain(r));
  });

  test('qa list with nothing to list', async () => {
    const r = await runQa(['list'], { cwd: project('no-tests') });
    assertExit(r, 5);
    assert.match(r.stdout, /^0 tests collected$/m);
  });
});

