// What the keys do. Plain TypeScript: it drives the session (the same methods the headless
// frontend uses), or in watch mode the watch controller, and changes the store; the components
// only forward key presses here.
import { parseExpr } from '../core/expr.js';
import type { RunOverrides } from '../core/session.js';
import type { StressOptions, StressVerdict } from '../core/stress.js';
import type { RunEvent, RunSummary, TestResult } from '../core/types.js';
import { EXIT } from '../core/types.js';
import { safe } from '../report/format.js';
import type { WatchFilter, WatchListener, WatchScope } from '../watch/controller.js';
import { filterOf, selectionText, type Filter, type PromptKind, type RunKind, type TuiStore } from './store.js';
import { detailLines, wrapLine } from './text.js';

/** The session methods the TUI uses: the real Session, or a small fake in component tests. */
export interface SessionLike {
  readonly opts: { readonly mark?: string; readonly keyword?: string };
  on(listener: (e: RunEvent) => void): () => void;
  run(overrides?: RunOverrides): Promise<RunSummary>;
  rerunFailed(overrides?: RunOverrides): Promise<RunSummary>;
  stress(stress: StressOptions, overrides?: RunOverrides): Promise<{ summary: RunSummary; verdict: StressVerdict }>;
  lastFailedIds(): string[];
  cancel(): void;
  kill?(): void;
}

/** The watch controller's methods the TUI uses: the real WatchController, or a fake in component tests. */
export interface WatchLike {
  readonly busy: boolean;
  readonly scope: WatchScope;
  on(listener: WatchListener): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
  settled(): Promise<void>;
  runAll(): boolean;
  rerunFailed(): boolean;
  setScope(scope: WatchScope): void;
  setFilter(filter: WatchFilter): void;
  aside<T>(work: () => Promise<T>): Promise<T>;
}

/** What a key press looks like here (Ink's `useInput` arguments, normalised). */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  left?: boolean;
  right?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  enter?: boolean;
  escape?: boolean;
  backspace?: boolean;
  tab?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export interface ControllerOptions {
  mode: 'run' | 'stress' | 'watch';
  /** `qa stress`: every option of the command line (count, until-fail, duration, shuffle…). */
  stress?: StressOptions;
  /** `qa watch`: the watch controller starts the runs; keys ask it for more. */
  watch?: WatchLike;
  /** Keys can arrive: otherwise the first run's end is the end. */
  interactive: boolean;
  /** Rows the details view may scroll by a page. */
  pageRows?: () => number;
  /** Terminal width (details wrap to it). */
  cols?: () => number;
  now?: () => number;
}

export const DEFAULT_LOOP = 100;
/** A loop is a stress run of one test: its copies in order, no stop at the first failure. */
const LOOP: Omit<StressOptions, 'count'> = { untilFail: false, shuffle: false, seed: 0, serialCopies: false };
const MAX_LOOP = 1_000_000;

/** UsageError from the engine (checked by name: the TUI may be a separate bundle). */
function usageError(err: unknown): { message: string; detail: string[] } | undefined {
  if (err instanceof Error && err.name === 'UsageError') return { message: err.message, detail: (err as Error & { detail?: string[] }).detail ?? [] };
  return undefined;
}

const PRINTABLE = /[^\u0000-\u001f\u007f-\u009f]/gu;

export class Controller {
  /** Resolves with the exit code once the user has quit (or, without a terminal, after the first run). */
  readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  private exitCode: number = EXIT.noTests;
  private inFlight: Promise<void> | undefined;
  private finished = false;
  private readonly now: () => number;

  constructor(
    private session: SessionLike,
    private store: TuiStore,
    private opts: ControllerOptions,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.now = opts.now ?? (() => performance.now());
  }

  /** A run is under way: one this controller launched, or one the watch controller started. */
  get running(): boolean {
    return this.inFlight !== undefined || (this.opts.watch?.busy ?? false);
  }

  /** The first run: exactly what the command line asked for. */
  start(): void {
    const watch = this.opts.watch;
    if (watch) {
      watch.start().catch((err: unknown) => this.store.runFailed([`qa watch: ${err instanceof Error ? err.message : String(err)}`]));
      return;
    }
    this.launchAll({});
  }

  // ---------------------------------------------------------------- actions

  /** `a`: everything the current filter selects. */
  runAll(): void {
    const watch = this.opts.watch;
    if (watch) {
      if (!this.busyMessage() && !this.finished) watch.runAll();
      return;
    }
    const f = this.store.filter;
    this.launchAll({ mark: f.mark, keyword: f.keyword, lastFailed: false });
  }

  /** A run of the selection: `qa stress` stresses it again, with every option of its command line. */
  private launchAll(base: RunOverrides, onUsage?: () => void): void {
    const stress = this.opts.stress;
    if (this.opts.mode === 'stress' && stress) this.launch('stress', () => this.session.stress(stress, base).then((r) => r.summary), undefined, onUsage);
    else this.launch('all', () => this.session.run(base), undefined, onUsage);
  }

  /** `f`: the tests that failed last time, whatever the filter says now. */
  rerunFailed(): void {
    if (this.busyMessage()) return;
    const watch = this.opts.watch;
    const none = () => this.store.setMessage('nothing to rerun: no failures recorded', 'yellow');
    if (watch) {
      if (!watch.rerunFailed()) none();
      return;
    }
    if (this.session.lastFailedIds().length === 0) return none();
    this.launch('failed', () => this.session.rerunFailed({ mark: undefined, keyword: undefined }));
  }

  /** `l` then N: one test N times, copies spread over every worker at once, ending in a verdict. */
  loop(target: TestResult, times: number): void {
    // Only this test: no paths, filters or --lf from the command line, no retries hiding a race.
    const overrides: RunOverrides = { ids: [target.id], paths: [], mark: undefined, keyword: undefined, lastFailed: false, failedFirst: false, reruns: 0 };
    const stress = () => this.session.stress({ ...LOOP, count: times }, overrides);
    const watch = this.opts.watch;
    // In watch mode saves wait for the loop, and its copies leave the failing list alone.
    this.launch('loop', () => (watch ? watch.aside(stress) : stress()).then((r) => r.summary), target.id);
  }

  /** `w`: a save reruns only what it affects, or the whole selection. */
  private toggleScope(watch: WatchLike): void {
    const scope: WatchScope = watch.scope === 'all' ? 'affected' : 'all';
    watch.setScope(scope);
    this.store.watch!.scope = scope;
    this.store.setMessage(scope === 'all' ? 'on save: every test file reruns (w: only the affected ones)' : 'on save: only the test files a change affects rerun (w: all)', 'cyan');
  }

  /** `x`: stop the run; the tests in flight are cut and the summary says what ran. */
  cancel(): void {
    if (!this.running) {
      this.store.setMessage('nothing is running', 'dim');
      return;
    }
    if (this.store.phase !== 'quitting') this.store.phase = 'cancelling';
    this.store.message = undefined;
    this.session.cancel();
    this.store.touch();
  }

  /** `q`, Ctrl-C: stop a run in flight, then leave; a second press stops the workers at once. */
  quit(): void {
    if (this.finished) return;
    if (this.store.phase === 'quitting') {
      this.session.kill?.();
      this.finish(EXIT.interrupted);
      return;
    }
    this.store.phase = 'quitting';
    this.store.prompt = undefined;
    this.store.view = { kind: 'main' };
    this.store.message = undefined;
    this.store.touch();
    const watch = this.opts.watch;
    if (watch) {
      // Ending a watch is the normal way out (0); a run cut on the way is an interrupted run (2).
      const cut = this.running;
      if (cut) this.session.cancel();
      void (async () => {
        try {
          // Closed first: no save may start another run while this one winds down.
          await watch.close();
          await this.idle();
        } finally {
          this.finish(cut ? EXIT.interrupted : EXIT.ok);
        }
      })();
      return;
    }
    if (this.running) this.session.cancel();
    else this.finish(this.exitCode);
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveExit(code);
  }

  private busyMessage(): boolean {
    if (!this.running) return false;
    this.store.setMessage('a run is in progress: x cancels it', 'yellow');
    return true;
  }

  private launch(kind: RunKind, start: () => Promise<RunSummary>, target?: string, onUsage?: () => void): boolean {
    if (this.busyMessage() || this.finished) return false;
    this.store.begin(kind, this.now(), target);
    let promise: Promise<RunSummary>;
    try {
      promise = start();
    } catch (err) {
      promise = Promise.reject(err);
    }
    const done = promise.then(
      (summary) => {
        this.exitCode = summary.exitCode;
        this.store.settled();
      },
      (err: unknown) => {
        const usage = usageError(err);
        if (usage) {
          this.exitCode = EXIT.usage;
          onUsage?.();
          this.store.runFailed([usage.message, ...usage.detail]);
        } else {
          this.exitCode = EXIT.internal;
          const e = err instanceof Error ? err : new Error(String(err));
          this.store.runFailed([`internal error: ${e.message}`, ...(process.env.QA_DEBUG && e.stack ? e.stack.split('\n').slice(1) : [])]);
        }
      },
    );
    this.inFlight = done.finally(() => {
      this.inFlight = undefined;
      this.store.touch();
      // A watch ends only by quitting, and quit() says with which code.
      if (!this.opts.watch && (this.store.phase === 'quitting' || !this.opts.interactive)) this.finish(this.exitCode);
    });
    return true;
  }

  // ---------------------------------------------------------------- keys

  readonly key = (k: KeyPress): void => {
    if (this.finished) return;
    // Keys typed faster than a read (or pasted) arrive as one string: take them one by one.
    if (Array.from(k.input).length > 1 && !k.ctrl && !k.meta) {
      for (const ch of k.input) {
        if (ch === '\u007f' || ch === '\b') this.key({ input: '', backspace: true });
        else if (ch === '\r' || ch === '\n') this.key({ input: '', enter: true });
        else this.key({ input: ch });
      }
      return;
    }
    if (k.ctrl && k.input === 'c') {
      this.quit();
      return;
    }
    if (this.store.phase === 'quitting') {
      if (k.input === 'q') this.quit();
      return;
    }
    if (this.store.prompt) return this.promptKey(k);
    const view = this.store.view;
    if (view.kind === 'help') {
      this.store.setView({ kind: 'main' });
      if (k.escape || k.enter || k.input === 'h' || k.input === '?') return;
    } else if (view.kind === 'detail') {
      if (this.detailKey(k)) return;
    }
    this.mainKey(k);
  };

  private mainKey(k: KeyPress): void {
    const s = this.store;
    if (k.up || k.down || k.pageUp || k.pageDown) {
      s.message = undefined;
      const page = Math.max(1, (this.opts.pageRows?.() ?? 10) - 1);
      s.movePick(k.up ? -1 : k.down ? 1 : k.pageUp ? -page : page);
      return;
    }
    if (k.escape) {
      s.message = undefined;
      if (s.picking) s.closePicker();
      else s.touch();
      return;
    }
    if (k.enter) {
      if (s.picking && s.picked) this.showDetails(s.picked);
      else this.runAll();
      return;
    }
    if (k.ctrl || k.meta) return;
    switch (k.input) {
      case 'a':
        this.runAll();
        return;
      case 'f':
        this.rerunFailed();
        return;
      case 'm':
        this.openPrompt('mark');
        return;
      case 'k':
        this.openPrompt('keyword');
        return;
      case 'w':
        if (this.opts.watch) this.toggleScope(this.opts.watch);
        return;
      case 'p':
        if (this.opts.watch) this.openPrompt('files');
        return;
      case 't':
        // The test name filter is the keyword expression, under the key watch users look for.
        if (this.opts.watch) this.openPrompt('keyword');
        return;
      case 'c':
        this.clearFilters();
        return;
      case 'l':
        this.askLoop();
        return;
      case 'x':
        this.cancel();
        return;
      case 'h':
      case '?':
        s.message = undefined;
        s.setView({ kind: 'help' });
        return;
      case 'q':
        this.quit();
        return;
      default:
        return;
    }
  }

  /** Keys the details view keeps for itself; anything else closes it and acts as usual. */
  private detailKey(k: KeyPress): boolean {
    const v = this.store.view;
    if (v.kind !== 'detail') return false;
    // The details panel shows `body` lines; a page keeps one line of context.
    const body = Math.max(1, this.opts.pageRows?.() ?? 10);
    const page = Math.max(1, body - 1);
    const total = detailLines(v.result, v.count).flatMap((l) => wrapLine(l, this.opts.cols?.() ?? 80)).length;
    const maxTop = Math.max(0, total - body);
    let scroll: number | undefined;
    if (k.up) scroll = v.scroll - 1;
    else if (k.down) scroll = v.scroll + 1;
    else if (k.pageUp) scroll = v.scroll - page;
    else if (k.pageDown || k.input === ' ') scroll = v.scroll + page;
    else if (k.home) scroll = 0;
    else if (k.end) scroll = maxTop;
    if (scroll !== undefined) {
      this.store.setView({ ...v, scroll: Math.max(0, Math.min(maxTop, scroll)) });
      return true;
    }
    if (k.escape || k.enter || k.left || k.backspace) {
      this.store.setView({ kind: 'main' });
      return true;
    }
    if (k.input === 'l') {
      this.store.setView({ kind: 'main' });
      this.askLoop(v.result);
      return true;
    }
    this.store.view = { kind: 'main' };
    return false;
  }

  private showDetails(r: TestResult): void {
    this.store.message = undefined;
    this.store.setView({ kind: 'detail', result: r, count: this.store.run?.count ?? 1, scroll: 0 });
  }

  private clearFilters(): void {
    const s = this.store;
    const now = s.filter;
    const initial = s.initialFilter;
    const atInitial = now.mark === initial.mark && now.keyword === initial.keyword && now.files === initial.files;
    if (atInitial && !initial.mark && !initial.keyword) {
      s.setMessage('no filters to clear', 'dim');
      return;
    }
    s.filter = atInitial ? {} : { ...initial };
    this.opts.watch?.setFilter(s.filter);
    const none = !s.filter.mark && !s.filter.keyword;
    s.setMessage(none ? 'filters cleared: every test (a runs them)' : `filters back to how qa started: ${selectionText(s.filter)} (c again: none)`, 'cyan');
  }

  private askLoop(target?: TestResult): void {
    const s = this.store;
    if (this.busyMessage()) return;
    const picked = target ?? (s.picking ? s.picked : undefined);
    if (!picked) {
      if (s.pickList().length === 0) {
        s.setMessage('nothing to loop yet: run the tests first', 'yellow');
        return;
      }
      s.movePick(1);
      s.setMessage('pick the test to loop with ↑↓, then press l', 'cyan');
      return;
    }
    s.message = undefined;
    s.setPrompt({ kind: 'loop', text: '', target: picked });
  }

  private openPrompt(kind: PromptKind): void {
    this.store.message = undefined;
    this.store.setPrompt({ kind, text: '' });
  }

  private promptKey(k: KeyPress): void {
    const s = this.store;
    const p = s.prompt!;
    if (k.escape) {
      s.setPrompt(undefined);
      return;
    }
    if (k.enter) {
      this.submit();
      return;
    }
    if (k.backspace) {
      s.setPrompt({ ...p, text: Array.from(p.text).slice(0, -1).join(''), error: undefined });
      return;
    }
    if (k.ctrl && k.input === 'u') {
      s.setPrompt({ ...p, text: '', error: undefined });
      return;
    }
    if (k.up && p.kind !== 'loop') {
      const current = filterOf(s.filter, p.kind);
      s.setPrompt({ ...p, text: current ?? '', error: undefined });
      return;
    }
    if (k.ctrl || k.meta || k.up || k.down || k.tab) return;
    let text = (k.input.match(PRINTABLE) ?? []).join('');
    if (p.kind === 'loop') text = text.replace(/[^0-9]/g, '');
    if (!text) return;
    s.setPrompt({ ...p, text: p.text + text, error: undefined });
  }

  private submit(): void {
    const s = this.store;
    const p = s.prompt!;
    const text = p.text.trim();
    if (p.kind === 'loop') {
      const n = text === '' ? DEFAULT_LOOP : Number(text);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LOOP) {
        s.setPrompt({ ...p, error: [`the number of times must be between 1 and ${MAX_LOOP}`] });
        return;
      }
      s.setPrompt(undefined);
      s.picking = false;
      if (!this.busyMessage() && p.target) this.loop(p.target, n);
      return;
    }
    const flag = p.kind === 'mark' ? '-m' : p.kind === 'keyword' ? '-k' : 'files';
    if (text !== '' && p.kind !== 'files') {
      try {
        parseExpr(text, flag);
      } catch (err) {
        const usage = usageError(err);
        if (!usage) throw err;
        // The old filter stays; the prompt stays open to fix the expression.
        s.setPrompt({ ...p, error: [usage.message, ...usage.detail.map((l) => `   ${l}`)] });
        return;
      }
    }
    const previous: Filter = { ...s.filter };
    const next: Filter = { ...s.filter, [p.kind]: text || undefined };
    s.filter = next;
    s.setPrompt(undefined);
    const watch = this.opts.watch;
    // The watch controller starts runs on saves too: they take the new filter from now on.
    watch?.setFilter(next);
    if (this.running) {
      s.setMessage(`${flag} ${text ? `"${safe(text)}"` : '(none)'} applies to the next run (a)`, 'cyan');
      return;
    }
    if (watch) {
      this.runAll();
      return;
    }
    this.launchAll({ mark: next.mark, keyword: next.keyword, lastFailed: false }, () => {
      s.filter = previous;
    });
  }

  /** Waits for the run in flight (if any, the watch controller's too) to settle. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    await this.opts.watch?.settled();
  }
}
