// Module mocks as Vitest and Jest have them: hoisted vi.mock / jest.mock with and without a
// factory, __mocks__ files, the real module beside the mock, doMock and module registry resets,
// built-ins and packages; each file's mocks stay in that file, whatever worker runs it and in
// whatever order. Judged against the real runners on the same files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { compatProject, qaJson, REPO_ROOT, runnerVerdicts, sorted, tempDir } from './helpers.js';

const run = promisify(execFile);

describe('module mocks in a Vitest project', () => {
  test('same verdicts as vitest on 1 and 2 workers, files in either order', async () => {
    const dir = compatProject('mocks-project', ['vitest', 'vite', 'picomatch']);
    const own = join(tempDir('qa-mocks-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${own}`], { cwd: dir });
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 11);
    assert.ok([...expected.values()].every((s) => s === 'passed'));
    for (const args of [['-n', '1'], ['-n', '2'], ['-n', '2', '--dist', 'load'], ['-n', '1', '--seed', '3'], ['-n', '2', '--seed', '8']]) {
      const qa = await qaJson(dir, args);
      assert.deepEqual(sorted(qa.verdicts), sorted(expected), `${args.join(' ')}\n${qa.stdout}`);
    }
  });
});

describe('module mocks in a Jest project (CommonJS)', () => {
  test('same verdicts as jest; an ES test file (babel-jest style) sees its hoisted jest.mock too', async () => {
    const dir = compatProject('jest-mocks-project', ['jest', 'picomatch']);
    const own = join(tempDir('qa-mocks-own-'), 'jest.json');
    // Jest needs Babel's module transform for the ES file; qa does not. Jest judges the rest.
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'jest'), ['--json', `--outputFile=${own}`, '--testPathIgnorePatterns', 'esm'], { cwd: dir });
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 13);
    assert.ok([...expected.values()].every((s) => s === 'passed'));
    for (const args of [['-n', '1'], ['-n', '2', '--dist', 'load']]) {
      const qa = await qaJson(dir, args);
      const esm = [...qa.verdicts].filter(([id]) => id.startsWith('__tests__/esm'));
      const rest = new Map([...qa.verdicts].filter(([id]) => !id.startsWith('__tests__/esm')));
      assert.deepEqual(sorted(rest), sorted(expected), `${args.join(' ')}\n${qa.stdout}`);
      assert.deepEqual(esm.map(([, s]) => s), ['passed'], qa.stdout);
    }
  });
});
