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
import { VerdictBuilder, type StressOptions, type StressVerdict } from '../../src/core/stress.ts';
import type { RunEvent, RunSummary, TestResult, TestStatus } from '../../src/core/types.ts';
import type { WatchEvent, WatchFilter, WatchListener, WatchScope, WatchTrigger } from '../../src/watch/controller.ts';
import { App } from '../../src/tui/app.tsx';
import { Controller, type SessionLike, type WatchLike } from '../../src/tui/controller.ts';
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
  readonly calls: Array<{ method: 'run' | 'rerunFailed' | 'stress'; overrides: RunOverrides; stress?: StressOptions }> = [];
  /** Tests that pass from now on (the fix was saved). */
  readonly fixed = new Set<string>();
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

  /** Like the engine: the copies as a run, then the verdict folded from their results. */
  async stress(stress: StressOptions, overrides: RunOverrides = {}): Promise<{ summary: RunSummary; verdict: StressVerdict }> {
    this.calls.push({ method: 'stress', stress, overrides });
    const builder = new VerdictBuilder();
    const off = this.on((e) => {
      if (e.type === 'test-end') builder.add(e.result);
    });
    try {
      const summary = await this.play({ ...overrides, count: stress.count, dist: 'load', mode: 'stress' });
      const verdict = builder.verdict({ seed: stress.seed, shuffled: stress.shuffle, iterations: stress.count, wallMs: summary.wallMs, stoppedEarly: false, history: () => [] });
      this.emit({ type: 'stress-end', verdict });
      return { summary, verdict };
    } finally {
      off();
    }
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
      if (o.paths?.length) chosen = chosen.filter((t) => o.paths!.includes(t.id.slice(0, t.id.indexOf('::'))));
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
          const status = this.fixed.has(t.id) ? 'passed' : t.outcome(i);
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

const FILES = [...new Set(SUITE.map((t) => t.id.slice(0, t.id.indexOf('::'))))].sort();

/** The WatchController's shape over the fake session: runs on request or on a simulated save. */
class FakeWatch implements WatchLike {
  scope: WatchScope = 'affected';
  filter: WatchFilter = {};
  readonly failing = new Map<string, TestResult>();
  readonly asked: string[] = [];
  closed = false;
  private listeners = new Set<WatchListener>();
  private running: Promise<unknown> | undefined;
  private runs = 0;
  private tracking = true;

  constructor(private session: FakeSession) {
    session.on((e) => {
      if (e.type !== 'test-end' || !this.tracking) return;
      if (e.result.status === 'failed') this.failing.set(e.result.id, e.result);
      else this.failing.delete(e.result.id);
    });
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  on(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: WatchEvent): void {
    for (const l of this.listeners) l(e);
  }

  async start(): Promise<void> {
    this.asked.push('start');
    this.play('start', FILES);
  }

  runAll(): boolean {
    this.asked.push('runAll');
    return this.play('all', FILES);
  }

  rerunFailed(): boolean {
    this.asked.push('rerunFailed');
    const files = [...new Set([...this.failing.keys()].map((id) => id.slice(0, id.indexOf('::'))))];
    return files.length > 0 && this.play('failed', files);
  }

  /** A save of `changed` that affects the test files `files`. */
  save(changed: string, files: string[]): boolean {
    return this.play('save', files, { added: [], changed: [changed], deleted: [] });
  }

  private play(why: WatchTrigger, files: string[], changes?: Extract<WatchEvent, { type: 'watch-run' }>['changes']): boolean {
    if (this.running || this.closed) return false;
    const all = why === 'start' || why === 'all';
    const pattern = this.filter.files;
    const selected = pattern ? files.filter((f) => f.includes(pattern)) : files;
    this.emit({ type: 'watch-run', run: ++this.runs, why, all, files: selected, dropped: [], ...(changes ? { changes } : {}) });
    const names: RunOverrides = {};
    if ('mark' in this.filter) names.mark = this.filter.mark;
    if ('keyword' in this.filter) names.keyword = this.filter.keyword;
    this.running = this.session.run({ mode: 'watch', paths: selected, ...names, ...(why === 'failed' ? { lastFailed: true } : {}) }).then(
      (summary) => this.idle(summary),
      (err: Error) => {
        this.emit({ type: 'watch-error', message: err.message });
        this.idle();
      },
    );
    return true;
  }

  private idle(summary?: RunSummary): void {
    this.running = undefined;
    this.emit({ type: 'watch-idle', failing: this.failing, collectErrors: new Set(), ...(summary ? { summary } : {}) });
  }

  setScope(scope: WatchScope): void {
    this.scope = scope;
  }

  setFilter(filter: WatchFilter): void {
    this.filter = { ...filter };
  }

  aside<T>(work: () => Promise<T>): Promise<T> {
    this.asked.push('aside');
    this.tracking = false;
    const p = work();
    this.running = p.finally(() => {
      this.tracking = true;
      this.running = undefined;
    });
    return p;
  }

  async close(): Promise<void> {
    this.asked.push('close');
    this.closed = true;
  }

  async settled(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }
}

const KEY = { up: '\u001b[A', down: '\u001b[B', enter: '\r', escape: '\u001b', backspace: '\u007f', ctrlC: '\u0003' };

const mounted: Array<() => void> = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!();
});

const stressOptions = (count: number): StressOptions => ({ count, untilFail: false, shuffle: false, seed: 7, serialCopies: false });
const reproduce = (_id: string, iteration: number) => `npx qa stress --count ${iteration}`;

function setup(opts: { color?: boolean; rows?: number; start?: boolean; stress?: number; watch?: boolean } = {}) {
  const session = new FakeSession();
  const watch = opts.watch ? new FakeWatch(session) : undefined;
  const store = new TuiStore({ version: '1.2.3', filter: { mark: session.opts.mark }, reproduce, ...(watch ? { watch: { scope: watch.scope } } : {}) });
  session.on(store.apply);
  watch?.on(store.applyWatch);
  const rows = opts.rows ?? 30;
  const publisher = new Publisher(store, { size: () => ({ rows, cols: 100 }), color: opts.color ?? false });
  const controller = new Controller(session, store, {
    mode: opts.stress ? 'stress' : watch ? 'watch' : 'run',
    ...(opts.stress ? { stress: stressOptions(opts.stress) } : {}),
    ...(watch ? { watch } : {}),
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
    await waitFor(/done in|error|waiting for changes/, live);
  };
  return { session, watch: watch!, store, publisher, controller, ink, frame, live, waitFor, press, idle };
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
      method: 'stress',
      stress: { count: 20, untilFail: false, shuffle: false, seed: 0, serialCopies: false },
      overrides: { ids: ['races/counter.test.ts::counter::racy'], paths: [], mark: undefined, keyword: undefined, lastFailed: false, failedFirst: false, reruns: 0 },
    });
    assert.match(t.live(), /^14 passed {2}6 failed {2}0 flaky {2}0 skipped {2}\(30% failed\)/m);
    assert.match(t.frame(), /✗ FAILED races\/counter\.test\.ts::counter::racy\[3\/20\]/);
    // The loop ends with the verdict: failure rate, interval, workers, signatures.
    const verdict = t.frame();
    assert.match(verdict, /^── verdict of loop #2 counter\.test\.ts › counter › racy ×20 ──$/m);
    assert.match(verdict, /^FAILING races\/counter\.test\.ts::counter::racy\n {2}6 of 20 runs failed: 30\.0% \(95% CI 14\.5%–51\.9%\) · /m);
    assert.match(verdict, /^ {2}6× expect\(received\)\.toBe\(expected\) at users\.test\.ts:12 \(first at iteration 3\)$/m);
    assert.doesNotMatch(verdict, /reproduce the first failure/, 'no command line replays a loop');
  });

  test('l with no test picked opens the picker; an empty count means 100', async () => {
    const t = setup();
    await t.idle();
    await t.press('l');
    await t.waitFor(/pick the test to loop with ↑↓, then press l/, t.live);
    await t.press('l', KEY.enter);
    await t.waitFor(/×100/, t.live);
    await t.idle();
    assert.equal(t.session.calls[1].stress?.count, 100);
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

  test('qa stress: session.stress() with every option of the command line, then the verdict; a stresses again', async () => {
    const t = setup({ stress: 6 });
    await t.idle();
    assert.deepEqual(t.session.calls[0], { method: 'stress', stress: stressOptions(6), overrides: {} });
    assert.match(t.live(), /^qa 1\.2\.3 {2}stress #1 ×6 · -m "not slow"/m);
    assert.match(t.live(), /^16 passed {2}8 failed .*\(33% failed\)/m);
    const verdict = t.frame();
    assert.match(verdict, /^FAILING api\/users\.test\.ts::users::create\n {2}6 of 6 runs failed: 100\.0% \(95% CI 61\.0%–100\.0%\)/m);
    assert.match(verdict, /^FAILING races\/counter\.test\.ts::counter::racy\n {2}2 of 6 runs failed: 33\.3%/m);
    // (Ink wraps the log at the terminal's width.)
    assert.match(verdict, /^2 tests never failed \(6 runs each\): api\/orders\.test\.ts::orders::list,\s+api\/users\.test\.ts::users::health$/m);
    assert.match(verdict, /^reproduce the first failure:\n {2}npx qa stress --count 1\n {2}\(it failed on iteration 1, on gw\d\)$/m);
    await t.press('a');
    await t.waitFor(/stress #2 ×6/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[1], { method: 'stress', stress: stressOptions(6), overrides: { mark: 'not slow', keyword: undefined, lastFailed: false } });
    assert.equal(await quit(t), 1, 'the exit code is the last run’s');
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

async function quit(t: ReturnType<typeof setup>): Promise<number> {
  await t.press('q');
  return t.controller.exited;
}

describe('qa watch in the TUI', () => {
  test('runs come from the watch controller; each says what started it; failures stay listed until they pass', async () => {
    const t = setup({ watch: true });
    await t.idle();
    assert.deepEqual(t.watch.asked, ['start']);
    assert.equal(t.session.calls.length, 1, 'the controller itself started no run');
    let live = t.live();
    assert.match(live, /^qa 1\.2\.3 {2}watch #1 · -m "not slow" · 2 workers · load$/m);
    assert.match(live, /^on save: affected test files · last: first run → 3 test files$/m);
    assert.match(live, /^still failing \(1\):\n {2}✗ users\.test\.ts › users › create/m);
    assert.match(live, /^waiting for changes · watch #1 exit 1 · f reruns 1 failing test/m);

    // A save that reaches another file: the users failure stays on screen.
    assert.ok(t.watch.save('src/orders.ts', ['api/orders.test.ts']));
    await t.waitFor(/watch #2/, t.live);
    await t.idle();
    live = t.live();
    assert.match(live, /^on save: affected test files · last: changed src\/orders\.ts → 1 test file$/m);
    assert.match(live, /^1 passed {2}0 failed /m);
    assert.match(live, /^still failing \(1\):\n {2}✗ users\.test\.ts › users › create/m);
    assert.match(t.frame(), /^qa watch: changed src\/orders\.ts · selected 1 test file: api\/orders\.test\.ts$/m);

    // The fix is saved: it passes, and the list is gone.
    t.session.fixed.add('api/users.test.ts::users::create');
    assert.ok(t.watch.save('src/users.ts', ['api/users.test.ts']));
    await t.waitFor(/watch #3/, t.live);
    await t.idle();
    assert.doesNotMatch(t.live(), /still failing/);
    assert.equal(await quit(t), 0, 'leaving an idle watch is the normal way out');
    assert.ok(t.watch.closed);
  });

  test('w switches what a save reruns; p and t set filters the watch controller applies; a and f ask it for runs', async () => {
    const t = setup({ watch: true });
    await t.idle();
    await t.press('w');
    await t.waitFor(/on save: every test file reruns/, t.live);
    assert.equal(t.watch.scope, 'all');
    assert.match(t.live(), /^on save: all test files/m);
    assert.match(t.live(), /w affected/);
    await t.press('p', ...'orders'.split(''));
    await t.waitFor(/^files › orders_ {2}now: none · part of a path, or a glob/m, t.live);
    await t.press(KEY.enter);
    await t.waitFor(/watch #2 · files "orders" -m "not slow"/, t.live);
    await t.idle();
    assert.deepEqual(t.watch.filter, { mark: 'not slow', files: 'orders' });
    assert.deepEqual(t.session.calls[1].overrides.paths, ['api/orders.test.ts']);
    await t.press('t', ...'list'.split(''), KEY.enter);
    await t.waitFor(/watch #3 · files "orders" -m "not slow" -k "list"/, t.live);
    await t.idle();
    assert.equal(t.session.calls[2].overrides.keyword, 'list');
    assert.match(t.live(), /^1 passed {2}0 failed /m);
    await t.press('c');
    await t.waitFor(/filters back to how qa started/, t.live);
    assert.deepEqual(t.watch.filter, { mark: 'not slow' });
    await t.press('f');
    await t.waitFor(/watch #4/, t.live);
    await t.idle();
    assert.deepEqual(t.session.calls[3].overrides, { mode: 'watch', paths: ['api/users.test.ts'], mark: 'not slow', lastFailed: true });
    await t.press('a');
    await t.waitFor(/watch #5/, t.live);
    await t.idle();
    assert.deepEqual(t.watch.asked, ['start', 'runAll', 'runAll', 'rerunFailed', 'runAll']);
  });

  test('l loops through the watch controller (saves wait for it) and ends with the verdict', async () => {
    const t = setup({ watch: true });
    await t.idle();
    await t.press(KEY.down, 'l', '5', KEY.enter);
    await t.waitFor(/loop #2/, t.live);
    await t.idle();
    assert.ok(t.watch.asked.includes('aside'));
    assert.equal(t.session.calls[1].method, 'stress');
    assert.match(t.frame(), /^── verdict of loop #2 users\.test\.ts › users › create ×5 ──$/m);
    assert.match(t.live(), /^still failing \(1\):/m, 'the loop leaves the failing list as it was');
  });

  test('q during a run cuts it and exits 2; the watcher is closed first', async () => {
    const t = setup({ watch: true, start: false });
    t.session.pace = 40;
    t.controller.start();
    await t.waitFor(/running/, t.live);
    await t.press('q');
    assert.equal(await t.controller.exited, 2);
    assert.equal(t.session.cancels, 1);
    assert.ok(t.watch.closed);
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
