// DOM environments per test file: the project's jsdom or happy-dom, picked by the Vitest config or
// a file's docblock, beside node files in one run; the globals of one file never reach another.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { compatProject, explain, qaJson, REPO_ROOT, runnerVerdicts, runQa, sorted, tempDir } from './helpers.js';

const run = promisify(execFile);

describe('DOM environments in a Vitest project', () => {
  test('jsdom from the config, happy-dom and node from docblocks: same verdicts as vitest on 1 and 2 workers', async () => {
    const dir = compatProject('dom-project', ['vitest', 'vite', 'jsdom', 'happy-dom']);
    const own = join(tempDir('qa-dom-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${own}`], { cwd: dir });
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 6);
    assert.ok([...expected.values()].every((s) => s === 'passed'));
    for (const args of [['-n', '1'], ['-n', '2'], ['-n', '2', '--dist', 'load']]) {
      const qa = await qaJson(dir, args);
      assert.deepEqual(sorted(qa.verdicts), sorted(expected), `${args.join(' ')}\n${qa.stdout}`);
    }
  });

  test('a missing jsdom is a collection error naming the package to install', async () => {
    const dir = compatProject('dom-project', ['vitest', 'vite', 'happy-dom']);
    const r = await runQa(['run', '--ci', '-n', '1'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stdout, /ERROR collecting test\/jsdom\.test\.ts: .*needs jsdom.*npm i -D jsdom/);
    assert.match(r.stdout, /PASSED test\/happy\.test\.ts::a docblock picks happy-dom for this file/);
    assert.match(r.stdout, /PASSED test\/node\.test\.ts::/);
  });
});
