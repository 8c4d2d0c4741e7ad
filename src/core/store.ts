// The .qa/ cache: recorded durations (for LPT order) and the last run's failures.
// Files are written whole to a temporary name and renamed, so a crash never leaves half a file;
// a file that does not parse is reported once and treated as empty.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

const FORMAT = 1;

export class Store {
  readonly dir: string;
  /** One line per unreadable cache file, for the frontend to show. */
  readonly warnings: string[] = [];
  private known: Map<string, number> | undefined;

  constructor(root: string) {
    this.dir = join(root, '.qa');
  }

  private read<T>(name: string, check: (data: unknown) => data is T): T | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, name), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const data = JSON.parse(text) as { format?: number; data?: unknown };
      if (data?.format === FORMAT && check(data.data)) return data.data;
    } catch {
      // fall through to the warning
    }
    this.warnings.push(`ignoring unreadable cache file .qa/${name} (it will be rewritten)`);
    return undefined;
  }

  private write(name: string, data: unknown): void {
    writeFileAtomic(join(this.dir, name), JSON.stringify({ format: FORMAT, data }));
  }

  /**
   * Recorded durations, read once per session: this session is their only writer while it lives,
   * and on a big suite each read is a JSON parse of thousands of entries.
   */
  durations(): ReadonlyMap<string, number> {
    this.known ??= new Map(Object.entries(this.read('durations.json', isNumberRecord) ?? {}));
    return this.known;
  }

  /** Merges new durations into the recorded ones (a smoothed average, so one slow run does not dominate). */
  saveDurations(fresh: Map<string, number>): void {
    if (fresh.size === 0) return;
    this.durations();
    const all = this.known!;
    for (const [id, ms] of fresh) {
      const old = all.get(id);
      all.set(id, Math.round((old === undefined ? ms : old * 0.3 + ms * 0.7) * 100) / 100);
    }
    this.write('durations.json', Object.fromEntries(all));
  }

  /** Runs and failures of each test in earlier stress runs, oldest first. */
  flakes(): Map<string, FlakeEntry[]> {
    return new Map(Object.entries(this.read('flakes.json', isFlakeHistory) ?? {}));
  }

  addFlakes(fresh: Map<string, FlakeEntry>): void {
    if (fresh.size === 0) return;
    const all = this.flakes();
    for (const [id, entry] of fresh) all.set(id, [...(all.get(id) ?? []), entry].slice(-HISTORY));
    this.write('flakes.json', Object.fromEntries(all));
  }

  lastFailed(): string[] {
    return this.read('lastfailed.json', isStringArray) ?? [];
  }

  /**
   * Like pytest's cache: tests that ran drop out or come in according to this run; failures of
   * tests that did not run this time (deselected, not selected by --lf) are remembered.
   */
  updateLastFailed(ran: ReadonlySet<string>, failed: ReadonlySet<string>): void {
    const kept = this.lastFailed().filter((id) => !ran.has(id));
    this.write('lastfailed.json', [...new Set([...kept, ...failed])]);
  }
}

/** Kept per test: enough to see a trend, small enough to read on every stress run. */
const HISTORY = 20;

export interface FlakeEntry {
  at: string;
  runs: number;
  failures: number;
}

function isFlakeHistory(x: unknown): x is Record<string, FlakeEntry[]> {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    Object.values(x).every((v) => Array.isArray(v) && v.every((e) => typeof e?.runs === 'number' && typeof e?.failures === 'number' && typeof e?.at === 'string'))
  );
}

function isNumberRecord(x: unknown): x is Record<string, number> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((v) => typeof v === 'number');
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}
