// Small text helpers shared by the reporters.

/** Control characters (newlines, escape sequences) shown as escapes so a test name cannot move the cursor. */
/** "12 not run", and the files a Ctrl-C left unimported, whose tests nobody counted. */
export function notRunText(s: { notRun: number; filesNotCollected: number }): string {
  const files = s.filesNotCollected ? `, ${s.filesNotCollected} file${s.filesNotCollected === 1 ? '' : 's'} not collected` : '';
  return `${s.notRun} not run${files}`;
}

export function safe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/** Like `safe` but keeps newlines and tabs: for multi-line error text and captured output. */
export function safeBlock(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function ms(value: number): string {
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(2)} s`;
  const m = Math.floor(value / 60_000);
  return `${m}m ${((value % 60_000) / 1000).toFixed(1)}s`;
}

export function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const identity = (s: string) => s;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { red: identity, green: identity, yellow: identity, dim: identity, bold: identity };
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), always with FORCE_COLOR. */
export function colorWanted(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** `[3/100]` when `--count` made copies, nothing otherwise. */
export function iterationSuffix(iteration: number, count: number): string {
  return count > 1 ? `[${iteration}/${count}]` : '';
}

/** A result's id as reports show it: `file::test[3/100]` when `--count` made copies. */
export function displayId(r: { id: string; iteration: number }, count: number): string {
  return r.id + iterationSuffix(r.iteration, count);
}

export function firstLine(text: string): string {
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}
