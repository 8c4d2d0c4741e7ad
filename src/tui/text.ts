// Plain text pieces the TUI shows: coloured segments, short test names, durations.
// No React here: the store and the frame builder produce these, the components only draw them.
import type { ErrorInfo, TestResult, TestStatus } from '../core/types.js';
import { displayId, ms, safe, safeBlock } from '../report/format.js';

export type Tone = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'dim' | 'bold' | 'inverse';

/** A run of text in one style. */
export interface Seg {
  text: string;
  tone?: Tone;
}

/** One terminal line as styled segments (never contains a newline). */
export type Line = Seg[];

/** What a lane's trail shows for one finished attempt. */
export type Mark = 'passed' | 'failed' | 'flaky' | 'skipped' | 'retry';

export const MARK_CHAR: Record<Mark, string> = { passed: '✓', failed: '✗', flaky: '~', skipped: '○', retry: '↻' };
export const MARK_TONE: Record<Mark, Tone> = { passed: 'green', failed: 'red', flaky: 'yellow', skipped: 'dim', retry: 'yellow' };

export const STATUS_LABEL: Record<TestStatus, string> = { passed: 'PASSED', failed: 'FAILED', skipped: 'SKIPPED', todo: 'TODO', flaky: 'FLAKY' };
export const STATUS_TONE: Record<TestStatus, Tone> = { passed: 'green', failed: 'red', skipped: 'dim', todo: 'dim', flaky: 'yellow' };

/** One shared spinner: every lane shows the same frame of the same clock. */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export const SPINNER_MS = 80;

export function spinnerAt(now: number): string {
  return SPINNER[Math.floor(now / SPINNER_MS) % SPINNER.length];
}

export function markOf(r: TestResult): Mark {
  if (r.willRetry) return 'retry';
  if (r.status === 'todo') return 'skipped';
  return r.status;
}

export function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/** `file.test.ts › describe › name`: the folder is dropped, the lane has little room. */
export function shortName(r: { file: string; suitePath: string[]; name: string }): string {
  const base = r.file.slice(r.file.lastIndexOf('/') + 1);
  return safe([base, ...r.suitePath, r.name].join(' › '));
}

/** A test id from a lane's `test-start` (`file::describe::name`) shown like `shortName`. */
export function shortId(id: string): string {
  const parts = id.split('::');
  const file = parts[0] ?? id;
  parts[0] = file.slice(file.lastIndexOf('/') + 1);
  return safe(parts.join(' › '));
}

/** Seconds with one decimal for running clocks (`1.2s`, `2m03s`). */
export function clock(msValue: number): string {
  const v = Math.max(0, msValue);
  if (v < 60_000) return `${(v / 1000).toFixed(1)}s`;
  const m = Math.floor(v / 60_000);
  const s = Math.floor((v % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function errorHead(e: ErrorInfo): string {
  return e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ` : '';
}

/** The first line of an error, prefixed by its class when that adds something. */
export function errorLine(e: ErrorInfo): string {
  return safe(firstLine(errorHead(e) + e.message));
}

function block(text: string, tone?: Tone): Line[] {
  return safeBlock(text.replace(/\n+$/, ''))
    .split('\n')
    .map((l) => [{ text: l.replace(/\t/g, '  '), ...(tone ? { tone } : {}) }]);
}

/** Everything known about one result: for the details view (and nothing else). */
export function detailLines(r: TestResult, count: number): Line[] {
  const lines: Line[] = [];
  const facts = [`[${r.workerId}]`, r.status === 'skipped' || r.status === 'todo' ? '' : ms(r.durationMs)];
  if (r.attempt > 1) facts.push(`attempt ${r.attempt}`);
  if (count > 1) facts.push(`copy ${r.iteration}/${count}`);
  lines.push([
    { text: r.willRetry ? 'RERUN' : STATUS_LABEL[r.status], tone: r.willRetry ? 'yellow' : STATUS_TONE[r.status] },
    { text: ` ${safe(displayId(r, count))} ` },
    { text: facts.filter(Boolean).join(' · '), tone: 'dim' },
  ]);
  if (r.marks.length) lines.push([{ text: `marks: ${safe(r.marks.join(', '))}`, tone: 'dim' }]);
  if (r.error) {
    lines.push([]);
    lines.push(...block(errorHead(r.error) + r.error.message, 'red'));
    if (r.error.diff) {
      lines.push([{ text: '── diff ──', tone: 'dim' }]);
      lines.push(...block(r.error.diff));
    }
    if (r.error.stack) {
      lines.push([{ text: '── stack ──', tone: 'dim' }]);
      lines.push(...block(r.error.stack, 'dim'));
    }
  } else if (r.status === 'failed') {
    lines.push([{ text: 'failed without an error message', tone: 'red' }]);
  }
  for (const [name, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    if (!text) continue;
    lines.push([{ text: `── captured ${name} ──`, tone: 'dim' }]);
    lines.push(...block(text));
  }
  if (!r.error && !r.stdout && !r.stderr) lines.push([{ text: 'no error and no captured output', tone: 'dim' }]);
  return lines;
}

/** Cuts a line into pieces of at most `width` code points (details wrap instead of being cut). */
export function wrapLine(line: Line, width: number): Line[] {
  const w = Math.max(8, width);
  const out: Line[] = [];
  let cur: Line = [];
  let used = 0;
  for (const seg of line) {
    let chars = Array.from(seg.text);
    while (chars.length > 0) {
      const room = w - used;
      if (room <= 0) {
        out.push(cur);
        cur = [];
        used = 0;
        continue;
      }
      const take = chars.slice(0, room);
      chars = chars.slice(room);
      cur.push({ ...seg, text: take.join('') });
      used += take.length;
    }
  }
  out.push(cur);
  return out;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

// ---------------------------------------------------------------- fitting lines to the terminal
//
// The live region is drawn as one pre-fitted string per row: Ink then has one text node per row
// to lay out instead of dozens of styled <Text> elements, which is what keeps a frame cheap.

/** Terminal cells a code point takes: 0 for combining marks, 2 for wide (CJK, fullwidth, emoji). */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) w++;
    else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      w += charWidth(cp);
    }
  }
  return w;
}

export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += textWidth(s.text);
  return w;
}

/** The first `width` cells of `text`. */
function headCells(text: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

/** The last `width` cells of `text`. */
function tailCells(text: string, width: number): string {
  const chars = Array.from(text);
  let w = 0;
  let i = chars.length;
  while (i > 0) {
    const cw = charWidth(chars[i - 1].codePointAt(0)!);
    if (w + cw > width) break;
    w += cw;
    i--;
  }
  return chars.slice(i).join('');
}

/** `text` in at most `width` cells, cut at the end with `…`. */
export function truncateEnd(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  return headCells(text, width - 1) + '…';
}

/** `text` in at most `width` cells, cut in the middle (test names keep their file and their end). */
export function truncateMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  if (width < 5) return truncateEnd(text, width);
  const tail = Math.floor((width - 1) / 2);
  return headCells(text, width - 1 - tail) + '…' + tailCells(text, tail);
}

/** The line cut to `width` cells (the last visible segment ends with `…`). */
export function fitLine(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let room = width;
  for (const s of line) {
    const w = textWidth(s.text);
    if (w < room) {
      out.push(s);
      room -= w;
      continue;
    }
    out.push({ ...s, text: truncateEnd(s.text, room) });
    break;
  }
  return out;
}

const SGR: Record<Tone, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
  inverse: [7, 27],
};

/** The line as one string: with SGR styles when `color`, plain text otherwise (NO_COLOR). */
export function paintLine(line: Line, color: boolean): string {
  let out = '';
  for (const s of line) {
    if (color && s.tone) {
      const [open, close] = SGR[s.tone];
      out += `\u001b[${open}m${s.text}\u001b[${close}m`;
    } else out += s.text;
  }
  return out;
}

/** Pads a line with spaces to exactly `width` cells (lanes align their right-hand columns). */
export function padLine(line: Line, width: number): Line {
  const w = lineWidth(line);
  return w >= width ? line : [...line, { text: ' '.repeat(width - w) }];
}
