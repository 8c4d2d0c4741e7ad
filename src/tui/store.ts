// The TUI's state, folded from the session's RunEvents without React. `apply` is O(1) per event
// (a run of 12,000 tiny tests is 24,000 events); React sees this state only through the frames
// the publisher (frame.ts) builds at a capped rate. Finished output (failures as they happen,
// errors, run summaries, stress verdicts) is queued as log items for Ink's <Static>; everything
// else is live state. In watch mode the watch controller's events are folded here too.
import type { StressVerdict } from '../core/stress.js';
import type { RunEvent, RunSummary, TestResult } from '../core/types.js';
import { displayId, ms, notRunText, pct, safe } from '../report/format.js';
import { verdictLines, type Reproduce } from '../report/verdict.js';
import type { WatchEvent, WatchScope } from '../watch/controller.js';
import { describeRun, describeSkip } from '../watch/describe.js';
import { errorLine, markOf, plural, shortId, type Line, type Mark, type Tone } from './text.js';

export type Phase = 'idle' | 'starting' | 'running' | 'cancelling' | 'quitting';
/** What started a run: shown in the header, and decides what the summary says. */
export type RunKind = 'all' | 'failed' | 'loop' | 'stress' | 'watch';

/** How many trail marks a lane keeps (the frame shows as many as fit). */
export const TRAIL_KEEP = 40;
/** Results the picker keeps (all failures up to this many, and the latest others). */
export const RESULTS_KEPT = 20_000;
/** In a loop or stress run, each test's first failures are logged; the rest only count. */
export const LOOP_FAILURES_LOGGED = 3;

export interface Lane {
  id: string;
  /** gwK → K, for ordering. */
  index: number;
  pid?: number;
  restarts: number;
  /** Exited unexpectedly; a replacement is on its way. */
  down: boolean;
  current?: { id: string; startedAt: number; attempt: number; iteration: number };
  /** Last results, oldest first. */
  trail: Mark[];
  /** Time spent in finished tests during this run. */
  busyMs: number;
  tests: number;
}

export interface Counts {
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  todo: number;
}

export interface RunState {
  seq: number;
  kind: RunKind;
  /** The test a loop runs. */
  target?: string;
  mode: 'run' | 'stress' | 'watch';
  /** When the run was asked for (discovery and collection count, as in the summary's wall time). */
  requestedAt: number;
  /** When run-start arrived (tests are running from here). */
  startedAt?: number;
  endedAt?: number;
  workers: number;
  files: number;
  /** Results expected: selected tests × count. */
  tests: number;
  deselected: number;
  count: number;
  dist?: string;
  mark?: string;
  keyword?: string;
  counts: Counts;
  /** Final results so far. */
  done: number;
  retries: number;
  sumMs: number;
  collectErrors: number;
  summary?: RunSummary;
  /** The run was refused (usage error) or blew up: what to show. */
  error?: string;
  /** Stress runs and loops: what session.stress() concluded. */
  verdict?: StressVerdict;
  /** Watch runs: the file filter they ran under. */
  fileFilter?: string;
}

/** Watch mode: what the watch controller does on a save, and what still fails across its runs. */
export interface WatchState {
  scope: WatchScope;
  /** What started the latest run (or skip), and what it selected. */
  last?: string;
  /** The watch controller's own collections (live): tests failing since a run, until they pass. */
  failing?: ReadonlyMap<string, TestResult>;
  collectErrors?: ReadonlySet<string>;
}

/** One block of finished output for <Static>; `key` never repeats. */
export interface LogItem {
  key: number;
  lines: Line[];
}

export type View = { kind: 'main' } | { kind: 'help' } | { kind: 'detail'; result: TestResult; count: number; scroll: number };

export type PromptKind = 'mark' | 'keyword' | 'files' | 'loop';

export interface Prompt {
  kind: PromptKind;
  text: string;
  /** The expression error (message, then the expression and a caret) shown under the prompt. */
  error?: string[];
  /** For `loop`: the test to loop. */
  target?: TestResult;
}

export interface Filter {
  mark?: string;
  keyword?: string;
  /** Watch mode: a substring or glob of the test file paths that may run. */
  files?: string;
}

export interface Message {
  text: string;
  tone?: Tone;
}

export interface StoreOptions {
  version: string;
  /** The Vitest or Jest config a run follows (no qa config), shown in the title. */
  configSource?: string;
  filter: Filter;
  /** The session's cache warnings: a live array that may grow during a run. */
  warnings?: readonly string[];
  /** The command line that replays a stress failure (`qa stress` only: the CLI knows its argv). */
  reproduce?: Reproduce;
  /** Watch mode, and what a save reruns at first. */
  watch?: { scope: WatchScope };
}

const EMPTY_COUNTS = (): Counts => ({ passed: 0, failed: 0, flaky: 0, skipped: 0, todo: 0 });

export class TuiStore {
  readonly version: string;
  readonly configSource: string | undefined;
  phase: Phase = 'idle';
  run: RunState | undefined;
  private runSeq = 0;
  readonly lanes = new Map<string, Lane>();
  /** Final results of the current run, in arrival order (the latest RESULTS_KEPT or more). */
  results: TestResult[] = [];
  /** The final failures of the current run, in arrival order (the first RESULTS_KEPT). */
  failures: TestResult[] = [];
  /** Loop and stress runs: passes and failures per test id. */
  perTest = new Map<string, { passed: number; failed: number; logged: number }>();
  /** Bumped whenever `results` changes (the picker's list is cached on it). */
  resultsVersion = 0;
  /** Set in watch mode. */
  readonly watch: WatchState | undefined;

  filter: Filter;
  /** The filter qa started with (config and command line); `c` comes back to it. */
  readonly initialFilter: Filter;
  view: View = { kind: 'main' };
  prompt: Prompt | undefined;
  /** The picker is open (↑/↓ were pressed) and this result is under the cursor. */
  picking = false;
  picked: TestResult | undefined;
  message: Message | undefined;

  /** Bumped on every change; the publisher compares it to know whether a frame is due. */
  changes = 0;
  onChange: (() => void) | undefined;

  private pendingLog: LogItem[] = [];
  private logKey = 0;
  private warningsShown = 0;
  private warnings: readonly string[];
  private reproduce: Reproduce | undefined;

  constructor(opts: StoreOptions) {
    this.version = opts.version;
    this.configSource = opts.configSource;
    this.filter = { ...opts.filter };
    this.initialFilter = { ...opts.filter };
    this.warnings = opts.warnings ?? [];
    this.reproduce = opts.reproduce;
    this.watch = opts.watch ? { scope: opts.watch.scope } : undefined;
  }

  /** Anything changed: a frame is due. */
  touch(): void {
    this.changes++;
    this.onChange?.();
  }

  /** A run is under way (asked for, collecting or running): the spinner turns and clocks tick. */
  busy = false;

  get active(): boolean {
    return this.busy;
  }

  // ---------------------------------------------------------------- runs asked for by the controller

  /** The controller asked the session for a run; events follow (or an error). */
  begin(kind: RunKind, now: number, target?: string): void {
    this.run = this.newRun(kind, kind === 'loop' || kind === 'stress' ? 'stress' : kind === 'watch' ? 'watch' : 'run', now, target);
    if (this.phase !== 'quitting') this.phase = 'starting';
    this.busy = true;
    this.message = undefined;
    this.touch();
  }

  private newRun(kind: RunKind, mode: RunState['mode'], now: number, target?: string): RunState {
    return {
      seq: ++this.runSeq,
      kind,
      ...(target !== undefined ? { target } : {}),
      mode,
      requestedAt: now,
      workers: 0,
      files: 0,
      tests: 0,
      deselected: 0,
      count: 1,
      counts: EMPTY_COUNTS(),
      done: 0,
      retries: 0,
      sumMs: 0,
      collectErrors: 0,
    };
  }

  /** The session refused or failed the run (no run-end will come). */
  runFailed(lines: string[], tone: Tone = 'red'): void {
    if (this.run && !this.run.summary) {
      this.run.error = lines[0] ?? 'error';
      this.run.endedAt = this.run.endedAt ?? this.run.requestedAt;
    }
    for (const lane of this.lanes.values()) lane.current = undefined;
    if (this.phase !== 'quitting') this.phase = 'idle';
    this.busy = false;
    this.log(lines.map((text, i) => [{ text: i === 0 ? `qa: error: ${safe(text)}` : safe(text), tone: i === 0 ? tone : undefined }]));
    this.message = { text: `error: ${safe(lines[0] ?? '')}`, tone };
    this.touch();
  }

  /** The run promise settled: whatever the events said, nothing runs now. */
  settled(): void {
    if (this.phase !== 'quitting') this.phase = 'idle';
    this.busy = false;
    for (const lane of this.lanes.values()) lane.current = undefined;
    this.touch();
  }

  // ---------------------------------------------------------------- the event fold

  /** Folds one event; `now` defaults to the clock (read only by the events that need it). */
  readonly apply = (e: RunEvent, now?: number): void => {
    switch (e.type) {
      case 'run-start':
        this.runStart(e, now ?? performance.now());
        break;
      case 'test-start': {
        const lane = this.lane(e.workerId);
        lane.current = { id: e.id, startedAt: now ?? performance.now(), attempt: e.attempt, iteration: e.iteration };
        lane.down = false;
        break;
      }
      case 'test-end':
        this.testEnd(e.result);
        break;
      case 'worker-up': {
        const lane = this.lane(e.workerId);
        lane.pid = e.pid;
        lane.restarts = e.restarts;
        lane.down = false;
        break;
      }
      case 'worker-down': {
        if (e.expected) break;
        const lane = this.lane(e.workerId);
        lane.down = true;
        lane.current = undefined;
        this.log([[{ text: `[${e.workerId}] worker exited (${e.signal ?? `code ${e.code}`}); starting a replacement`, tone: 'yellow' }]]);
        break;
      }
      case 'worker-error':
        this.log([
          [
            { text: `[${e.workerId}] ERROR `, tone: 'red' },
            { text: `${errorLine(e.error)}${e.testId ? ` (during ${safe(e.testId)})` : e.file ? ` (in ${safe(e.file)})` : ''}` },
          ],
        ]);
        break;
      case 'collect-error':
        if (this.run) this.run.collectErrors++;
        this.log([[{ text: 'ERROR ', tone: 'red' }, { text: `collecting ${safe(e.error.file)}: ${errorLine(e.error.error)}` }]]);
        break;
      case 'run-end':
        this.runEnd(e.summary, now ?? performance.now());
        break;
      case 'stress-end':
        this.stressEnd(e.verdict);
        break;
      default:
        // Events this TUI does not show (newer engines may add some).
        return;
    }
    this.touch();
  };

  private runStart(e: Extract<RunEvent, { type: 'run-start' }>, now: number): void {
    // A run nobody here asked for (watch mode): show it all the same.
    const run = this.run && !this.run.startedAt && !this.run.summary ? this.run : this.newRun(e.mode === 'stress' ? 'stress' : e.mode === 'watch' ? 'watch' : 'all', e.mode, now);
    Object.assign(run, {
      mode: e.mode,
      startedAt: now,
      workers: e.workers,
      files: e.files,
      tests: e.tests,
      deselected: e.deselected,
      count: e.count,
      dist: e.dist,
      mark: e.mark,
      keyword: e.keyword,
    });
    this.run = run;
    if (this.phase === 'idle' || this.phase === 'starting') this.phase = 'running';
    this.busy = true;
    this.results = [];
    this.failures = [];
    this.perTest = new Map();
    this.resultsVersion++;
    if (this.picked) this.picked = undefined;
    for (let i = 0; i < e.workers; i++) this.lane(`gw${i}`);
    for (const lane of this.lanes.values()) {
      lane.current = undefined;
      lane.trail = [];
      lane.busyMs = 0;
      lane.tests = 0;
    }
    const lines: Line[] = [];
    for (; this.warningsShown < this.warnings.length; this.warningsShown++) lines.push([{ text: `qa: ${safe(this.warnings[this.warningsShown])}`, tone: 'yellow' }]);
    lines.push([{ text: `── ${runTitle(run)} · ${plural(e.tests, 'test')} in ${plural(e.files, 'file')}${e.deselected ? `, ${e.deselected} deselected` : ''} · ${plural(e.workers, 'worker')} ──`, tone: 'dim' }]);
    this.log(lines);
  }

  private testEnd(r: TestResult): void {
    const lane = this.lane(r.workerId);
    if (lane.current && lane.current.id === r.id) lane.current = undefined;
    lane.busyMs += r.durationMs;
    lane.tests++;
    lane.trail.push(markOf(r));
    if (lane.trail.length > 2 * TRAIL_KEEP) lane.trail = lane.trail.slice(-TRAIL_KEEP);
    const run = this.run;
    if (!run) return;
    run.sumMs += r.durationMs;
    if (r.willRetry) {
      run.retries++;
      return;
    }
    run.counts[r.status]++;
    run.done++;
    this.results.push(r);
    // A long stress run makes hundreds of thousands of results: the picker keeps the latest.
    if (this.results.length > 2 * RESULTS_KEPT) this.results = this.results.slice(-RESULTS_KEPT);
    this.resultsVersion++;
    const looped = run.count > 1;
    let logIt = r.status === 'failed';
    if (looped) {
      let t = this.perTest.get(r.id);
      if (!t) this.perTest.set(r.id, (t = { passed: 0, failed: 0, logged: 0 }));
      if (r.status === 'failed') {
        t.failed++;
        logIt = t.logged < LOOP_FAILURES_LOGGED;
        if (logIt) t.logged++;
      } else if (r.status === 'passed' || r.status === 'flaky') t.passed++;
    }
    if (r.status === 'failed') {
      if (this.failures.length < RESULTS_KEPT) this.failures.push(r);
      if (logIt) this.log(failureLines(r, run.count));
    }
  }

  private runEnd(s: RunSummary, now: number): void {
    const run = this.run ?? this.newRun('all', 'run', now);
    this.run = run;
    run.summary = s;
    run.endedAt = now;
    for (const lane of this.lanes.values()) lane.current = undefined;
    if (this.phase !== 'quitting') this.phase = 'idle';
    this.busy = false;
    this.log(summaryLines(run, s, this.perTest, this.results));
  }

  private stressEnd(v: StressVerdict): void {
    const run = this.run;
    if (run) run.verdict = v;
    // The command line replays only what it selected itself: not a loop, nor a stress rerun after m/k.
    const own = run?.kind === 'stress' && run.mark === this.initialFilter.mark && run.keyword === this.initialFilter.keyword;
    const body = verdictLines(v, own ? this.reproduce : undefined).map((line): Line => line.map((seg) => ({ ...seg, text: safe(seg.text) })));
    this.log([[{ text: `── verdict of ${run ? runTitle(run) : 'the stress run'} ──`, tone: 'bold' }], ...body]);
  }

  // ---------------------------------------------------------------- watch mode

  /** Folds one event of the watch controller (runs it starts, skips, errors, idle). */
  readonly applyWatch = (e: WatchEvent, now?: number): void => {
    const w = this.watch;
    if (!w) return;
    switch (e.type) {
      case 'watch-run': {
        this.begin('watch', now ?? performance.now());
        this.run!.fileFilter = this.filter.files;
        const what = describeRun(e);
        w.last = `${what} → ${plural(e.files.length, 'test file')}`;
        const shown = e.files.slice(0, 8).map(safe).join(', ') + (e.files.length > 8 ? `, … ${e.files.length - 8} more` : '');
        const lines: Line[] = [[{ text: `qa watch: ${what} · selected ${plural(e.files.length, 'test file')}${e.files.length ? `: ${shown}` : ''}`, tone: 'cyan' }]];
        if (e.dropped.length) lines.push([{ text: `qa watch: dropped the tests of ${e.dropped.map(safe).join(', ')}`, tone: 'dim' }]);
        this.log(lines);
        break;
      }
      case 'watch-skip':
        w.last = describeSkip(e);
        this.log([[{ text: `qa watch: ${w.last}`, tone: 'dim' }], ...(e.dropped.length ? [[{ text: `qa watch: dropped the tests of ${e.dropped.map(safe).join(', ')}`, tone: 'dim' as const }]] : [])]);
        break;
      case 'watch-error':
        if (this.run && !this.run.summary && !this.run.error && this.busy) {
          this.runFailed([e.message]);
          return;
        }
        this.log([[{ text: 'qa watch: error: ', tone: 'red' }, { text: safe(e.message) }]]);
        break;
      case 'watch-idle':
        w.failing = e.failing;
        w.collectErrors = e.collectErrors;
        // The picker lists what still fails from earlier runs too.
        this.resultsVersion++;
        this.settled();
        return;
    }
    this.touch();
  };

  /** Watch mode: the tests failing now, from this run or earlier ones, by id. */
  stillFailing(): TestResult[] {
    const failing = this.watch?.failing;
    if (!failing || failing.size === 0) return [];
    return [...failing.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  lane(id: string): Lane {
    let lane = this.lanes.get(id);
    if (!lane) {
      const n = /^gw(\d+)$/.exec(id);
      lane = { id, index: n ? Number(n[1]) : 1e6 + this.lanes.size, restarts: 0, down: false, trail: [], busyMs: 0, tests: 0 };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  /** Lanes in gw order. */
  laneList(): Lane[] {
    return [...this.lanes.values()].sort((a, b) => a.index - b.index);
  }

  // ---------------------------------------------------------------- finished output

  log(lines: Line[]): void {
    this.pendingLog.push({ key: ++this.logKey, lines });
  }

  note(text: string, tone?: Tone): void {
    this.log([[{ text: safe(text), ...(tone ? { tone } : {}) }]]);
    this.touch();
  }

  /** The log items not handed to <Static> yet. */
  drainLog(): LogItem[] {
    if (this.pendingLog.length === 0) return EMPTY_LOG;
    const items = this.pendingLog;
    this.pendingLog = [];
    return items;
  }

  /** Without draining: for tests. */
  peekLog(): readonly LogItem[] {
    return this.pendingLog;
  }

  // ---------------------------------------------------------------- the picker

  private pickCache: { version: number; list: TestResult[] } | undefined;

  /**
   * Results to pick from: failures first (in watch mode, then those still failing from earlier
   * runs), then flaky, then the rest, each in arrival order.
   */
  pickList(): TestResult[] {
    if (this.pickCache && this.pickCache.version === this.resultsVersion) return this.pickCache.list;
    const flaky: TestResult[] = [];
    const rest: TestResult[] = [];
    for (const r of this.results) if (r.status !== 'failed') (r.status === 'flaky' ? flaky : rest).push(r);
    const seen = new Set(this.results.map((r) => r.id));
    const earlier = this.stillFailing().filter((r) => !seen.has(r.id));
    const list = this.failures.concat(earlier, flaky, rest);
    this.pickCache = { version: this.resultsVersion, list };
    return list;
  }

  /** Moves the picker's cursor by `delta` (opening it on the first item). */
  movePick(delta: number): void {
    const list = this.pickList();
    if (list.length === 0) {
      this.picking = false;
      this.picked = undefined;
      this.message = { text: this.active ? 'no results yet' : 'nothing to pick: no test ran yet', tone: 'yellow' };
      this.touch();
      return;
    }
    const at = this.picked && this.picking ? list.indexOf(this.picked) : -1;
    const next = at < 0 ? (delta < 0 ? list.length - 1 : 0) : Math.min(list.length - 1, Math.max(0, at + delta));
    this.picking = true;
    this.picked = list[next];
    this.touch();
  }

  closePicker(): void {
    this.picking = false;
    this.touch();
  }

  // ---------------------------------------------------------------- small ui state changes

  setMessage(text: string, tone?: Tone): void {
    this.message = { text, ...(tone ? { tone } : {}) };
    this.touch();
  }

  setView(view: View): void {
    this.view = view;
    this.touch();
  }

  setPrompt(prompt: Prompt | undefined): void {
    this.prompt = prompt;
    this.touch();
  }

  /** `file::test` copies counted per test (loop and stress runs). */
  loopStats(): { passed: number; failed: number } | undefined {
    const run = this.run;
    if (!run || run.count <= 1) return undefined;
    return { passed: run.counts.passed + run.counts.flaky, failed: run.counts.failed };
  }
}

const EMPTY_LOG: LogItem[] = [];

export function runTitle(run: RunState): string {
  switch (run.kind) {
    case 'failed':
      return `rerun failed #${run.seq}`;
    case 'loop':
      return `loop #${run.seq}${run.target ? ` ${shortId(run.target)}` : ''} ×${run.count}`;
    case 'stress':
      return `stress #${run.seq} ×${run.count}`;
    case 'watch':
      return `watch #${run.seq}`;
    default:
      return `run #${run.seq}`;
  }
}

/** `loop #3`: the run's kind and number, without its target. */
export function runName(run: RunState): string {
  return runTitle({ ...run, target: undefined }).replace(/ ×\d+$/, '');
}

/** The filter a prompt edits. */
export function filterOf(f: Filter, kind: Exclude<PromptKind, 'loop'>): string | undefined {
  return kind === 'mark' ? f.mark : kind === 'keyword' ? f.keyword : f.files;
}

/** `files "api/" -m "smoke" -k "login"`, or `all tests`. */
export function selectionText(f: Filter): string {
  const parts: string[] = [];
  if (f.files) parts.push(`files "${safe(f.files)}"`);
  if (f.mark) parts.push(`-m "${safe(f.mark)}"`);
  if (f.keyword) parts.push(`-k "${safe(f.keyword)}"`);
  return parts.length ? parts.join(' ') : 'all tests';
}

function failureLines(r: TestResult, count: number): Line[] {
  const lines: Line[] = [
    [
      { text: '✗ FAILED ', tone: 'red' },
      { text: safe(displayId(r, count)) },
      { text: ` [${r.workerId}] ${ms(r.durationMs)}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}`, tone: 'dim' },
    ],
  ];
  if (r.error) lines.push([{ text: `    ${errorLine(r.error)}`, tone: 'red' }]);
  return lines;
}

function summaryLines(run: RunState, s: RunSummary, perTest: Map<string, { passed: number; failed: number }>, results: TestResult[]): Line[] {
  const lines: Line[] = [];
  // Stress runs and loops end with their verdict instead (stress-end comes next).
  if (perTest.size > 0 && run.mode !== 'stress') {
    // --count: the failure rate per test is the answer.
    const rows = [...perTest.entries()].sort((a, b) => b[1].failed - a[1].failed || a[0].localeCompare(b[0]));
    const shown = rows.slice(0, 10);
    for (const [id, t] of shown) {
      const total = t.passed + t.failed;
      lines.push([
        { text: t.failed ? '✗ ' : '✓ ', tone: t.failed ? 'red' : 'green' },
        { text: `${safe(id)} ` },
        { text: `${t.failed}/${total} failed (${pct(total ? t.failed / total : 0)})`, tone: t.failed ? 'red' : 'green' },
      ]);
    }
    if (rows.length > shown.length) lines.push([{ text: `  … ${rows.length - shown.length} more tests`, tone: 'dim' }]);
  }
  const flaky = results.filter((r) => r.status === 'flaky');
  for (const r of flaky.slice(0, 5)) lines.push([{ text: '~ FLAKY ', tone: 'yellow' }, { text: `${safe(displayId(r, run.count))} passed on attempt ${r.attempt}` }]);
  if (s.workers.length) {
    lines.push([{ text: `workers: ${s.workers.map((w) => `${w.workerId} ${plural(w.tests, 'test')} ${pct(w.utilization)}${w.restarts ? ` (restarted ${w.restarts}×)` : ''}`).join(' · ')}`, tone: 'dim' }]);
  }
  const slow = s.slowest[0];
  lines.push([
    {
      text: `wall ${ms(s.wallMs)} · test time ${ms(s.sumDurationsMs)} · speedup ${s.speedup.toFixed(2)}×${s.retries ? ` · ${plural(s.retries, 'retry').replace('retrys', 'retries')}` : ''}${slow ? ` · slowest ${ms(slow.durationMs)} ${safe(slow.id)}` : ''}`,
      tone: 'dim',
    },
  ]);
  if (s.stoppedBecause) lines.push([{ text: `${safe(s.stoppedBecause)}; ${notRunText(s)}`, tone: 'yellow' }]);
  const extra: Line = [];
  if (s.counts.flaky) extra.push({ text: `, ${s.counts.flaky} flaky`, tone: 'yellow' });
  if (s.counts.todo) extra.push({ text: `, ${s.counts.todo} todo` });
  if (s.collectErrors) extra.push({ text: `, ${plural(s.collectErrors, 'collection error')}`, tone: 'red' });
  if (s.deselected) extra.push({ text: `, ${s.deselected} deselected`, tone: 'dim' });
  if (s.total === 0 && !s.collectErrors) extra.push({ text: ', no tests ran', tone: 'yellow' });
  const tone: Tone = s.exitCode === 0 ? 'green' : s.exitCode === 5 ? 'yellow' : 'red';
  lines.push([{ text: `qa: ${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.skipped} skipped`, tone }, ...extra, { text: ` · ${runName(run)}`, tone: 'dim' }]);
  return lines;
}
