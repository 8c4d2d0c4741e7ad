// Vitest's globalSetup: once in the controller before any worker starts, its `provide`d values
// reaching every file's `inject`, its teardown after the last test, and after Ctrl-C too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { assertExit, compatProject, explain, qaJson, REPO_ROOT, runnerVerdicts, sorted, startQa, tempDir } from './helpers.js';

const run = promisify(execFile);

describe('globalSetup in a Vitest project', () => {
  test('runs once before the workers and tears down after, as under vitest, on 1 and 2 workers', async () => {
    const dir = compatProject('global-setup-project', ['vitest', 'vite']);
    const log = join(dir, 'global.log');
    const own = join(tempDir('qa-global-own-'), 'vitest.json');
    await run(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${own}`], { cwd: dir });
    const expected = runnerVerdicts(own, dir);
    assert.equal(expected.size, 3);
    assert.ok([...expected.values()].every((s) => s === 'passed'));
    assert.equal(readFileSync(log, 'utf8'), 'setup\nteardown\n');
    for (const workers of ['1', '2']) {
      rmSync(log);
      const qa = await qaJson(dir, ['-n', workers]);
      assert.deepEqual(sorted(qa.verdicts), sorted(expected), qa.stdout);
      assert.equal(readFileSync(log, 'utf8'), 'setup\nteardown\n');
    }
  });

  test('Ctrl-C in the middle of a test still runs the teardown', async () => {
    const dir = compatProject('global-setup-project', ['vitest', 'vite']);
    const qa = startQa(['run', '--ci', '-n', '1'], { cwd: dir, env: { GLOBAL_SETUP_WAIT: '1' }, timeoutMs: 30_000 });
    for (let waited = 0; !qa.stdoutSoFar().includes('PASSED test/a.test.ts::globalSetup ran once'); waited += 50) {
      assert.ok(waited < 20_000, `qa never reported the first test: ${qa.stdoutSoFar()}`);
      await sleep(50);
    }
    qa.child.kill('SIGINT');
    const r = await qa.done;
    assertExit(r, 2);
    assert.equal(readFileSync(join(dir, 'global.log'), 'utf8'), 'setup\nteardown\n', explain(r));
  });
});
