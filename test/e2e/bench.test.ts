// The benchmark harness (bench/run.ts) at its tiny size: it must run every runner on every suite,
// find each runner's own pass count, and print the table and the targets. Timings are printed,
// never asserted: this machine may be shared and noisy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');
const RUNNERS = ['qa', 'mocha --parallel', 'vitest (forks)', 'node --test'];

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('QA_') || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS' || key === 'FORCE_COLOR') delete env[key];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench/run.ts ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('bench/run.ts --tiny runs every runner and prints the table and the targets', { timeout: 300_000 }, async () => {
  const r = await runBench(['--tiny'], 290_000);
  const shown = `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
  assert.equal(r.code, 0, `bench/run.ts --tiny exited with ${r.code}\n${shown}`);

  // The header: machine, versions, the command that reproduces the table.
  assert.match(r.stdout, /^- machine: \d+ cores/m, shown);
  assert.match(r.stdout, /^- versions: node v\d+\S* · qa-lanes \S+ .* · vitest \d\S* · mocha \d\S*/m, shown);
  assert.match(r.stdout, /^- command: `node --import tsx bench\/run\.ts --tiny`/m, shown);

  // One row per runner with a wall time and the runner's own pass count matching the suite.
  assert.match(r.stdout, /^\| suite \| runner \| workers \| wall \(median\) \|/m, shown);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('| '));
  for (const runner of RUNNERS) {
    const escaped = runner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const suite of ['startup', 'trivial', 'sleep', 'skewed']) {
      const row = rows.find((l) => new RegExp(`^\\| ${suite}[^|]* \\| ${escaped}(?:, [^|]*)? \\| \\d+ \\| \\d+(?:\\.\\d+)? m?s \\|`).test(l));
      assert.ok(row, `no "${suite}" row for ${runner} with a wall time\n${shown}`);
      const passed = /\| (\d+)\/(\d+) \|/.exec(row!);
      assert.ok(passed, `no passed/expected column in: ${row}`);
      assert.equal(passed![1], passed![2], `the runner's own pass count must match the suite: ${row}`);
    }
  }
  assert.doesNotMatch(r.stdout, /BROKEN/, shown);
  assert.doesNotMatch(r.stdout, /^## Problems/m, shown);

  // qa-only measurements and memory.
  assert.match(r.stdout, /^\| qa stress --count \d+, .* runs\/s/m, shown);
  assert.match(r.stdout, /^## Peak memory/m, shown);

  // qa watch: saves in a generated project and in a copy of the demo-suite, each with the test
  // files importing it (read from the sources), what qa selected and ran, and a first-result time.
  assert.match(r.stdout, /^## qa watch: save → first result/m, shown);
  for (const project of ['generated', 'demo-suite']) {
    const mine = rows.filter((l) => l.startsWith(`| ${project}`));
    assert.ok(mine.length >= 2, `no watch rows for the ${project} project\n${shown}`);
    for (const row of mine) {
      assert.match(row, /^\| [^|]+ \| \S+ \| \d+: [^|]+ \| \d+ \| \d+ \| yes \| \d+ ms \| \d+ ms \| \d+ ms \|/, `selection not exact or no time: ${row}`);
    }
  }
  assert.ok(
    rows.some((l) => /^\| generated [^|]+ \| src\/legacy\.cjs \| 1: /.test(l)),
    `a CommonJS module required through createRequire is one of the saved files\n${shown}`,
  );

  // The targets: one line each, met / missed / pending, with numbers.
  const targets = r.stdout.split(/^## Targets$/m)[1]?.split(/^## /m)[0] ?? '';
  const lines = targets.split('\n').filter((l) => l.startsWith('- '));
  for (const l of lines) assert.match(l, /^- (met|missed|pending): /, `unreadable target line: ${l}`);
  for (const name of ['startup', 'trivial', 'sleep', 'skewed', 'TUI vs headless', 'watch, demo-suite']) {
    assert.ok(
      lines.some((l) => l.includes(name)),
      `no target line for ${name}\n${targets}`,
    );
  }
});
