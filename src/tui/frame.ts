// From store to screen at a capped rate. The publisher turns the store into an immutable Frame at
// most every FRAME_MS (and every SPIN_MS while a run is under way, for the one shared spinner
// clock), and hands finished log items to <Static> in batches. React subscribes to the publisher,
// never to the event stream: however many events arrive, there is at most one commit per frame.
// buildFrame also does the layout: the live region always stays shorter than the terminal.
import { notRunText, pct, safe } from '../report/format.js';
import { filterOf, runName, runTitle, selectionText, type Lane, type LogItem, type TuiStore } from './store.js';
import {
  clock,
  detailLines,
  fitLine,
  lineWidth,
  MARK_CHAR,
  MARK_TONE,
  padLine,
  paintLine,
  plural,
  shortId,
  shortName,
  spinnerAt,
  STATUS_TONE,
  textWidth,
  truncateMiddle,
  wrapLine,
  type Line,
  type Mark,
  type Seg,
  type Tone,
} from './text.js';

/** At most one frame per FRAME_MS while events stream in (25 fps). */
export const FRAME_MS = 40;
/** While a run is under way and nothing else changes, the spinner and clocks still move. */
export const SPIN_MS = 80;
/**
 * Frames are also spaced so that drawing them (React commit, Ink layout and output) takes at most
 * this share of one core: on a busy machine every millisecond here is taken from the workers.
 */
export const CPU_BUDGET = 0.03;
/** However slow the terminal, a run in progress is redrawn at least this often. */
export const MAX_FRAME_MS = 250;
/** A run's first moments (discovery, worker start, collection) get no spinner-only frames. */
export const QUIET_START_MS = 600;
/** Log items per <Static> generation: a new generation starts a fresh (small) items array. */
const LOG_GENERATION = 200;

export interface Size {
  rows: number;
  cols: number;
}

export interface LaneView {
  id: string;
  glyph: string;
  glyphTone?: Tone;
  name: string;
  nameTone?: Tone;
  /** Right-hand columns: the running test's clock, utilization, restarts. */
  right: Seg[];
  trail: Mark[];
}

export interface Frame {
  seq: number;
  size: Size;
  /** The live region, one entry per terminal row, each fitted to the width (plain text). */
  lines: Line[];
  /** The same rows as strings for Ink: styled unless NO_COLOR. */
  rows: string[];
  /** Rows of the live region (always < size.rows). */
  height: number;
}

export interface LogBatch {
  /** A new generation remounts <Static> with a fresh items array. */
  generation: number;
  items: LogItem[];
}

/** The help bar: the keys that do something now; `? help` and `q quit` always fit. */
function helpEntries(store: TuiStore): Array<[string, string]> {
  if (store.prompt) return store.prompt.kind === 'loop' ? [['enter', 'start'], ['esc', 'cancel']] : [['enter', 'apply'], ['esc', 'cancel'], ['↑', 'current'], ['ctrl-u', 'clear']];
  if (store.view.kind === 'detail') return [['↑↓', 'scroll'], ['esc', 'back'], ['l', 'loop this test'], ['q', 'quit']];
  if (store.view.kind === 'help') return [];
  if (store.picking) return [['enter', 'details'], ['l', 'loop'], ['esc', 'close'], ['a', 'run all'], ['f', 'failed'], ['?', 'help'], ['q', 'quit']];
  const w = store.watch;
  // In watch mode the scope key says what pressing it switches to.
  const scope: [string, string] | undefined = w ? ['w', w.scope === 'all' ? 'affected' : 'all on save'] : undefined;
  if (store.active) return w ? [['x', 'cancel'], ['↑↓', 'pick'], scope!, ['p', 'files'], ['t', 'test name'], ['?', 'help'], ['q', 'quit']] : [['x', 'cancel'], ['↑↓', 'pick'], ['m', 'mark'], ['k', 'keyword'], ['?', 'help'], ['q', 'quit']];
  if (w) return [['a', 'run all'], ['f', 'failed'], scope!, ['p', 'files'], ['t', 'test name'], ['↑↓', 'pick'], ['l', 'loop'], ['m', 'mark'], ['c', 'clear'], ['?', 'help'], ['q', 'quit']];
  return [['a', 'run all'], ['f', 'failed'], ['m', 'mark'], ['k', 'keyword'], ['c', 'clear'], ['↑↓', 'pick'], ['l', 'loop'], ['?', 'help'], ['q', 'quit']];
}

export const HELP_LINES: Array<[string, string]> = [
  ['a, enter', 'run all tests with the current filter'],
  ['f', 'rerun only the tests that failed last time'],
  ['m', 'marker filter, e.g.  smoke and not slow   (empty: no -m)'],
  ['k', 'keyword filter on file, describe and test names, e.g.  login or cart'],
  ['c', 'clear the filters (press again to drop the configured -m/-k too)'],
  ['↑ ↓', 'pick a test, failures first; enter shows its error, diff and output'],
  ['l', 'loop the picked test N times across all workers (default 100)'],
  ['x', 'cancel the current run (what ran is summarised)'],
  ['esc', 'close a prompt, the details, the picker or this help'],
  ['h, ?', 'this help'],
  ['q, ctrl-c', 'quit (twice: stop the workers at once)'],
];

/** `qa watch` has these too (after `f`). */
export const WATCH_HELP_LINES: Array<[string, string]> = [
  ['w', 'on save: rerun only the affected test files, or all of them'],
  ['p', 'file filter: only test files whose path contains it (or matches a glob) run'],
  ['t', 'test name filter (the -k keyword expression), e.g.  login or cart'],
];

function helpLines(store: TuiStore): Array<[string, string]> {
  if (!store.watch) return HELP_LINES;
  const at = HELP_LINES.findIndex(([k]) => k === 'f') + 1;
  return [...HELP_LINES.slice(0, at), ...WATCH_HELP_LINES, ...HELP_LINES.slice(at)];
}

function helpBar(store: TuiStore, cols: number): Line {
  const entries = helpEntries(store);
  const width = ([k, what]: [string, string]) => textWidth(k) + 1 + textWidth(what);
  const essential = entries.filter(([k]) => k === '?' || k === 'q');
  // n entries take their widths plus two spaces between each.
  let room = cols + 2 - essential.reduce((n, e) => n + width(e) + 2, 0);
  const shown = entries.filter((e) => {
    if (essential.includes(e)) return true;
    if (width(e) + 2 > room) return false;
    room -= width(e) + 2;
    return true;
  });
  const line: Line = [];
  for (const [key, what] of shown) {
    if (line.length) line.push({ text: '  ' });
    line.push({ text: key, tone: 'bold' }, { text: ` ${what}`, tone: 'dim' });
  }
  return line;
}

function trailWidthFor(cols: number): number {
  return cols >= 140 ? 30 : cols >= 110 ? 20 : cols >= 90 ? 14 : cols >= 70 ? 10 : 5;
}

function countSeg(n: number, label: string, tone: Tone): Seg[] {
  return [{ text: `${n} ${label}`, tone: n > 0 ? tone : 'dim' }, { text: '  ' }];
}

function laneView(store: TuiStore, lane: Lane, now: number, active: boolean, trailWidth: number): LaneView {
  const run = store.run;
  const right: Seg[] = [];
  let glyph = '·';
  let glyphTone: Tone | undefined = 'dim';
  let name: string;
  let nameTone: Tone | undefined;
  let running = 0;
  if (lane.down) {
    glyph = '✗';
    glyphTone = 'yellow';
    name = 'worker exited; starting a replacement';
    nameTone = 'yellow';
  } else if (lane.current) {
    glyph = spinnerAt(now);
    glyphTone = 'cyan';
    const c = lane.current;
    running = now - c.startedAt;
    name = shortId(c.id) + (run && run.count > 1 ? ` [${c.iteration}/${run.count}]` : '') + (c.attempt > 1 ? ` (attempt ${c.attempt})` : '');
    right.push({ text: clock(running).padStart(6), tone: running > 5000 ? 'yellow' : undefined });
  } else {
    name = active ? 'idle' : lane.tests ? plural(lane.tests, 'test') : '';
    nameTone = 'dim';
    right.push({ text: '      ' });
  }
  let util = '';
  const summary = run?.summary?.workers.find((w) => w.workerId === lane.id);
  if (summary) util = pct(summary.utilization);
  else if (run?.startedAt !== undefined) {
    const span = (run.endedAt ?? now) - run.startedAt;
    util = span > 0 ? pct(Math.min(1, (lane.busyMs + running) / span)) : '';
  }
  right.push({ text: ` ${util.padStart(4)}`, tone: 'dim' });
  if (lane.restarts) right.push({ text: ` ↻${lane.restarts}`, tone: 'yellow' });
  return { id: lane.id, glyph, glyphTone, name, nameTone, right, trail: lane.trail.slice(-trailWidth) };
}

function titleLine(store: TuiStore): Line {
  const run = store.run;
  const line: Line = [{ text: 'qa', tone: 'bold' }, { text: ` ${store.version}  `, tone: 'dim' }];
  if (store.configSource) line.push({ text: `${store.configSource}  `, tone: 'dim' });
  line.push({ text: run ? runTitle(run) : 'ready', tone: 'bold' });
  // A rerun of failures or a loop names its own tests; otherwise the filter says what runs.
  if (!run || run.kind === 'all' || run.kind === 'stress' || run.kind === 'watch') {
    // What this run selected once it started; before that, the filter it was asked with.
    const selection = run?.startedAt !== undefined ? { mark: run.mark, keyword: run.keyword, files: run.fileFilter } : store.filter;
    line.push({ text: ' · ', tone: 'dim' }, { text: selectionText(selection), tone: 'cyan' });
  }
  if (run?.startedAt !== undefined) {
    line.push({ text: ` · ${run.workers} worker${run.workers === 1 ? '' : 's'} · ${run.dist ?? ''}`, tone: 'dim' });
  }
  return line;
}

function countersLine(store: TuiStore, now: number): Line {
  const run = store.run;
  if (!run) return [{ text: 'no run yet', tone: 'dim' }];
  if (run.startedAt === undefined && !run.summary) {
    if (run.error) return [{ text: 'the run did not start', tone: 'red' }];
    return [
      { text: `${spinnerAt(now)} `, tone: 'cyan' },
      { text: `discovering and collecting tests… ${clock(now - run.requestedAt)}`, tone: 'dim' },
    ];
  }
  const c = run.counts;
  const line: Line = [
    ...countSeg(c.passed, 'passed', 'green'),
    ...countSeg(c.failed, 'failed', 'red'),
    ...countSeg(c.flaky, 'flaky', 'yellow'),
    ...countSeg(c.skipped + c.todo, 'skipped', 'yellow'),
  ];
  if (run.count > 1 && run.done > 0) line.push({ text: `(${pct(c.failed / run.done)} failed)  `, tone: c.failed ? 'red' : 'dim' });
  const left = Math.max(0, run.tests - run.done);
  if (!run.summary) line.push({ text: `${left} remaining  `, tone: 'bold' });
  else if (run.summary.notRun || run.summary.filesNotCollected) line.push({ text: `${notRunText(run.summary)}  `, tone: 'yellow' });
  const wall = run.summary ? run.summary.wallMs : now - run.requestedAt;
  const speedup = run.summary ? run.summary.speedup : wall > 0 ? run.sumMs / wall : 0;
  line.push({ text: clock(wall), tone: 'bold' }, { text: `  speedup ${speedup.toFixed(2)}×`, tone: 'dim' });
  return line;
}

/** Watch mode: what a save reruns, and what the latest save (or key) started. */
function watchLine(store: TuiStore): Line {
  const w = store.watch!;
  const line: Line = [
    { text: 'on save: ', tone: 'dim' },
    { text: w.scope === 'all' ? 'all test files' : 'affected test files', tone: 'bold' },
  ];
  if (w.last) line.push({ text: ` · last: ${w.last}`, tone: 'dim' });
  return line;
}

/** Watch mode: what fails now, from whichever run last ran it, until it passes. */
function failingPanel(store: TuiStore, rows: number, want: number): Line[] {
  if (rows <= 0) return [];
  const failing = store.stillFailing();
  const broken = [...(store.watch?.collectErrors ?? [])].sort();
  const out: Line[] = [];
  if (failing.length) {
    out.push([{ text: `still failing (${failing.length}):`, tone: 'red' }]);
    const room = rows - 1 - (broken.length ? 1 : 0);
    const shown = failing.length > room ? Math.max(0, room - 1) : failing.length;
    for (const r of failing.slice(0, shown)) {
      out.push([
        { text: '  ✗ ', tone: 'red' },
        { text: shortName(r) },
        { text: `  [${r.workerId}]${r.error ? ` ${safe(r.error.message.split('\n')[0] ?? '')}` : ''}`, tone: 'dim' },
      ]);
    }
    if (shown < failing.length) out.push([{ text: `  … ${failing.length - shown} more (↑↓ to pick them)`, tone: 'dim' }]);
  }
  if (broken.length) out.push([{ text: `files that do not import: ${broken.map(safe).join(', ')}`, tone: 'red' }]);
  return out.slice(0, Math.min(rows, want));
}

/** Rows the failing panel would like: a heading, up to six failures, the import errors. */
function failingWant(store: TuiStore): number {
  const n = store.watch?.failing?.size ?? 0;
  const broken = store.watch?.collectErrors?.size ? 1 : 0;
  return (n ? 1 + Math.min(n, 6) : 0) + broken;
}

function statusLine(store: TuiStore, now: number): Line {
  if (store.message) return [{ text: store.message.text, ...(store.message.tone ? { tone: store.message.tone } : {}) }];
  const run = store.run;
  switch (store.phase) {
    case 'starting':
      return [{ text: 'starting… (x cancels)', tone: 'dim' }];
    case 'running':
      return [
        { text: `${spinnerAt(now)} `, tone: 'cyan' },
        { text: run?.counts.failed ? `${run.counts.failed} failed so far (↑↓ to inspect) · x cancels` : 'running · x cancels', tone: 'dim' },
      ];
    case 'cancelling':
      return [{ text: 'cancelling: cutting the tests in flight…', tone: 'yellow' }];
    case 'quitting':
      return [{ text: store.active ? 'quitting: stopping the run (q again: stop the workers now)…' : 'bye', tone: 'yellow' }];
    default:
      break;
  }
  if (!run) return [{ text: 'ready: a runs the tests', tone: 'dim' }];
  if (run.error) return [{ text: `error: ${safe(run.error)}`, tone: 'red' }];
  const s = run.summary;
  if (store.watch) {
    const failing = store.watch.failing?.size ?? 0;
    return [
      { text: 'waiting for changes', tone: 'bold' },
      ...(s ? [{ text: ` · ${runName(run)} exit ${s.exitCode}`, tone: s.exitCode === 0 ? ('green' as const) : s.exitCode === 5 ? ('yellow' as const) : ('red' as const) }] : []),
      { text: ` · ${failing ? `f reruns ${plural(failing, 'failing test')} · ` : ''}a runs all · save a file to rerun what it affects`, tone: 'dim' },
    ];
  }
  if (!s) return [{ text: 'ready', tone: 'dim' }];
  const tips: string[] = [];
  const failedIds = run.count > 1 ? new Set(store.failures.map((r) => r.id)).size : store.failures.length;
  if (failedIds) tips.push(`f reruns ${failedIds === 1 ? 'the failed test' : `${failedIds} failed tests`}`, '↑↓ inspect', 'l loops one');
  else tips.push('a runs again', '↑↓ pick a test', 'l loops it');
  return [
    { text: `done in ${clock(s.wallMs)}`, tone: 'bold' },
    { text: ` · exit ${s.exitCode} · `, tone: s.exitCode === 0 ? 'green' : s.exitCode === 5 ? 'yellow' : 'red' },
    { text: tips.join(' · '), tone: 'dim' },
  ];
}

function promptLine(store: TuiStore, cols: number, color: boolean): Line | undefined {
  const p = store.prompt;
  if (!p) return undefined;
  let label: string;
  let hint: string;
  switch (p.kind) {
    case 'mark':
    case 'keyword':
    case 'files': {
      const now = filterOf(store.filter, p.kind);
      label = p.kind === 'mark' ? '-m › ' : p.kind === 'keyword' ? '-k › ' : 'files › ';
      hint = `  now: ${now ? safe(now) : 'none'}${p.kind === 'files' ? ' · part of a path, or a glob' : ''} · ↑ edits it · empty: none · esc cancels`;
      break;
    }
    case 'loop':
      label = 'loop × ';
      hint = `  times (default 100) · ${p.target ? shortName(p.target) : ''} · esc cancels`;
      break;
  }
  // What is typed stays visible: a long input shows its end, the hint gives way first.
  const room = Math.max(1, cols - textWidth(label) - 1);
  const typed = textWidth(p.text) > room ? '…' + truncateStartCells(p.text, room - 1) : p.text;
  const cursor: Seg = color ? { text: ' ', tone: 'inverse' } : { text: '_' };
  return fitLine([{ text: label, tone: 'bold' }, { text: typed }, cursor, { text: hint, tone: 'dim' }], cols);
}

function truncateStartCells(text: string, width: number): string {
  const chars = Array.from(text);
  let w = 0;
  let i = chars.length;
  while (i > 0 && w + textWidth(chars[i - 1]) <= width) w += textWidth(chars[--i]);
  return chars.slice(i).join('');
}

function pickerPanel(store: TuiStore, rows: number, count: number): Line[] {
  const list = store.pickList();
  if (rows <= 0 || list.length === 0) return [];
  const at = Math.max(0, store.picked ? list.indexOf(store.picked) : 0);
  const out: Line[] = [[{ text: `pick a test (${at + 1}/${list.length}): ↑↓ move · enter details · l loop · esc close`, tone: 'dim' }]];
  const n = Math.min(rows - 1, list.length);
  let first = Math.max(0, at - Math.floor(n / 2));
  first = Math.min(first, Math.max(0, list.length - n));
  for (let i = first; i < first + n; i++) {
    const r = list[i];
    const cur = i === at;
    const label = r.status === 'failed' ? '✗' : r.status === 'flaky' ? '~' : r.status === 'passed' ? '✓' : '○';
    out.push([
      { text: cur ? '› ' : '  ', tone: 'bold' },
      { text: `${label} `, tone: STATUS_TONE[r.status] },
      { text: `${shortName(r)}${count > 1 ? ` [${r.iteration}/${count}]` : ''}`, ...(cur ? { tone: 'bold' as const } : {}) },
      { text: `  [${r.workerId}]${r.error ? ` ${safe(r.error.message.split('\n')[0] ?? '')}` : ''}`, tone: 'dim' },
    ]);
  }
  return out;
}

/** Detail lines wrapped to the width: cached per (result, width). */
const detailCache = new WeakMap<object, { cols: number; lines: Line[] }>();

export function detailRows(store: TuiStore, cols: number): Line[] {
  const v = store.view;
  if (v.kind !== 'detail') return [];
  const hit = detailCache.get(v.result);
  if (hit && hit.cols === cols) return hit.lines;
  const lines = detailLines(v.result, v.count).flatMap((l) => wrapLine(l, cols));
  detailCache.set(v.result, { cols, lines });
  return lines;
}

function detailPanel(store: TuiStore, rows: number, cols: number): Line[] {
  const v = store.view;
  if (v.kind !== 'detail' || rows <= 0) return [];
  const all = detailRows(store, cols);
  const body = Math.max(0, rows - 1);
  const top = Math.max(0, Math.min(v.scroll, Math.max(0, all.length - body)));
  const out = all.slice(top, top + body);
  const pos = all.length > body ? ` lines ${top + 1}-${Math.min(all.length, top + body)} of ${all.length} (↑↓ pgup pgdn) ──` : '';
  out.push([{ text: `──${pos}`, tone: 'dim' }]);
  return out;
}

function helpPanel(store: TuiStore, rows: number): Line[] {
  const lines: Line[] = [[{ text: 'keys', tone: 'bold' }]];
  for (const [k, what] of helpLines(store)) lines.push([{ text: `  ${k.padEnd(11)}`, tone: 'bold' }, { text: what }]);
  lines.push([{ text: 'any key closes this help', tone: 'dim' }]);
  return lines.slice(0, Math.max(0, rows));
}

/** A lane as one row: `gw0 ⠋ name…name   1.2s  93% ✓✓✗✓`, right-hand columns aligned. */
function laneLine(v: LaneView, cols: number, trailWidth: number): Line {
  const prefix: Line = [{ text: v.id, tone: 'bold' }, { text: ' ' }, { text: v.glyph, ...(v.glyphTone ? { tone: v.glyphTone } : {}) }, { text: ' ' }];
  let width = trailWidth;
  let nameRoom = cols - lineWidth(prefix) - lineWidth(v.right) - 1 - width;
  if (nameRoom < 12) {
    // A narrow terminal: the trail gives way to the name.
    width = Math.max(0, width - (12 - nameRoom));
    nameRoom = cols - lineWidth(prefix) - lineWidth(v.right) - 1 - width;
  }
  const trail: Line = [];
  const marks = v.trail.slice(-width);
  if (width > 0) trail.push({ text: ' '.repeat(1 + width - marks.length) });
  for (let i = 0; i < marks.length; ) {
    let j = i;
    while (j < marks.length && marks[j] === marks[i]) j++;
    trail.push({ text: MARK_CHAR[marks[i]].repeat(j - i), tone: MARK_TONE[marks[i]] });
    i = j;
  }
  const name = truncateMiddle(v.name, Math.max(0, nameRoom));
  const line: Line = [...prefix, { text: name, ...(v.nameTone ? { tone: v.nameTone } : {}) }];
  return fitLine([...padLine(line, cols - lineWidth(v.right) - lineWidth(trail)), ...v.right, ...trail], cols);
}

export interface BuildOptions {
  color?: boolean;
  seq?: number;
}

/** One frame of the live region, laid out for `size`. Pure: the same inputs give the same frame. */
export function buildFrame(store: TuiStore, now: number, size: Size, opts: BuildOptions = {}): Frame {
  const rows = Math.max(4, size.rows);
  const cols = Math.max(20, size.cols);
  const color = opts.color ?? false;
  const prompt = promptLine(store, cols, color);
  const promptError: Line[] = store.prompt?.error ? store.prompt.error.map((t, i) => [{ text: safe(t), ...(i === 0 ? { tone: 'red' as const } : {}) }]) : [];
  // Strictly shorter than the terminal: a live region as tall as the screen redraws everything.
  const budget = rows - 1;
  let showTitle = true;
  let showHelp = store.phase !== 'quitting';
  let showWatch = store.watch !== undefined;
  let avail = budget - 1 - (showTitle ? 1 : 0) - (showWatch ? 1 : 0) - 1 - promptError.length - (showHelp ? 1 : 0);
  if (avail < 1 && showWatch) {
    showWatch = false;
    avail++;
  }
  if (avail < 1 && showHelp) {
    showHelp = false;
    avail++;
  }
  if (avail < 1) {
    showTitle = false;
    avail++;
  }
  while (avail < 0 && promptError.length) {
    promptError.pop();
    avail++;
  }
  avail = Math.max(0, avail);

  const active = store.active;
  const trailWidth = trailWidthFor(cols);
  const lines: Line[] = [];
  if (showTitle) lines.push(titleLine(store));
  lines.push(countersLine(store, now));
  if (showWatch) lines.push(watchLine(store));
  const view = store.view;
  if (view.kind === 'help') lines.push(...helpPanel(store, avail));
  else if (view.kind === 'detail') lines.push(...detailPanel(store, avail, cols));
  else {
    const all = store.laneList();
    const pickWant = store.picking ? Math.min(store.pickList().length, 8) + 1 : 0;
    const pickMin = Math.min(pickWant, 4);
    const failWant = failingWant(store);
    const laneRoom = Math.max(0, avail - pickMin - Math.min(failWant, 3));
    let shown = all.length;
    let more: Line | undefined;
    if (all.length > laneRoom) {
      shown = Math.max(0, laneRoom - 1);
      const hidden = all.slice(shown);
      const busy = hidden.filter((l) => l.current).length;
      more = [{ text: `+${hidden.length} more worker${hidden.length === 1 ? '' : 's'}${busy ? ` (${busy} busy)` : ''}`, tone: 'dim' }];
    }
    for (const lane of all.slice(0, shown)) lines.push(laneLine(laneView(store, lane, now, active, trailWidth), cols, trailWidth));
    if (more) lines.push(more);
    const failRows = Math.min(failWant, avail - shown - (more ? 1 : 0) - pickMin);
    lines.push(...failingPanel(store, failRows, failWant));
    const pickRows = Math.min(pickWant, avail - shown - (more ? 1 : 0) - Math.max(0, failRows));
    if (store.picking) lines.push(...pickerPanel(store, pickRows, store.run?.count ?? 1));
  }
  lines.push(prompt ?? statusLine(store, now));
  lines.push(...promptError);
  if (showHelp) lines.push(helpBar(store, cols));
  const fitted = lines.map((l) => fitLine(l, cols));
  return { seq: opts.seq ?? 0, size: { rows, cols }, lines: fitted, rows: fitted.map((l) => (l.length ? paintLine(l, color) : ' ')), height: fitted.length };
}

export interface PublisherOptions {
  size: () => Size;
  /** Styled rows (false with NO_COLOR). */
  color?: boolean;
  now?: () => number;
  frameMs?: number;
  spinMs?: number;
}

/**
 * Holds the latest Frame and log batch for React (useSyncExternalStore), rebuilt from the store at
 * most every `frameMs`. Store changes only mark it dirty; a timer does the rest.
 */
export class Publisher {
  private frame: Frame;
  private logBatch: LogBatch = { generation: 0, items: [] };
  private frameListeners = new Set<() => void>();
  private logListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private last = -Infinity;
  private dirty = false;
  private seq = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly frameMs: number;
  private readonly spinMs: number;
  /** Frames built so far, and the time spent building and committing them (QA_TUI_STATS). */
  frames = 0;
  busyMs = 0;
  /** Time Ink reported for drawing frames (its own throttled render, outside our commit). */
  renderMs = 0;
  /** Recent cost of one frame, all included (ms, moving average). */
  private cost = 0;
  private renderSince = 0;
  private wasActive = false;

  constructor(
    private store: TuiStore,
    private opts: PublisherOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.frameMs = opts.frameMs ?? FRAME_MS;
    this.spinMs = opts.spinMs ?? SPIN_MS;
    this.frame = buildFrame(store, this.now(), opts.size(), { color: opts.color ?? false });
    store.onChange = this.invalidate;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  };

  readonly subscribeLog = (listener: () => void): (() => void) => {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  };

  readonly getFrame = (): Frame => this.frame;
  readonly getLog = (): LogBatch => this.logBatch;

  /**
   * The store changed: a frame within the current interval. Called per event, so it mostly sets
   * a flag; a run starting or ending is drawn at once (the summary must not wait for a slowed
   * frame clock: the user is waiting for it).
   */
  readonly invalidate = (): void => {
    if (this.store.active !== this.wasActive) {
      this.wasActive = this.store.active;
      this.soon();
      return;
    }
    this.dirty = true;
    if (this.timer === undefined && this.immediate === undefined && !this.stopped) this.schedule(this.interval - (this.now() - this.last));
  };

  /** A key was pressed or the terminal resized: a frame now (coalesced within one tick). */
  readonly soon = (): void => {
    this.dirty = true;
    if (this.immediate !== undefined || this.stopped) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.publish();
    });
  };

  /** Ink drew a frame in `ms` (its onRender metrics). */
  readonly addRenderCost = (ms: number): void => {
    this.renderMs += ms;
    this.renderSince += ms;
  };

  /** The pause between frames now: FRAME_MS, stretched when frames are expensive. */
  get interval(): number {
    return Math.min(MAX_FRAME_MS, Math.max(this.frameMs, this.cost / CPU_BUDGET));
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(this.tick, Math.max(0, delay));
    this.timer.unref?.();
  }

  /**
   * How often the spinner and clocks move while nothing else changes (undefined: they don't).
   * While workers start and import the test files, the first moments stay still: that is when
   * Ink is still warming up and every frame costs the most, at the workers' expense.
   */
  private spinEvery(now: number): number | undefined {
    if (!this.store.active) return undefined;
    const spin = Math.max(this.spinMs, this.interval);
    const run = this.store.run;
    if (this.store.phase === 'starting' && run) return now - run.requestedAt < QUIET_START_MS ? undefined : Math.max(spin, 250);
    return spin;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    const now = this.now();
    const since = now - this.last;
    const spin = this.spinEvery(now);
    if (this.dirty || (spin !== undefined && since >= spin)) this.publish();
    else if (this.store.active) this.schedule(spin === undefined ? this.interval : spin - since);
  };

  /** Builds and hands out a frame now. */
  publish(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dirty = false;
    this.last = this.now();
    const items = this.store.drainLog();
    if (items.length > 0) {
      const prev = this.logBatch;
      this.logBatch =
        prev.items.length + items.length > LOG_GENERATION
          ? { generation: prev.generation + 1, items }
          : { generation: prev.generation, items: prev.items.concat(items) };
      // Finished output first, so it lands above the live region of the same frame.
      for (const l of this.logListeners) l();
    }
    this.frames++;
    this.frame = buildFrame(this.store, this.last, this.opts.size(), { color: this.opts.color ?? false, seq: ++this.seq });
    for (const l of this.frameListeners) l();
    const spent = this.now() - this.last;
    this.busyMs += spent;
    this.cost = this.cost === 0 ? spent + this.renderSince : 0.7 * this.cost + 0.3 * (spent + this.renderSince);
    this.renderSince = 0;
    // While a run is under way the spinner turns even when no event arrives.
    if (this.store.active) this.schedule(this.interval);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.store.onChange === this.invalidate) this.store.onChange = undefined;
  }
}
