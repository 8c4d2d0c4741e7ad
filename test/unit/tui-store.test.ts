// The TUI's store, frame builder and publisher, without React or a terminal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VerdictBuilder, type StressVerdict } from '../../src/core/stress.ts';
import type { RunEvent, RunSummary, TestResult, TestStatus } from '../../src/core/types.ts';
import type { WatchEvent } from '../../src/watch/controller.ts';
import { buildFrame, MAX_FRAME_MS, Publisher, type Size } from '../../src/tui/frame.ts';
import { LOOP_FAILURES_LOGGED, RESULTS_KEPT, TRAIL_KEEP, TuiStore, type LogItem } from '../../src/tui/store.ts';
import { lineText, textWidth, truncateMiddle } from '../../src/tui/text.ts';

export function result(id: string, status: TestStatus, workerId = 'gw0', extra: Partial<TestResult> = {}): TestResult {
  const [file, ...rest] = id.split('::');
  return {
    id,
    file,
    suitePath: rest.slice(0, -1),
    name: rest.at(-1) ?? id,
    marks: [],
    workerId,
    status,
    durationMs: 5,
    stdout: '',
    stderr: '',
    attempt: 1,
    iteration: 1,
    ...(status === 'failed' ? { error: { name: 'AssertionError', message: `expected 1 to be 2\nmore detail`, stack: 'at x (a.test.ts:1:1)' } } : {}),
    ...extra,
  };
}

export function summary(extra: Partial<RunSummary> = {}): RunSummary {
  return {
    counts: { passed: 0, failed: 0, skipped: 0, todo: 0, flaky: 0 },
    total: 0,
    collectErrors: 0,
    deselected: 0,
    notRun: 0,
    wallMs: 1234,
    sumDurationsMs: 2000,
    speedup: 1.62,
    workers: [],
    slowest: [],
    retries: 0,
    retryRate: 0,
    flakyRate: 0,
    interrupted: false,
    exitCode: 0,
    ...extra,
  };
}

const runStart = (tests: number, workers = 2, extra: Partial<Extract<RunEvent, { type: 'run-start' }>> = {}): RunEvent => ({
  type: 'run-start',
  mode: 'run',
  workers,
  files: 3,
  tests,
  deselected: 0,
  dist: 'load',
  count: 1,
  ...extra,
});

const newStore = () => new TuiStore({ version: '9.9.9', filter: { mark: 'not slow' } });

/** A verdict from the real builder: r.test.ts::racy failing on the copies `fails` picks (and a stable twin). */
function verdictOf(copies: number, fails: (iteration: number) => boolean, withStable = false): StressVerdict {
  const b = new VerdictBuilder();
  for (let i = 1; i <= copies; i++) {
    b.add(result('r.test.ts::racy', fails(i) ? 'failed' : 'passed', 'gw0', { iteration: i }));
    if (withStable) b.add(result('r.test.ts::fine', 'passed', 'gw1', { iteration: i }));
  }
  return b.verdict({ seed: 1, shuffled: false, iterations: copies, wallMs: 100, stoppedEarly: withStable, history: () => [] });
}
const logText = (items: readonly LogItem[]) => items.flatMap((i) => i.lines.map(lineText)).join('\n');
const frameText = (store: TuiStore, size: Size = { rows: 24, cols: 80 }, now = 1000) => buildFrame(store, now, size).lines.map(lineText).join('\n');

describe('folding run events', () => {
  test('a run moves through starting, running and idle, and lanes appear per worker', () => {
    const s = newStore();
    assert.equal(s.phase, 'idle');
    s.begin('all', 0);
    assert.equal(s.phase, 'starting');
    assert.equal(s.active, true);
    s.apply(runStart(4, 3), 10);
    assert.equal(s.phase, 'running');
    assert.deepEqual(
      s.laneList().map((l) => l.id),
      ['gw0', 'gw1', 'gw2'],
    );
    s.apply({ type: 'run-end', summary: summary({ exitCode: 0 }) }, 20);
    assert.equal(s.phase, 'idle');
    assert.equal(s.active, false);
  });

  test('lanes track the running test, results, a trail and busy time', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(3), 0);
    s.apply({ type: 'test-start', workerId: 'gw1', id: 'a.test.ts::one', attempt: 1, iteration: 1 }, 5);
    assert.equal(s.lane('gw1').current?.id, 'a.test.ts::one');
    assert.equal(s.lane('gw1').current?.startedAt, 5);
    s.apply({ type: 'test-end', result: result('a.test.ts::one', 'passed', 'gw1', { durationMs: 7 }) }, 12);
    assert.equal(s.lane('gw1').current, undefined);
    assert.deepEqual(s.lane('gw1').trail, ['passed']);
    assert.equal(s.lane('gw1').busyMs, 7);
    s.apply({ type: 'test-end', result: result('a.test.ts::two', 'failed', 'gw1') }, 13);
    s.apply({ type: 'test-end', result: result('a.test.ts::three', 'skipped', 'gw0') }, 13);
    assert.deepEqual(s.lane('gw1').trail, ['passed', 'failed']);
    assert.deepEqual(s.run?.counts, { passed: 1, failed: 1, flaky: 0, skipped: 1, todo: 0 });
    assert.equal(s.run?.done, 3);
    assert.equal(s.failures.length, 1);
  });

  test('a failed attempt that will be retried is a retry mark, not a result', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(1), 0);
    s.apply({ type: 'test-end', result: result('a.test.ts::flaky', 'failed', 'gw0', { willRetry: true }) });
    s.apply({ type: 'test-end', result: result('a.test.ts::flaky', 'flaky', 'gw0', { attempt: 2 }) });
    assert.deepEqual(s.lane('gw0').trail, ['retry', 'flaky']);
    assert.equal(s.run?.retries, 1);
    assert.equal(s.run?.done, 1);
    assert.equal(s.run?.counts.flaky, 1);
    assert.equal(s.failures.length, 0);
    assert.doesNotMatch(logText(s.peekLog()), /FAILED/);
  });

  test('the trail keeps only the recent marks', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(500), 0);
    for (let i = 0; i < 500; i++) s.apply({ type: 'test-end', result: result(`a.test.ts::t${i}`, i === 499 ? 'failed' : 'passed') });
    const trail = s.lane('gw0').trail;
    assert.ok(trail.length <= 2 * TRAIL_KEEP, `trail has ${trail.length} marks`);
    assert.equal(trail.at(-1), 'failed');
  });

  test('failures are logged as they happen, with control characters escaped', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(2), 0);
    s.drainLog();
    const evil = result('a.test.ts::name with \u001b[2J escape\nand newline', 'failed', 'gw0', {
      error: { name: 'Error', message: 'boom \u001b[31mred\u0007' },
    });
    s.apply({ type: 'test-end', result: evil });
    s.apply({ type: 'test-end', result: result('a.test.ts::fine', 'passed') });
    const items = s.drainLog();
    assert.equal(items.length, 1, 'only the failure is logged, not the pass');
    const text = logText(items);
    assert.match(text, /✗ FAILED a\.test\.ts::name with \\x1b\[2J escape\\nand newline/);
    assert.match(text, /boom \\x1b\[31mred\\x07/);
    assert.doesNotMatch(text, /\u001b|\u0007/);
    assert.equal(s.drainLog().length, 0, 'drained items are not handed out twice');
  });

  test('run-end logs a summary with the same counts line as the headless reporter', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(3), 0);
    s.drainLog();
    s.apply({
      type: 'run-end',
      summary: summary({
        counts: { passed: 2, failed: 1, skipped: 0, todo: 0, flaky: 0 },
        exitCode: 1,
        workers: [{ workerId: 'gw0', busyMs: 10, tests: 3, restarts: 0, utilization: 0.5 }],
        stoppedBecause: 'interrupted (Ctrl-C)',
        notRun: 4,
      }),
    });
    const text = logText(s.drainLog());
    assert.match(text, /^qa: 2 passed, 1 failed, 0 skipped/m);
    assert.match(text, /workers: gw0 3 tests 50%/);
    assert.match(text, /wall 1\.23 s · test time 2\.00 s · speedup 1\.62×/);
    assert.match(text, /interrupted \(Ctrl-C\); 4 not run/);
  });

  test('a loop counts passes and failures per test, logs only the first failures, and reports the rate', () => {
    const s = newStore();
    s.begin('loop', 0, 'r.test.ts::racy');
    s.apply(runStart(20, 4, { mode: 'stress', count: 20 }), 0);
    s.drainLog();
    for (let i = 1; i <= 20; i++) s.apply({ type: 'test-end', result: result('r.test.ts::racy', i % 4 === 0 ? 'failed' : 'passed', `gw${i % 4}`, { iteration: i }) });
    assert.deepEqual(s.loopStats(), { passed: 15, failed: 5 });
    assert.deepEqual(s.perTest.get('r.test.ts::racy'), { passed: 15, failed: 5, logged: LOOP_FAILURES_LOGGED });
    const during = logText(s.drainLog());
    assert.equal(during.match(/FAILED/g)?.length, LOOP_FAILURES_LOGGED);
    assert.match(during, /r\.test\.ts::racy\[4\/20\]/, 'copies are named id[i/N]');
    assert.match(frameText(s), /15 passed {2}5 failed .*\(25% failed\) {2}0 remaining/);
    s.apply({ type: 'run-end', summary: summary({ counts: { passed: 15, failed: 5, skipped: 0, todo: 0, flaky: 0 }, total: 20, exitCode: 1 }) });
    const end = logText(s.drainLog());
    assert.match(end, /^qa: 15 passed, 5 failed, 0 skipped · loop #1$/m);
    assert.doesNotMatch(end, /5\/20 failed/, 'the verdict that follows gives the rate');
    s.apply({ type: 'stress-end', verdict: verdictOf(20, (i) => i % 4 === 0) });
    const verdict = logText(s.drainLog());
    assert.match(verdict, /^── verdict of loop #1 r\.test\.ts › racy ×20 ──$/m);
    assert.match(verdict, /^FAILING r\.test\.ts::racy\n {2}5 of 20 runs failed: 25\.0% \(95% CI 11\.2%–46\.9%\) · .* failed on gw0×5$/m);
    assert.match(verdict, /^ {2}5× expected 1 to be 2 at a\.test\.ts:1 \(first at iteration 4\)$/m);
    // No command line replays a loop: the first failure is named, not given a command.
    assert.match(verdict, /^first failure: r\.test\.ts::racy\n {2}\(it failed on iteration 4, on gw0\)$/m);
    assert.doesNotMatch(verdict, /reproduce/);
    assert.equal(s.run?.verdict?.failing[0].failures, 5);
  });

  test('--count in a plain run still reports the failure rate per test (no verdict comes)', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(4, 2, { count: 4 }), 0);
    for (let i = 1; i <= 4; i++) s.apply({ type: 'test-end', result: result('r.test.ts::racy', i === 2 ? 'failed' : 'passed', 'gw0', { iteration: i }) });
    s.drainLog();
    s.apply({ type: 'run-end', summary: summary({ exitCode: 1 }) });
    assert.match(logText(s.drainLog()), /✗ r\.test\.ts::racy 1\/4 failed \(25%\)/);
  });

  test('qa stress: the verdict ends with the command that replays it, unless the selection changed', () => {
    const reproduce = (id: string, iteration: number) => `npx qa stress --count ${iteration} # ${id}`;
    const stressRun = (mark: string | undefined) => {
      const s = new TuiStore({ version: '9.9.9', filter: { mark: 'not slow' }, reproduce });
      s.begin('stress', 0);
      s.apply(runStart(30, 2, { mode: 'stress', count: 30, ...(mark ? { mark } : {}) }), 0);
      s.apply({ type: 'run-end', summary: summary({ exitCode: 1 }) });
      s.apply({ type: 'stress-end', verdict: verdictOf(30, (i) => i === 7, true) });
      return logText(s.drainLog());
    };
    const own = stressRun('not slow');
    assert.match(own, /^reproduce the first failure:\n {2}npx qa stress --count 7 # r\.test\.ts::racy\n {2}\(it failed on iteration 7, on gw0\)$/m);
    assert.match(own, /· stopped early$/m);
    assert.match(own, /^1 test never failed \(30 runs each\): r\.test\.ts::fine$/m);
    // After m changed the marker filter, the command line no longer says what ran.
    const changed = stressRun('smoke');
    assert.doesNotMatch(changed, /reproduce/);
    assert.match(changed, /^first failure: r\.test\.ts::racy$/m);
  });

  test('a replaced worker shows on its lane; errors are logged', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(2), 0);
    s.drainLog();
    s.apply({ type: 'test-start', workerId: 'gw1', id: 'a.test.ts::crash', attempt: 1, iteration: 1 });
    s.apply({ type: 'worker-down', workerId: 'gw1', code: null, signal: 'SIGKILL', expected: false });
    assert.equal(s.lane('gw1').down, true);
    assert.equal(s.lane('gw1').current, undefined);
    s.apply({ type: 'worker-up', workerId: 'gw1', pid: 42, restarts: 1 });
    assert.equal(s.lane('gw1').down, false);
    assert.equal(s.lane('gw1').restarts, 1);
    s.apply({ type: 'collect-error', error: { file: 'bad.test.ts', error: { name: 'SyntaxError', message: 'Unexpected token\nat line 3' } } });
    s.apply({ type: 'worker-down', workerId: 'gw0', code: 0, signal: null, expected: true });
    const text = logText(s.drainLog());
    assert.match(text, /\[gw1\] worker exited \(SIGKILL\); starting a replacement/);
    assert.match(text, /ERROR collecting bad\.test\.ts: SyntaxError: Unexpected token$/m);
    assert.doesNotMatch(text, /gw0/, 'an expected exit is not news');
    assert.match(frameText(s), /gw1 · .* ↻1/);
  });

  test('a refused run shows its error and leaves the TUI idle', () => {
    const s = newStore();
    s.begin('all', 0);
    s.runFailed(['bad.test.ts: mark "smok" is not registered']);
    assert.equal(s.phase, 'idle');
    assert.equal(s.active, false);
    assert.match(logText(s.drainLog()), /qa: error: bad\.test\.ts: mark "smok" is not registered/);
    assert.match(frameText(s), /error: bad\.test\.ts/);
  });

  test('events nobody asked for (a watch run, an unknown event) do not break the fold', () => {
    const s = newStore();
    s.apply(runStart(1, 1, { mode: 'watch' }));
    assert.equal(s.run?.kind, 'watch');
    s.apply({ type: 'something-new' } as unknown as RunEvent);
    s.apply({ type: 'run-end', summary: summary() });
    assert.equal(s.phase, 'idle');
  });

  test('24,000 events fold in a few milliseconds and queue no output for passes', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(12_000, 2), 0);
    s.drainLog();
    let changes = 0;
    s.onChange = () => changes++;
    const t0 = performance.now();
    for (let i = 0; i < 12_000; i++) {
      const w = `gw${i % 2}`;
      s.apply({ type: 'test-start', workerId: w, id: `f${i % 200}.test.ts::t${i}`, attempt: 1, iteration: 1 }, i);
      s.apply({ type: 'test-end', result: result(`f${i % 200}.test.ts::t${i}`, 'passed', w) }, i);
    }
    const took = performance.now() - t0;
    assert.equal(changes, 24_000, 'every event only marks the store changed');
    assert.equal(s.peekLog().length, 0);
    assert.equal(s.run?.done, 12_000);
    assert.ok(took < 250, `folding took ${took.toFixed(0)} ms`);
  });
});

describe('the picker', () => {
  test('lists failures first, then flaky, then the rest; the cursor stays in range', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(4), 0);
    for (const [id, st] of [
      ['a.test.ts::ok1', 'passed'],
      ['a.test.ts::bad', 'failed'],
      ['a.test.ts::wobbly', 'flaky'],
      ['a.test.ts::ok2', 'passed'],
    ] as const)
      s.apply({ type: 'test-end', result: result(id, st) });
    assert.deepEqual(
      s.pickList().map((r) => r.name),
      ['bad', 'wobbly', 'ok1', 'ok2'],
    );
    s.movePick(1);
    assert.equal(s.picked?.name, 'bad');
    s.movePick(-5);
    assert.equal(s.picked?.name, 'bad');
    s.movePick(10);
    assert.equal(s.picked?.name, 'ok2');
    assert.match(frameText(s), /pick a test \(4\/4\)/);
    assert.match(frameText(s), /› ✓ a\.test\.ts › ok2/);
  });

  test('a huge run keeps the latest results and the failures, not all of them', () => {
    const s = newStore();
    s.begin('stress', 0);
    s.apply(runStart(3 * RESULTS_KEPT, 2, { mode: 'stress', count: 3 * RESULTS_KEPT }), 0);
    for (let i = 1; i <= 3 * RESULTS_KEPT; i++) s.apply({ type: 'test-end', result: result('a.test.ts::t', i === 7 ? 'failed' : 'passed', 'gw0', { iteration: i }) }, 0);
    assert.ok(s.results.length <= 2 * RESULTS_KEPT, `${s.results.length} results kept`);
    assert.equal(s.results.at(-1)?.iteration, 3 * RESULTS_KEPT);
    assert.equal(s.pickList()[0].iteration, 7, 'the failure is still first in the picker');
    assert.equal(s.run?.counts.passed, 3 * RESULTS_KEPT - 1);
  });

  test('with nothing run yet, says so', () => {
    const s = newStore();
    s.movePick(1);
    assert.equal(s.picking, false);
    assert.match(s.message?.text ?? '', /nothing to pick/);
  });
});

describe('watch mode', () => {
  const watchRun = (files: string[], extra: Partial<Extract<WatchEvent, { type: 'watch-run' }>> = {}): WatchEvent => ({ type: 'watch-run', run: 1, why: 'start', all: true, files, dropped: [], ...extra });

  test('each run says what started it and what it selected; failures stay listed until they pass', () => {
    const s = new TuiStore({ version: '9.9.9', filter: {}, watch: { scope: 'affected' } });
    // The watch controller's own collections: the store only shows them.
    const failing = new Map<string, TestResult>();
    const collectErrors = new Set<string>();
    const idle = () => s.applyWatch({ type: 'watch-idle', failing, collectErrors, summary: summary() });

    s.applyWatch(watchRun(['t/a.test.ts', 't/b.test.ts']), 0);
    assert.equal(s.phase, 'starting');
    assert.equal(s.run?.kind, 'watch');
    assert.match(logText(s.drainLog()), /^qa watch: first run · selected 2 test files: t\/a\.test\.ts, t\/b\.test\.ts$/m);
    s.apply(runStart(2, 2, { mode: 'watch' }), 0);
    const bad = result('t/a.test.ts::adds', 'failed');
    s.apply({ type: 'test-end', result: bad });
    failing.set(bad.id, bad);
    s.apply({ type: 'run-end', summary: summary({ exitCode: 1 }) });
    idle();
    assert.equal(s.phase, 'idle');
    let frame = frameText(s, { rows: 24, cols: 100 });
    assert.match(frame, /^qa 9\.9\.9 {2}watch #1 · all tests · 2 workers · load$/m);
    assert.match(frame, /^on save: affected test files · last: first run → 2 test files$/m);
    assert.match(frame, /^still failing \(1\):\n {2}✗ a\.test\.ts › adds {2}\[gw0\] expected 1 to be 2$/m);
    assert.match(frame, /^waiting for changes · watch #1 exit 1 · f reruns 1 failing test/m);

    // A save that reruns another file: the earlier failure stays on screen and in the picker.
    s.applyWatch(watchRun(['t/b.test.ts'], { run: 2, why: 'save', all: false, changes: { added: [], changed: ['src/b.ts'], deleted: [] } }), 10);
    assert.match(logText(s.drainLog()), /^qa watch: changed src\/b\.ts · selected 1 test file: t\/b\.test\.ts$/m);
    s.apply(runStart(1, 2, { mode: 'watch' }), 10);
    s.apply({ type: 'test-end', result: result('t/b.test.ts::twice', 'passed') });
    assert.match(frameText(s, { rows: 24, cols: 100 }), /^still failing \(1\):$/m, 'listed during the run too');
    s.apply({ type: 'run-end', summary: summary() });
    idle();
    frame = frameText(s, { rows: 24, cols: 100 });
    assert.match(frame, /^on save: affected test files · last: changed src\/b\.ts → 1 test file$/m);
    assert.match(frame, /^ {2}✗ a\.test\.ts › adds/m);
    assert.deepEqual(
      s.pickList().map((r) => r.id),
      ['t/a.test.ts::adds', 't/b.test.ts::twice'],
    );

    // It passes again: gone.
    failing.delete(bad.id);
    collectErrors.add('t/c.test.ts');
    idle();
    frame = frameText(s, { rows: 24, cols: 100 });
    assert.doesNotMatch(frame, /still failing|a\.test\.ts › adds/);
    assert.match(frame, /^files that do not import: t\/c\.test\.ts$/m);
  });

  test('skips, dropped files and errors are logged; an error during a run ends it', () => {
    const s = new TuiStore({ version: '9.9.9', filter: {}, watch: { scope: 'all' } });
    s.applyWatch({ type: 'watch-skip', changes: { added: [], changed: ['src/unused.ts'], deleted: [] }, dropped: ['t/gone.test.ts'] });
    assert.match(logText(s.drainLog()), /^qa watch: changed src\/unused\.ts · no test file depends on it\nqa watch: dropped the tests of t\/gone\.test\.ts$/m);
    s.applyWatch({ type: 'watch-skip', dropped: [] });
    assert.match(frameText(s), /last: no test file matches the file filter/);
    s.applyWatch(watchRun(['t/a.test.ts'], { why: 'all' }), 0);
    assert.equal(s.active, true);
    s.applyWatch({ type: 'watch-error', message: 'mark "smok" is not registered' });
    assert.equal(s.active, false);
    assert.match(logText(s.drainLog()), /qa: error: mark "smok" is not registered/);
  });

  test('the help bar and the help screen show the watch keys; w says what it switches to', () => {
    const s = new TuiStore({ version: '9.9.9', filter: {}, watch: { scope: 'affected' } });
    assert.match(frameText(s, { rows: 24, cols: 120 }), /^a run all {2}f failed {2}w all on save {2}p files {2}t test name {2}↑↓ pick {2}l loop {2}m mark {2}c clear {2}\? help {2}q quit$/m);
    s.watch!.scope = 'all';
    assert.match(frameText(s, { rows: 24, cols: 120 }), /^a run all {2}f failed {2}w affected {2}p files/m);
    s.setView({ kind: 'help' });
    const help = frameText(s, { rows: 30, cols: 100 });
    for (const k of ['w', 'p', 't']) assert.match(help, new RegExp(`^ {2}${k} {10}\\S`, 'm'));
    assert.doesNotMatch(frameText(newStore(), { rows: 24, cols: 120 }), /test name|on save/, 'not outside watch mode');
  });
});

describe('frames', () => {
  function busyStore(workers: number): TuiStore {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(100, workers, { mark: 'not slow' }), 0);
    for (let w = 0; w < workers; w++) {
      s.apply({ type: 'test-end', result: result(`dir/a.test.ts::suite::t${w}`, w % 3 === 0 ? 'failed' : 'passed', `gw${w}`) }, 1);
      s.apply({ type: 'test-start', workerId: `gw${w}`, id: `dir/very/long/path/to/some.test.ts::a describe block::a test with a rather long name number ${w}`, attempt: 1, iteration: 1 }, 2);
    }
    return s;
  }

  for (const size of [
    { rows: 24, cols: 80 },
    { rows: 50, cols: 200 },
    { rows: 10, cols: 40 },
    { rows: 5, cols: 30 },
  ]) {
    for (const workers of [2, 8, 32]) {
      test(`${size.cols}×${size.rows}, ${workers} workers: shorter than the terminal, no line wider than it`, () => {
        const s = busyStore(workers);
        for (const view of ['main', 'picker', 'help'] as const) {
          if (view === 'picker') s.movePick(1);
          if (view === 'help') s.setView({ kind: 'help' });
          const f = buildFrame(s, 500, size);
          assert.ok(f.height < size.rows, `${view}: height ${f.height} for ${size.rows} rows`);
          assert.equal(f.lines.length, f.height);
          for (const l of f.lines) assert.ok(textWidth(lineText(l)) <= size.cols, `${view}: "${lineText(l)}" is wider than ${size.cols}`);
        }
      });
    }
  }

  test('lanes that do not fit are counted as "+K more"', () => {
    const text = frameText(busyStore(32), { rows: 24, cols: 80 });
    assert.match(text, /^gw0 /m);
    assert.match(text, /^\+\d+ more workers \(\d+ busy\)$/m);
    assert.doesNotMatch(text, /^gw31 /m);
    const all = frameText(busyStore(8), { rows: 24, cols: 80 });
    for (let w = 0; w < 8; w++) assert.match(all, new RegExp(`^gw${w} `, 'm'));
    assert.doesNotMatch(all, /more worker/);
  });

  test('a lane shows the spinner, the running test and its clock; the header counts and times', () => {
    const s = busyStore(2);
    const text = frameText(s, { rows: 24, cols: 120 }, 1502);
    assert.match(text, /^qa 9\.9\.9 {2}run #1 · -m "not slow" · 2 workers · load$/m);
    assert.match(text, /^1 passed {2}1 failed {2}0 flaky {2}0 skipped {2}98 remaining {2}1\.5s {2}speedup /m);
    assert.match(text, /^gw0 [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] some\.test\.ts › a describe block › a test with a rather long name number 0 +1\.5s +\d+% +✗$/m);
    assert.match(text, /^gw1 .* ✓$/m);
  });

  test('styles only with colour: NO_COLOR frames have no escape codes', () => {
    const s = busyStore(2);
    const plain = buildFrame(s, 500, { rows: 24, cols: 80 }, { color: false });
    const styled = buildFrame(s, 500, { rows: 24, cols: 80 }, { color: true });
    assert.ok(plain.rows.every((r) => !r.includes('\u001b')));
    assert.ok(styled.rows.some((r) => r.includes('\u001b[31m')), 'failures are red');
  });

  test('a test name with control characters cannot move the cursor', () => {
    const s = newStore();
    s.begin('all', 0);
    s.apply(runStart(1, 1), 0);
    s.apply({ type: 'test-start', workerId: 'gw0', id: 'a.test.ts::\u001b[2J\u001b[Hgotcha\r\n', attempt: 1, iteration: 1 }, 0);
    const f = buildFrame(s, 10, { rows: 24, cols: 100 }, { color: true });
    const lane = f.rows.find((r) => r.includes('gotcha'))!;
    assert.ok(lane.includes('\\x1b[2J\\x1b[Hgotcha\\r\\n'), lane);
    assert.doesNotMatch(lane.replace(/\u001b\[\d+m/g, ''), /[\u0000-\u001f]/);
  });

  test('middle truncation keeps both ends and respects wide characters', () => {
    assert.equal(truncateMiddle('abcdefghij', 7), 'abc…hij');
    assert.equal(truncateMiddle('short', 10), 'short');
    const wide = truncateMiddle('テストの名前がとても長いです', 11);
    assert.ok(textWidth(wide) <= 11, wide);
    assert.ok(wide.includes('…'));
  });
});

describe('the publisher', () => {
  test('caps frames however many events arrive, and hands out log items once', async () => {
    const s = newStore();
    const p = new Publisher(s, { size: () => ({ rows: 24, cols: 80 }) });
    let frames = 0;
    let logs = 0;
    p.subscribe(() => frames++);
    p.subscribeLog(() => logs++);
    s.begin('all', performance.now());
    s.apply(runStart(100_000, 2));
    const t0 = performance.now();
    let i = 0;
    while (performance.now() - t0 < 300) {
      for (let k = 0; k < 200; k++, i++) s.apply({ type: 'test-end', result: result(`a.test.ts::t${i}`, i === 5 ? 'failed' : 'passed', `gw${i % 2}`) });
      await new Promise((r) => setImmediate(r));
    }
    const elapsed = performance.now() - t0;
    p.stop();
    assert.ok(i > 5000, `only ${i} events`);
    assert.ok(frames <= Math.ceil(elapsed / 40) + 2, `${frames} frames in ${elapsed.toFixed(0)} ms for ${i} events`);
    assert.ok(frames >= 2, `${frames} frames: the screen must still move`);
    assert.ok(logs >= 1 && logs <= 3, `${logs} log batches`);
    assert.match(logText(p.getLog().items), /FAILED a\.test\.ts::t5/);
  });

  test('while a run is under way the spinner moves without events; idle, nothing is drawn', async () => {
    const s = newStore();
    const p = new Publisher(s, { size: () => ({ rows: 24, cols: 80 }) });
    let frames = 0;
    p.subscribe(() => frames++);
    s.begin('all', performance.now());
    // While workers start and collect, the first moments get no spinner-only frames.
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(frames <= 1, `${frames} frames while collecting`);
    s.apply(runStart(10, 2));
    const before = frames;
    await new Promise((r) => setTimeout(r, 400));
    const busy = frames - before;
    s.settled();
    await new Promise((r) => setTimeout(r, 100));
    const settled = frames;
    await new Promise((r) => setTimeout(r, 300));
    p.stop();
    assert.ok(busy >= 3, `${busy} frames in 400 ms of a run`);
    assert.equal(frames, settled, 'no frames while idle');
  });

  test('expensive frames are spaced out (at most a few % of a core), up to a limit', () => {
    const s = newStore();
    const p = new Publisher(s, { size: () => ({ rows: 24, cols: 80 }) });
    assert.equal(p.interval, 40);
    for (let i = 0; i < 20; i++) {
      p.addRenderCost(4);
      p.publish();
    }
    assert.ok(p.interval > 100, `interval ${p.interval}`);
    for (let i = 0; i < 20; i++) {
      p.addRenderCost(50);
      p.publish();
    }
    assert.equal(p.interval, MAX_FRAME_MS);
    p.stop();
  });

  test('the log starts a fresh <Static> generation instead of growing without end', () => {
    const s = newStore();
    const p = new Publisher(s, { size: () => ({ rows: 24, cols: 80 }) });
    s.begin('all', 0);
    s.apply(runStart(1000, 1));
    for (let i = 0; i < 450; i++) {
      s.apply({ type: 'test-end', result: result(`a.test.ts::t${i}`, 'failed') });
      if (i % 50 === 0) p.publish();
    }
    p.publish();
    p.stop();
    const batch = p.getLog();
    assert.ok(batch.generation >= 2, `generation ${batch.generation}`);
    assert.ok(batch.items.length <= 200, `${batch.items.length} items in one generation`);
  });
});
