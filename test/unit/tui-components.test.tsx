/** @jsxRuntime automatic @jsxImportSource react */
// The TUI's components and key handling, through ink-testing-library: frames after key presses.
// A small fake with the Session's method shapes stands in for the engine here (and only here);
// the end-to-end tests (test/e2e/tui.test.ts) drive the real CLI in a real terminal.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import { render } from 'ink-testing-library';
import { compileKeywordExpr, compileMarkExpr } from '../../src/core/expr.ts';
import type { RunOverrides } from '../../src/core/session.ts';
import { UsageError } from '../../src/core/errors.ts';
import type { RunEvent, RunSummary, TestResult, TestStatus } from '../../src/core/types.ts';
import { App } from '../../src/tui/app.tsx';
import { Controller, type SessionLike } from '../../src/tui/controller.ts';
import { Publisher } from '../../src/tui/frame.ts';
import { runTui } from '../../src/tui/index.tsx';
import { TuiStore } from '../../src/tui/store.ts';

interface FakeTest {
  id: string;
  marks: string[];
  /** Outcome of copy `iteration` (1-based). */
  outcome: (iteration: number) => TestStatus;
  stdout?: string;
}

const SUITE: FakeTest[] = [
  { id: 'api/users.test.ts::users::health', marks: ['smoke'], outcome: () => 'passed' },
  { id: 'api/users.test.ts::users::create', marks: ['smoke'], outcome: () => 'failed', stdout: 'created user 42\n' },
  { id: 'api/orders.test.ts::orders::list', marks: [], outcome: () => 'passed' },
  { id: 'api/orders.test.ts::orders::export', marks: ['slow'], outcome: () => 'passed' },
  { id: 'races/counter.test.ts::counter::racy', marks: ['race'], outcome: (i) => (i % 3 === 0 ? 'failed' : 'passed') },
];

/** Plays runs of SUITE as events, like the engine would, one test per tick. */
class FakeSession implements SessionLike {
  readonly opts: { mark?: string; keyword?: string } = { mark: 'not slow' };
  readonly calls: Array<{ method: 'run' | 'rerunFailed'; overrides: RunOverrides }> = [];
  private listeners = new Set<(e: RunEvent) => void>();
  failedIds: string[] = [];
  cancels = 0;
  kills = 0;
  /** Milliseconds per test (a run can be caught in flight). */
  pace = 0;
  refuse: Error | undefined;
  private running = false;
  private cancelled = false;

  on(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }

  run(overrides: RunOverrides = {}): Promise<RunSummary> {
    this.calls.push({ method: 'run', overrides });
    return this.play(overrides);
  }

  rerunFailed(overrides: RunOverrides = {}): Promise<RunSummary> {
    this.calls.push({ method: 'rerunFailed', overrides });
    return this.play({ ...overrides, lastFailed: true });
  }

  lastFailedIds(): string[] {
    return this.failedIds;
  }

  cancel(): void {
    this.cancels++;
    this.cancelled = true;
  }

  kill(): void {
    this.kills++;
  }

  private async play(o: RunOverrides): Promise<RunSummary> {
    if (this.running) throw new Error('a run is already in progress');
    if (this.refuse) throw this.refuse;
    this.running = true;
    this.cancelled = false;
    try {
      const mark = 'mark' in o ? o.mark : this.opts.mark;
      const keyword = 'keyword' in o ? o.keyword : this.opts.keyword;
      let chosen = SUITE.filter((t) => !mark || compileMarkExpr(mark)(t.marks));
      if (keyword) chosen = chosen.filter((t) => compileKeywordExpr(keyword)(t.id.split('::').map((p, i) => (i === 0 ? p.slice(p.lastIndexOf('/') + 1) : p))));
      if (o.ids?.length) chosen = SUITE.filter((t) => o.ids!.includes(t.id));
      if (o.lastFailed) chosen = chosen.filter((t) => this.failedIds.includes(t.id));
      const count = o.count ?? 1;
      this.emit({ type: 'run-start', mode: o.mode ?? 'run', workers: 2, files: 3, tests: chosen.length * count, deselected: SUITE.length - chosen.length, dist: o.dist ?? 'load', count, ...(mark ? { mark } : {}), ...(keyword ? { keyword } : {}) });
      const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, flaky: 0 };
      const failed = new Set<string>();
      let n = 0;
      let notRun = 0;
      for (let i = 1; i <= count; i++) {
        for (const t of chosen) {
          if (this.cancelled) {
            notRun++;
            continue;
          }
          const workerId = `gw${n++ % 2}`;
          this.emit({ type: 'test-start', workerId, id: t.id, attempt: 1, iteration: i });
          await new Promise((r) => (this.pace ? setTimeout(r, this.pace) : setImmediate(r)));
          const status = t.outcome(i);
          counts[status]++;
          if (status === 'failed') failed.add(t.id);
          const [file, ...rest] = t.id.split('::');
          const result: TestResult = {
            id: t.id,
            file,
            suitePath: rest.slice(0, -1),
            name: rest.at(-1)!,
            marks: t.marks,
            workerId,
            status,
            durationMs: 3,
            stdout: t.stdout ?? '',
            stderr: '',
            attempt: 1,
            iteration: i,
            ...(status === 'failed'
              ? { error: { name: 'AssertionError', message: 'expect(received).toBe(expected)\n\nExpected: 201\nReceived: 500', diff: '- Expected  201\n+ Received  500', stack: 'at users.test.ts:12:5' } }
              : {}),
          };
          this.emit({ type: 'test-end', result });
        }
      }
      this.failedIds = [...failed];
      const exitCode = this.cancelled ? 2 : counts.failed ? 1 : 0;
      const summary: RunSummary = {
        counts,
        total: n,
        collectErrors: 0,
        deselected: SUITE.length - chosen.length,
        notRun,
        wallMs: 20,
        sumDurationsMs: n * 3,
        speedup: 1.5,
        workers: [],
        slowest: [],
        retries: 0,
        retryRate: 0,
        flakyRate: 0,
        interrupted: this.cancelled,
        ...(this.cancelled ? { stoppedBecause: 'interrupted (Ctrl-C)' } : {}),
        exitCode,
      };
      this.emit({ type: 'run-end', summary });
      return summary;
    } finally {
      this.running = false;
    }
  }
}

const KEY = { up: '\u001b[A', down: '\u001b[B', enter: '\r', escape: '\u001b', backspace: '\u007f', ctrlC: '\u0003' };

const mounted: Array<() => void> = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!();
});

function setup(opts: { color?: boolean; rows?: number; start?: boolean; stress?: number } = {}) {
  const session = new FakeSession();
  const store = new TuiStore({ version: '1.2.3', filter: { mark: session.opts.mark } });
  session.on(store.apply);
  const rows = opts.rows ?? 30;
  const publisher = new Publisher(store, { size: () => ({ rows, cols: 100 }), color: opts.color ?? false });
  const controller = new Controller(session, store, {
    mode: opts.stress ? 'stress' : 'run',
    ...(opts.stress ? { stress: { count: opts.stress } } : {}),
    interactive: true,
    pageRows: () => rows - 6,
    cols: () => 100,
  });
  const onKey = (k: Parameters<Controller['key']>[0]) => {
    controller.key(k);
    publisher.soon();
  };
  const ink = render(<App publisher={publisher} onKey={onKey} color={opts.color ?? false} />);
  mounted.push(() => {
    publisher.stop();
    ink.unmount();
  });
  if (opts.start !== false) controller.start();
  const frame = () => ink.lastFrame() ?? '';
  /** The live region: the last frame after everything <Static> wrote. */
  const live = () => {
    const f = frame();
    const at = f.lastIndexOf('qa 1.2.3  ');
    return at < 0 ? f : f.slice(at);
  };
  async function waitFor(what: RegExp | (() => boolean), part: () => string = frame, ms = 3000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const ok = typeof what === 'function' ? what() : what.test(part());
      if (ok) return part();
      if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}\n--- frame ---\n${part()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async function press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      ink.stdin.write(k);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const idle = async () => {
    await waitFor(() => !controller.running && store.phase === 'idle');
    await waitFor(/done in|error/, live);
  };
  return { session, store, publisher, controller, ink, frame, live, waitFor, press, idle };
}

describe('the TUI screen', () => {
  test('the first run: header with the selection and counters, a lane per worker, failures and a summary', async () => {
    const t = setup();
    await t.idle();
    const live = t.live();
    assert.match(live, /^qa 1\.2\.3 {2}run #1 · -m "not slow" · 2 workers · load$/m);
    assert.match(live, /^3 passed {2}1 failed {2}0 flaky {2}0 skipped {2}/m);
    assert.match(live, /^gw0 · +\d+ tests? /m);
    assert.match(live, /^gw1 · /m);
    assert.match(live, /^done in .* · exit 1 · f reruns the failed test/m);
    assert.match(live, /a run all {2}f failed {2}m mark/);
    const all = t.frame();
    assert.match(all, /✗ FAILED api\/users\.test\.ts::users::create \[gw\d\]/);
    assert.match(all, /^qa: 3 passed, 1 failed, 0 skipped, 1 deselected · run #1$/m);
    assert.deepEqual(t.session.calls, [{ method: 'run', overrides: {} }], 'the first run is exactly what the command line asked for');
  });

  test('m: a marker expression filters and runs; the header shows it', async () => {
    const t = setup();
    await t.idle();
    await t.press('m');
    await t.waitFor(/^-m › /m, t.live);
    await t.press(...'smoke'.split(''));
    assert.match(t.live(), /^-m › smoke_ {2}now: not slow/m);
    await t.press(KEY.enter);
    await t.waitFor(/run #2/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[1], { method: 'run', overrides: { mark: 'smoke', keyword: undefined, lastFailed: false } });
    assert.match(t.live(), /run #2 · -m "smoke"/);
    assert.match(t.live(), /^1 passed {2}1 failed /m);
  });

  test('an invalid expression shows the error inline and keeps the old filter', async () => {
    const t = setup();
    await t.idle();
    await t.press('m', ...'smoke and'.split(''), KEY.enter);
    const live = await t.waitFor(/invalid -m expression/, t.live);
    assert.match(live, /^invalid -m expression: expected an identifier, "not" or "\(" at column 10, found end of input$/m);
    assert.match(live, /^ {5}smoke and$/m);
    assert.match(live, /^ {14}\^$/m, 'the caret points under the end of the expression, as typed in the prompt');
    assert.equal(t.session.calls.length, 1, 'no run for an invalid expression');
    assert.equal(t.store.filter.mark, 'not slow');
    // Fix it in place: backspace removes "and", Enter runs.
    await t.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.enter);
    await t.waitFor(/run #2 · -m "smoke"/, t.live);
    await t.idle();
    assert.doesNotMatch(t.live(), /invalid/);
  });

  test('esc closes a prompt without changing anything; ↑ recalls the current expression', async () => {
    const t = setup();
    await t.idle();
    await t.press('k', 'x', 'y', KEY.escape);
    await t.waitFor(() => !/-k ›/.test(t.live()), t.live);
    assert.equal(t.store.filter.keyword, undefined);
    await t.press('m', KEY.up);
    await t.waitFor(/^-m › not slow_/m, t.live);
    await t.press(KEY.escape);
    assert.equal(t.session.calls.length, 1);
  });

  test('k: a keyword filter is passed to the run', async () => {
    const t = setup();
    await t.idle();
    await t.press('k', ...'users'.split(''), KEY.enter);
    await t.waitFor(/run #2 · -m "not slow" -k "users"/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[1].overrides, { mark: 'not slow', keyword: 'users', lastFailed: false });
    assert.match(t.live(), /^1 passed {2}1 failed /m, 'only the two users tests ran');
  });

  test('f reruns only the tests that failed, whatever the filter', async () => {
    const t = setup();
    await t.idle();
    await t.press('f');
    await t.waitFor(/rerun failed #2/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[1], { method: 'rerunFailed', overrides: { mark: undefined, keyword: undefined } });
    assert.match(t.live(), /^0 passed {2}1 failed /m);
    assert.match(t.frame(), /── rerun failed #2 · 1 test in 3 files/);
  });

  test('f with nothing failed says so instead of running everything', async () => {
    const t = setup({ start: false });
    await t.press('f');
    await t.waitFor(/nothing to rerun: no failures recorded/, t.live);
    assert.equal(t.session.calls.length, 0);
  });

  test('↑/↓ pick a failure first; enter shows its error, diff and captured output; esc goes back', async () => {
    const t = setup();
    await t.idle();
    await t.press(KEY.down);
    const picker = await t.waitFor(/pick a test \(1\/4\)/, t.live);
    assert.match(picker, /^› ✗ users\.test\.ts › users › create/m);
    assert.match(picker, /^ {2}✓ users\.test\.ts › users › health/m);
    await t.press(KEY.enter);
    const details = await t.waitFor(/── diff ──/, t.live);
    assert.match(details, /^FAILED api\/users\.test\.ts::users::create \[gw\d\] · 3 ms$/m);
    assert.match(details, /^AssertionError: expect\(received\)\.toBe\(expected\)$/m);
    assert.match(details, /^Received: 500$/m);
    assert.match(details, /^\+ Received {2}500$/m);
    assert.match(details, /^── captured stdout ──\ncreated user 42$/m);
    await t.press(KEY.escape);
    await t.waitFor(() => !/── diff ──/.test(t.live()), t.live);
    assert.match(t.live(), /pick a test/);
    await t.press(KEY.down, KEY.enter);
    await t.waitFor(/^PASSED api\/users\.test\.ts::users::health/m, t.live);
  });

  test('l loops the picked test N times across the workers, with live counts', async () => {
    const t = setup();
    await t.idle();
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    await t.waitFor(/› ✓ counter\.test\.ts › counter › racy/, t.live);
    t.session.pace = 3;
    await t.press('l');
    await t.waitFor(/^loop × _ {2}times \(default 100\) · counter\.test\.ts › counter › racy/m, t.live);
    await t.press('2', '0', KEY.enter);
    const during = await t.waitFor(/loop #2 counter\.test\.ts › counter › racy ×20/, t.live);
    assert.match(during, /\d+ remaining/);
    await t.idle();
    assert.deepEqual(t.session.calls[1], {
      method: 'run',
      overrides: { ids: ['races/counter.test.ts::counter::racy'], paths: [], mark: undefined, keyword: undefined, lastFailed: false, failedFirst: false, count: 20, dist: 'load', reruns: 0, maxFail: 0, mode: 'stress' },
    });
    assert.match(t.live(), /^14 passed {2}6 failed {2}0 flaky {2}0 skipped {2}\(30% failed\)/m);
    assert.match(t.frame(), /✗ races\/counter\.test\.ts::counter::racy 6\/20 failed \(30%\)/);
    assert.match(t.frame(), /✗ FAILED races\/counter\.test\.ts::counter::racy\[3\/20\]/);
  });

  test('l with no test picked opens the picker; an empty count means 100', async () => {
    const t = setup();
    await t.idle();
    await t.press('l');
    await t.waitFor(/pick the test to loop with ↑↓, then press l/, t.live);
    await t.press('l', KEY.enter);
    await t.waitFor(/×100/, t.live);
    await t.idle();
    assert.equal(t.session.calls[1].overrides.count, 100);
  });

  test('x cancels the run in flight; the summary says what ran', async () => {
    const t = setup({ start: false });
    t.session.pace = 40;
    t.controller.start();
    await t.waitFor(/running · x cancels/, t.live);
    await t.press('x');
    await t.idle();
    assert.equal(t.session.cancels, 1);
    assert.match(t.live(), /exit 2/);
    assert.match(t.frame(), /interrupted \(Ctrl-C\); \d+ not run/);
  });

  test('a key that needs an idle session says a run is in progress', async () => {
    const t = setup({ start: false });
    t.session.pace = 40;
    t.controller.start();
    await t.waitFor(/running/, t.live);
    await t.press('a');
    await t.waitFor(/a run is in progress: x cancels it/, t.live);
    assert.equal(t.session.calls.length, 1);
    await t.press('x');
    await t.idle();
  });

  test('c goes back to the starting filter, then to none', async () => {
    const t = setup();
    await t.idle();
    await t.press('m', 'r', 'a', 'c', 'e', KEY.enter);
    await t.idle();
    await t.press('c');
    await t.waitFor(/filters back to how qa started: -m "not slow"/, t.live);
    assert.deepEqual(t.store.filter, { mark: 'not slow' });
    await t.press('c');
    await t.waitFor(/filters cleared: every test/, t.live);
    assert.deepEqual(t.store.filter, {});
    await t.press('a');
    await t.waitFor(/run #3 · all tests/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[2].overrides, { mark: undefined, keyword: undefined, lastFailed: false });
  });

  test('? shows every key; any key closes the help', async () => {
    const t = setup();
    await t.idle();
    await t.press('?');
    const help = await t.waitFor(/any key closes this help/, t.live);
    for (const k of ['a, enter', 'f', 'm', 'k', 'c', '↑ ↓', 'l', 'x', 'q, ctrl-c']) assert.match(help, new RegExp(`^ {2}${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`, 'm'));
    await t.press(KEY.escape);
    await t.waitFor(() => !/any key closes/.test(t.live()), t.live);
    assert.equal(t.session.calls.length, 1);
  });

  test('a usage error from the session is shown inline and the filter is restored', async () => {
    const t = setup();
    await t.idle();
    t.session.refuse = new UsageError('bad.test.ts: mark "smok" is not registered');
    await t.press('m', 's', 'm', 'o', 'k', KEY.enter);
    await t.waitFor(/error: bad\.test\.ts: mark "smok" is not registered/, t.live);
    assert.equal(t.store.filter.mark, 'not slow');
  });

  test('q quits with the last run’s exit code; a run in flight is cancelled first', async () => {
    const t = setup();
    await t.idle();
    await t.press('q');
    assert.equal(await t.controller.exited, 1);

    const u = setup({ start: false });
    u.session.pace = 40;
    u.controller.start();
    await u.waitFor(/running/, u.live);
    await u.press(KEY.ctrlC);
    assert.equal(await u.controller.exited, 2);
    assert.equal(u.session.cancels, 1);
  });

  test('qa stress: every selected test N times, spread one by one; a reruns the stress', async () => {
    const t = setup({ stress: 6 });
    await t.idle();
    assert.deepEqual(t.session.calls[0].overrides, { count: 6, dist: 'load', mode: 'stress' });
    assert.match(t.live(), /^qa 1\.2\.3 {2}stress #1 ×6 · -m "not slow"/m);
    assert.match(t.live(), /^16 passed {2}8 failed .*\(33% failed\)/m);
    assert.match(t.frame(), /✗ api\/users\.test\.ts::users::create 6\/6 failed \(100%\)/);
    await t.press('a');
    await t.waitFor(/stress #2 ×6/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[1].overrides, { mark: 'not slow', keyword: undefined, lastFailed: false, count: 6, dist: 'load', mode: 'stress' });
  });

  test('NO_COLOR: no escape codes in the live region; with colour, failures are red', async () => {
    const plain = setup({ color: false });
    await plain.idle();
    assert.doesNotMatch(plain.frame(), /\u001b\[/);
    const styled = setup({ color: true });
    await styled.waitFor(() => /done in/.test(styled.live()) && !styled.controller.running);
    assert.match(styled.frame(), /\u001b\[31m/);
  });

  test('a small terminal: the live region stays shorter than the screen', async () => {
    const t = setup({ rows: 10 });
    await t.idle();
    await t.press(KEY.down);
    await t.waitFor(/pick a test/, t.live);
    assert.ok(t.publisher.getFrame().height < 10, `height ${t.publisher.getFrame().height}`);
  });
});

describe('finished output', () => {
  test('every failure reaches <Static> exactly once, across its generations', async () => {
    const store = new TuiStore({ version: '1.2.3', filter: {} });
    const publisher = new Publisher(store, { size: () => ({ rows: 24, cols: 100 }) });
    const ink = render(<App publisher={publisher} onKey={() => {}} color={false} />);
    mounted.push(() => {
      publisher.stop();
      ink.unmount();
    });
    store.begin('all', 0);
    store.apply({ type: 'run-start', mode: 'run', workers: 2, files: 1, tests: 450, deselected: 0, dist: 'load', count: 1 });
    for (let i = 0; i < 450; i++) {
      store.apply({
        type: 'test-end',
        result: { id: `a.test.ts::t${i}`, file: 'a.test.ts', suitePath: [], name: `t${i}`, marks: [], workerId: `gw${i % 2}`, status: 'failed', durationMs: 1, stdout: '', stderr: '', attempt: 1, iteration: 1, error: { name: 'Error', message: `boom ${i}` } },
      });
      if (i % 37 === 0) {
        publisher.publish();
        await new Promise((r) => setImmediate(r));
      }
    }
    publisher.publish();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(publisher.getLog().generation >= 2, 'the log went through several <Static> generations');
    const text = ink.lastFrame() ?? '';
    for (let i = 0; i < 450; i++) {
      const n = text.split('\n').filter((l) => l.startsWith(`✗ FAILED a.test.ts::t${i} [`)).length;
      assert.equal(n, 1, `failure t${i} shown ${n} times`);
    }
  });
});

describe('runTui without a terminal on stdin', () => {
  test('does not try raw mode, runs once and resolves with the exit code', async () => {
    const session = new FakeSession();
    let written = '';
    const stdout = Object.assign(new EventEmitter(), {
      isTTY: true,
      columns: 80,
      rows: 24,
      write(chunk: string, cb?: () => void) {
        written += chunk;
        if (typeof cb === 'function') cb();
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: false,
      setRawMode() {
        throw new Error('Raw mode is not supported');
      },
      setEncoding() {},
      ref() {},
      unref() {},
      resume() {},
      pause() {},
      read: () => null,
    }) as unknown as NodeJS.ReadStream;
    const code = await runTui(session, { version: '1.2.3', warnings: [], mode: 'run' }, { stdout, stdin, stderr: stdout });
    assert.equal(code, 1);
    assert.match(written, /qa: 3 passed, 1 failed, 0 skipped/);
  });
});
