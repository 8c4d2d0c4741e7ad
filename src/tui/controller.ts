// What the keys do. Plain TypeScript: it drives the session (the same methods the headless
// frontend uses) and changes the store; the components only forward key presses here.
import { parseExpr } from '../core/expr.js';
import type { RunOverrides } from '../core/session.js';
import type { RunEvent, RunSummary, TestResult } from '../core/types.js';
import { EXIT } from '../core/types.js';
import { safe } from '../report/format.js';
import type { Filter, PromptKind, RunKind, TuiStore } from './store.js';
import { detailLines, wrapLine } from './text.js';

/** The session methods the TUI uses: the real Session, or a small fake in component tests. */
export interface SessionLike {
  readonly opts: { readonly mark?: string; readonly keyword?: string };
  on(listener: (e: RunEvent) => void): () => void;
  run(overrides?: RunOverrides): Promise<RunSummary>;
  rerunFailed(overrides?: RunOverrides): Promise<RunSummary>;
  lastFailedIds(): string[];
  cancel(): void;
  kill?(): void;
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

export interface StressStart {
  count: number;
}

export interface ControllerOptions {
  mode: 'run' | 'stress';
  stress?: StressStart;
  /** Keys can arrive: otherwise the first run's end is the end. */
  interactive: boolean;
  /** Rows the details view may scroll by a page. */
  pageRows?: () => number;
  /** Terminal width (details wrap to it). */
  cols?: () => number;
  now?: () => number;
}

export const DEFAULT_LOOP = 100;
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

  get running(): boolean {
    return this.inFlight !== undefined;
  }

  /** The first run: exactly what the command line asked for. */
  start(): void {
    if (this.opts.mode === 'stress') this.launch('stress', this.stressOverrides({}));
    else this.launch('all', {});
  }

  // ---------------------------------------------------------------- actions

  /** `a`: everything the current filter selects. */
  runAll(): void {
    const f = this.store.filter;
    const base: RunOverrides = { mark: f.mark, keyword: f.keyword, lastFailed: false };
    if (this.opts.mode === 'stress') this.launch('stress', this.stressOverrides(base));
    else this.launch('all', base);
  }

  /** `qa stress`: every selected test `count` times, copies spread one by one (as headless does). */
  private stressOverrides(base: RunOverrides): RunOverrides {
    return { ...base, count: this.opts.stress?.count ?? DEFAULT_LOOP, dist: 'load', mode: 'stress' };
  }

  /** `f`: the tests that failed last time, whatever the filter says now. */
  rerunFailed(): void {
    if (this.busyMessage()) return;
    const failed = this.session.lastFailedIds();
    if (failed.length === 0) {
      this.store.setMessage('nothing to rerun: no failures recorded', 'yellow');
      return;
    }
    this.launch('failed', { mark: undefined, keyword: undefined }, undefined, true);
  }

  /** `l` then N: one test N times, copies spread over every worker at once. */
  loop(target: TestResult, times: number): void {
    this.launch(
      'loop',
      // Only this test: no paths, filters or --lf from the command line, no retries hiding a race.
      { ids: [target.id], paths: [], mark: undefined, keyword: undefined, lastFailed: false, failedFirst: false, count: times, dist: 'load', reruns: 0, maxFail: 0, mode: 'stress' },
      target.id,
    );
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

  private launch(kind: RunKind, overrides: RunOverrides, target?: string, failed = false, onUsage?: () => void): boolean {
    if (this.busyMessage() || this.finished) return false;
    this.store.begin(kind, this.now(), target);
    let promise: Promise<RunSummary>;
    try {
      promise = failed ? this.session.rerunFailed(overrides) : this.session.run(overrides);
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
      if (this.store.phase === 'quitting' || !this.opts.interactive) this.finish(this.exitCode);
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
    const atInitial = now.mark === initial.mark && now.keyword === initial.keyword;
    if (atInitial && !initial.mark && !initial.keyword) {
      s.setMessage('no filters to clear', 'dim');
      return;
    }
    s.filter = atInitial ? {} : { ...initial };
    const none = !s.filter.mark && !s.filter.keyword;
    s.setMessage(none ? 'filters cleared: every test (a runs them)' : `filters back to how qa started: ${describe(s.filter)} (c again: none)`, 'cyan');
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
      const current = p.kind === 'mark' ? s.filter.mark : s.filter.keyword;
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
    const flag = p.kind === 'mark' ? '-m' : '-k';
    if (text !== '') {
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
    const next: Filter = p.kind === 'mark' ? { ...s.filter, mark: text || undefined } : { ...s.filter, keyword: text || undefined };
    s.filter = next;
    s.setPrompt(undefined);
    if (this.running) {
      s.setMessage(`${flag} ${text ? `"${safe(text)}"` : '(none)'} applies to the next run (a)`, 'cyan');
      return;
    }
    const base: RunOverrides = { mark: next.mark, keyword: next.keyword, lastFailed: false };
    const revert = () => {
      s.filter = previous;
    };
    if (this.opts.mode === 'stress') this.launch('stress', this.stressOverrides(base), undefined, false, revert);
    else this.launch('all', base, undefined, false, revert);
  }

  /** Waits for the run in flight (if any) to settle. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}

function describe(f: Filter): string {
  const parts: string[] = [];
  if (f.mark) parts.push(`-m "${safe(f.mark)}"`);
  if (f.keyword) parts.push(`-k "${safe(f.keyword)}"`);
  return parts.join(' ') || 'no filter';
}
