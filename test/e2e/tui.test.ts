// The TUI end to end: the real built `qa` in a real terminal (tmux), driven by key presses, read
// back from the screen. Each test gets its own tmux server (a private socket) and a small project.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { project, QA_BIN } from './helpers.ts';

const TMUX = (() => {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? 'tmux' : null;
})();
// CI must run these (.ci/run installs tmux): there a missing tmux is a failure with a clear
// message; a developer machine without tmux skips them.
const skip = TMUX === null ? 'tmux is not installed (these tests run in CI)' : false;
if (TMUX === null && process.env.CI) {
  test('tmux is available for the TUI end-to-end tests', () => {
    assert.fail('tmux is not installed: the TUI end-to-end tests need it (apt-get install tmux)');
  });
}

const SOCKET = `qa-e2e-tui-${process.pid}`;
let sessions = 0;

// One tmux server for the file, kept up by an idle session: closing a test's session must not
// take the server down while the next test starts its own.
before(() => {
  if (TMUX) execFileSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keepalive', 'sleep 600'], { env: terminalEnv() });
});
after(() => {
  if (TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
});

/** The environment of the terminal: no CI (it forces headless), nothing from an outer qa or node:test. */
function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'TMUX' || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT' || k.startsWith('QA_')) continue;
    env[k] = v;
  }
  return { ...env, TERM: 'xterm-256color', ...extra };
}

class Terminal {
  readonly name = `t${++sessions}`;

  constructor(cwd: string, size: { cols: number; rows: number }, env: Record<string, string> = {}) {
    // The shell gets its variables on its command line: a session otherwise inherits the tmux
    // server's environment, which is whatever the first session started it with.
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const shell = ['env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', ...vars, 'bash', '--norc', '--noprofile'].join(' ');
    this.tmux(['new-session', '-d', '-s', this.name, '-x', String(size.cols), '-y', String(size.rows), '-c', cwd, shell], terminalEnv());
  }

  /** Waits for the shell, gives it a recognisable prompt and a clean screen. */
  async ready(): Promise<this> {
    this.run("PS1='SHELL$ '; clear");
    await this.waitFor(/^SHELL\$$/m);
    return this;
  }

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', ...(env ? { env } : {}) });
  }

  /** Types a command line at the shell prompt and presses Enter. */
  run(command: string): void {
    this.tmux(['send-keys', '-t', this.name, '-l', command]);
    this.tmux(['send-keys', '-t', this.name, 'Enter']);
  }

  /** Key names as tmux knows them (`m`, `Enter`, `Down`, `C-c`), one at a time so none merge. */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) {
      this.tmux(['send-keys', '-t', this.name, k]);
      await sleep(40);
    }
  }

  async type(text: string): Promise<void> {
    this.tmux(['send-keys', '-t', this.name, '-l', text]);
    await sleep(40);
  }

  screen(escapes = false): string {
    return this.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name]).replace(/\n+$/, '');
  }

  /** 1 when the cursor is visible. */
  cursorVisible(): boolean {
    return this.tmux(['display-message', '-p', '-t', this.name, '#{cursor_flag}']).trim() === '1';
  }

  resize(cols: number, rows: number): void {
    this.tmux(['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  async waitFor(pattern: RegExp, ms = 10_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (Date.now() - t0 > ms) assert.fail(`timed out after ${ms} ms waiting for ${pattern} on the screen:\n${s}`);
      await sleep(50);
    }
  }

  close(): void {
    spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

const QA = `node ${JSON.stringify(QA_BIN)}`;
/** Runs qa in the terminal's shell and prints its exit code after it. */
const qa = (args: string) => `${QA} ${args}; echo EXIT=$?`;

const MATH = `import { test, expect } from 'qa-lanes';
test('adds', { marks: ['smoke'] }, () => expect(1 + 1).toBe(2));
test('subtracts', { marks: ['smoke'] }, () => expect(2 - 1).toBe(1));
test('waits a little', { marks: ['slow'] }, async () => { await new Promise((r) => setTimeout(r, 300)); });
test('is wrong on purpose', () => { console.log('computing 2 * 2'); expect(2 * 2).toBe(5); });
`;
const STRINGS = `import { test, expect } from 'qa-lanes';
test('joins', () => expect(['a', 'b'].join('')).toBe('ab'));
test('takes its time', async () => { await new Promise((r) => setTimeout(r, 1500)); });
test('upper', () => expect('a'.toUpperCase()).toBe('A'));
`;
const RACY = `import { test } from 'qa-lanes';
test('every fourth copy fails', async ({ testInfo }) => {
  await new Promise((r) => setTimeout(r, 60));
  if (testInfo.iteration % 4 === 0) throw new Error('copy ' + testInfo.iteration + ' lost the race');
});
`;
const SLOW = `import { test } from 'qa-lanes';
for (let i = 0; i < 6; i++) test('sleeps ' + i, async () => { await new Promise((r) => setTimeout(r, 4000)); });
`;

const newProject = () => project(null, { 'math.test.mjs': MATH, 'strings.test.mjs': STRINGS, 'racy.test.mjs': RACY });

/** Each frame replaces the last: the live region's rows appear once, never a copy left behind. */
function assertOneFrame(screen: string): void {
  const counters = screen.split('\n').filter((l) => /^\d+ passed {2}\d+ failed /.test(l) || /discovering and collecting/.test(l));
  assert.equal(counters.length, 1, `one counters row expected, found ${counters.length}:\n${screen}`);
  const titles = screen.split('\n').filter((l) => /^qa \S+ {2}(run|loop|rerun failed) #\d/.test(l));
  assert.equal(titles.length, 1, `one title row expected, found ${titles.length}:\n${screen}`);
}

/** The help bar when idle: every key fits in 80 columns. */
const HELP_BAR = /^a run all {2}f failed {2}m mark {2}k keyword {2}c clear {2}↑↓ pick {2}l loop {2}\? help {2}q quit$/m;

describe('the TUI in a real terminal', { skip, concurrency: false }, () => {
  test('-n 2 shows a lane per worker while tests run, a summary, and q leaves the terminal as it was', async () => {
    const t = await new Terminal(newProject(), { cols: 80, rows: 24 }, { NO_COLOR: '1' }).ready();
    try {
      t.run(qa('-n 2'));
      const during = await t.waitFor(/^gw\d [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] strings\.test\.mjs › takes its time +\d+\.\ds/m);
      assert.match(during, /^qa \S+ {2}run #1 · all tests · 2 workers · load$/m);
      assert.match(during, /^gw0 /m);
      assert.match(during, /^gw1 /m);
      assert.match(during, /\d+ remaining/);
      assertOneFrame(during);
      assert.equal(t.cursorVisible(), false, 'the cursor is hidden while the TUI draws');
      const done = await t.waitFor(/^done in /m);
      assert.match(done, /^qa: 7 passed, 1 failed, 0 skipped · run #1$/m);
      assert.match(done, /^✗ FAILED math\.test\.mjs::is wrong on purpose \[gw\d\]/m);
      assert.match(done, /^7 passed {2}1 failed {2}0 flaky {2}0 skipped /m);
      assert.match(done, HELP_BAR);
      assertOneFrame(done);
      assert.doesNotMatch(t.screen(true), /\u001b\[3\dm/, 'NO_COLOR: no colours');
      await t.keys('q');
      const after = await t.waitFor(/^EXIT=1\nSHELL\$ ?$/m);
      assert.match(after, /^bye$/m);
      assert.equal(t.cursorVisible(), true, 'the cursor is back');
      // Raw mode is off again: the shell's line discipline echoes and edits as before.
      t.run('stty -a | tr " " "\\n" | grep -x -e icanon -e echo -e -icanon -e -echo | sort | tr "\\n" " "; echo');
      await t.waitFor(/^echo icanon$/m);
    } finally {
      t.close();
    }
  });

  test('m filters by a marker expression; an invalid one shows its error inline and keeps the filter', async () => {
    const t = await new Terminal(newProject(), { cols: 80, rows: 24 }).ready();
    try {
      t.run(qa('-n 2'));
      await t.waitFor(/^done in /m);
      await t.keys('m');
      await t.waitFor(/^-m › /m);
      await t.type('smoke');
      await t.keys('Enter');
      const filtered = await t.waitFor(/^qa: 2 passed, 0 failed, 0 skipped, 6 deselected · run #2$/m);
      assert.match(filtered, /^qa \S+ {2}run #2 · -m "smoke" · 2 workers/m);
      assert.match(t.screen(true), /\u001b\[3\dm/, 'colours without NO_COLOR');
      await t.keys('m');
      await t.type('smoke and');
      await t.keys('Enter');
      const invalid = await t.waitFor(/^invalid -m expression: expected an identifier/m);
      assert.match(invalid, /^-m › smoke and/m);
      assert.match(invalid, /^ {5}smoke and\n {14}\^$/m, 'the caret points at the end of the expression');
      assert.match(invalid, /run #2 · -m "smoke"/, 'the old filter stays');
      await t.keys('Escape');
      await sleep(100);
      await t.keys('q');
      await t.waitFor(/^EXIT=0$/m);
    } finally {
      t.close();
    }
  });

  test('f reruns only the tests that failed', async () => {
    const t = await new Terminal(newProject(), { cols: 80, rows: 24 }).ready();
    try {
      t.run(qa('-n 2'));
      await t.waitFor(/^done in .*f reruns the failed test/m);
      await t.keys('f');
      const rerun = await t.waitFor(/^qa: 0 passed, 1 failed, 0 skipped, 7 deselected · rerun failed #2$/m);
      assert.match(rerun, /^── rerun failed #2 · 1 test in 3 files, 7 deselected · 2 workers ──$/m);
      assert.match(rerun, /^0 passed {2}1 failed /m);
      await t.keys('q');
      await t.waitFor(/^EXIT=1$/m);
    } finally {
      t.close();
    }
  });

  test('↑↓ + enter show a failure in full; l loops a test 20 times with live pass/fail counts', async () => {
    const t = await new Terminal(newProject(), { cols: 100, rows: 30 }).ready();
    try {
      t.run(qa('-n 2'));
      await t.waitFor(/^done in /m);
      await t.keys('Down', 'Enter');
      const details = await t.waitFor(/── captured stdout ──/);
      assert.match(details, /^FAILED math\.test\.mjs::is wrong on purpose \[gw\d\]/m);
      assert.match(details, /Expected: 5/);
      assert.match(details, /Received: 4/);
      assert.match(details, /^computing 2 \* 2$/m);
      await t.keys('Escape');
      // Find the racy test in the picker and loop it.
      let screen = t.screen();
      for (let i = 0; i < 8 && !/^› ✓ racy\.test\.mjs › every fourth copy fails/m.test(screen); i++) {
        await t.keys('Down');
        screen = t.screen();
      }
      assert.match(screen, /^› ✓ racy\.test\.mjs › every fourth copy fails/m);
      await t.keys('l');
      await t.waitFor(/^loop × /m);
      await t.type('20');
      await t.keys('Enter');
      const during = await t.waitFor(/^\d+ passed {2}\d+ failed .*\(\d+% failed\) {2}\d+ remaining/m);
      assert.match(during, /loop #2 racy\.test\.mjs › every fourth copy fails ×20/);
      assertOneFrame(during);
      const done = await t.waitFor(/^── verdict of loop #2 racy\.test\.mjs › every fourth copy fails ×20 ──$/m);
      assert.match(done, /^qa: 15 passed, 5 failed, 0 skipped · loop #2$/m);
      assert.match(done, /^15 passed {2}5 failed {2}0 flaky {2}0 skipped {2}\(25% failed\)/m);
      // The loop is a stress run of one test: it ends with the same verdict as qa stress.
      assert.match(done, /^FAILING racy\.test\.mjs::every fourth copy fails\n {2}5 of 20 runs failed: 25\.0% \(95% CI 11\.2%–46\.9%\)/m);
      assert.match(done, /^ {2}5× copy \d+ lost the race at racy\.test\.mjs:4 \(first at iteration 4\)$/m);
      assertOneFrame(done);
      await t.keys('q');
      await t.waitFor(/^EXIT=1$/m);
    } finally {
      t.close();
    }
  });

  test('qa stress opens the TUI: every copy in the lanes, then the verdict; --json still writes it; q exits 1', async () => {
    const dir = newProject();
    const t = await new Terminal(dir, { cols: 160, rows: 40 }, { NO_COLOR: '1' }).ready();
    try {
      t.run(qa('stress racy.test.mjs --count 30 -n 2 --json verdict.json'));
      const during = await t.waitFor(/^gw\d [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] racy\.test\.mjs › every fourth copy fails \[\d+\/30\]/m);
      assert.match(during, /^qa \S+ {2}stress #1 ×30 · all tests · 2 workers · load$/m);
      const done = await t.waitFor(/^── verdict of stress #1 ×30 ──$/m, 20_000);
      assert.match(done, /^30 runs of 1 test in .* · 30 iterations$/m);
      assert.match(done, /^FAILING racy\.test\.mjs::every fourth copy fails\n {2}7 of 30 runs failed: 23\.3% \(95% CI 11\.8%–40\.9%\) · .* failed on gw\d×\d+/m);
      assert.match(done, /^ {2}7× copy \d+ lost the race at racy\.test\.mjs:4 \(first at iteration 4\)$/m);
      assert.match(done, /^23 passed {2}7 failed {2}0 flaky {2}0 skipped {2}\(23% failed\)/m);
      assert.match(done, HELP_BAR);
      await t.keys('q');
      await t.waitFor(/^EXIT=1$/m);
      const json = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as { verdict: { failing: Array<{ id: string; runs: number; failures: number }> } };
      assert.deepEqual(
        json.verdict.failing.map((f) => [f.id, f.runs, f.failures]),
        [['racy.test.mjs::every fourth copy fails', 30, 7]],
      );
    } finally {
      t.close();
    }
  });

  test('qa stress --until-fail stops at the first failure and shows the command that replays it', async () => {
    const t = await new Terminal(newProject(), { cols: 160, rows: 40 }).ready();
    try {
      t.run(qa('stress racy.test.mjs --count 30 -n 2 --until-fail'));
      const done = await t.waitFor(/^reproduce the first failure:\n {2}npx qa stress racy\.test\.mjs -n 2 --count \d+\n {2}\(it failed on iteration \d+, on gw\d\)$/m, 20_000);
      const [, count, iteration] = /--count (\d+)\n {2}\(it failed on iteration (\d+)/.exec(done)!;
      assert.equal(count, iteration);
      assert.equal(Number(count) % 4, 0, 'only every fourth copy fails');
      assert.match(done, /· stopped early$/m);
      assert.match(done, /stopped after 1 failure \(-x\); \d+ not run/);
      await t.keys('q');
      await t.waitFor(/^EXIT=1$/m);
    } finally {
      t.close();
    }
  });

  test('qa watch opens the TUI: a save reruns its dependents, failures stay until fixed, w widens, p narrows, q exits 0', async () => {
    const files: Record<string, string> = {
      'qa.config.mjs': "export default { include: ['test/**/*.test.ts'] };\n",
      'src/math.ts': 'export const add = (a: number, b: number): number => a + b;\n',
      'src/strings.ts': 'export const upper = (s: string): string => s.toUpperCase();\n',
      'test/math.test.ts': "import { test, expect } from 'qa-lanes';\nimport { add } from '../src/math.js';\ntest('adds', () => { expect(add(1, 2)).toBe(3); });\n",
      'test/strings.test.ts': "import { test, expect } from 'qa-lanes';\nimport { upper } from '../src/strings.js';\ntest('upper', () => { expect(upper('a')).toBe('A'); });\n",
    };
    const dir = project(null, files);
    let saves = 0;
    // Each save changes the file's text, so the watcher always sees a change.
    const save = (rel: string, text: string) => writeFileSync(join(dir, rel), `${text}// save ${++saves}\n`);
    const t = await new Terminal(dir, { cols: 120, rows: 40 }, { NO_COLOR: '1' }).ready();
    /** Waits until watch run `n` is over and the TUI waits for the next save. */
    const idle = (n: number) => t.waitFor(new RegExp(`^waiting for changes · watch #${n} exit \\d`, 'm'), 20_000);
    try {
      t.run(qa('watch -n 2'));
      let screen = await idle(1);
      assert.match(screen, /^qa \S+ {2}watch #1 · all tests · 2 workers · load$/m);
      assert.match(screen, /^on save: affected test files · last: first run → 2 test files$/m);

      save('src/math.ts', 'export const add = (a: number, b: number): number => a + b + 1;\n');
      screen = await idle(2);
      assert.match(screen, /^qa watch: changed src\/math\.ts · selected 1 test file: test\/math\.test\.ts$/m);
      assert.match(screen, /^── watch #2 · 1 test in 1 file · 2 workers ──$/m, 'only the dependent test file ran');
      assert.match(screen, /^still failing \(1\):\n {2}✗ math\.test\.ts › adds/m);

      // An unrelated save reruns only strings: the math failure stays listed.
      save('src/strings.ts', files['src/strings.ts']);
      screen = await idle(3);
      assert.match(screen, /^qa watch: changed src\/strings\.ts · selected 1 test file: test\/strings\.test\.ts$/m);
      assert.match(screen, /^1 passed {2}0 failed /m);
      assert.match(screen, /^still failing \(1\):\n {2}✗ math\.test\.ts › adds/m);

      save('src/math.ts', files['src/math.ts']);
      screen = await idle(4);
      assert.match(screen, /^qa: 1 passed, 0 failed, 0 skipped · watch #4$/m);
      assert.doesNotMatch(screen, /still failing/);

      // w: a save reruns every test file.
      await t.keys('w');
      await t.waitFor(/^on save: all test files/m);
      save('src/strings.ts', files['src/strings.ts']);
      screen = await idle(5);
      assert.match(screen, /^qa watch: changed src\/strings\.ts · rerunning all · selected 2 test files: test\/math\.test\.ts, test\/strings\.test\.ts$/m);

      // p: only test files matching the filter run, now and on every save.
      await t.keys('p');
      await t.waitFor(/^files › /m);
      await t.type('math');
      await t.keys('Enter');
      screen = await idle(6);
      assert.match(screen, /^qa watch: running all · selected 1 test file: test\/math\.test\.ts$/m);
      assert.match(screen, /^qa \S+ {2}watch #6 · files "math" · 2 workers · load$/m);
      save('src/strings.ts', files['src/strings.ts']);
      screen = await idle(7);
      assert.match(screen, /^qa watch: changed src\/strings\.ts · rerunning all · selected 1 test file: test\/math\.test\.ts$/m);

      await t.keys('q');
      await t.waitFor(/^EXIT=0$/m);
      assert.equal(t.cursorVisible(), true, 'the terminal is restored');
    } finally {
      t.close();
    }
  });

  test('resizing to 200×50 and back re-lays the screen; it keeps working', async () => {
    const t = await new Terminal(newProject(), { cols: 80, rows: 24 }).ready();
    try {
      t.run(qa('-n 2'));
      await t.waitFor(/^done in /m);
      t.resize(200, 50);
      // Lanes reach the right edge: their trail moves out to the wider screen.
      const wide = await t.waitFor(/^gw0 .{150,}[✓✗]$/m);
      assert.ok(
        wide.split('\n').every((l) => l.length <= 200),
        wide,
      );
      assert.match(wide, /^a run all {2}f failed {2}m mark {2}k keyword {2}c clear {2}↑↓ pick {2}l loop {2}\? help {2}q quit$/m);
      t.resize(80, 24);
      await t.waitFor(/^gw0 .{40,78}[✓✗]$/m);
      await t.keys('?');
      await t.waitFor(/any key closes this help/);
      await t.keys('Escape');
      await sleep(100);
      await t.keys('q');
      await t.waitFor(/^EXIT=1$/m);
    } finally {
      t.close();
    }
  });

  test('x cancels a run in flight (exit 2); ctrl-c quits', async () => {
    const t = await new Terminal(project(null, { 'slow.test.mjs': SLOW }), { cols: 80, rows: 24 }).ready();
    try {
      t.run(qa('-n 2'));
      await t.waitFor(/^gw1 [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow\.test\.mjs › sleeps/m);
      await t.keys('x');
      const cancelled = await t.waitFor(/^done in .* · exit 2/m, 6000);
      assert.match(cancelled, /interrupted \(Ctrl-C\); \d+ not run/);
      await t.keys('C-c');
      await t.waitFor(/^EXIT=2$/m);
    } finally {
      t.close();
    }
  });
});
