// `qa stress`: the race hunt's options and its verdict. The verdict is folded from the same
// test-end results every frontend sees; nothing here knows how it is shown.
import type { FlakeEntry } from './store.js';
import type { ErrorInfo, TestResult } from './types.js';

export interface StressOptions {
  /** Copies of every selected test (per round with --duration). */
  count: number;
  /** Stop at the first failure and say how to reproduce it. */
  untilFail: boolean;
  /** Keep adding rounds of copies until this much time has passed. */
  durationMs?: number;
  /** Random order from `seed` (printed, so an order can be replayed). */
  shuffle: boolean;
  seed: number;
  /** Never two copies of one test in flight at once. */
  serialCopies: boolean;
}

export interface Signature {
  /** The error message with volatile parts (numbers, hex ids, paths, times) normalised. */
  message: string;
  /** `file:line` of the top stack frame in user code, when there is one. */
  frame?: string;
  count: number;
  firstIteration: number;
  /** The first occurrence's message as it was, for the reader. */
  example: string;
}

export interface TestVerdict {
  id: string;
  runs: number;
  passes: number;
  failures: number;
  failureRate: number;
  /** 95% Wilson score interval for the failure rate. */
  ci95: [number, number];
  minMs: number;
  medianMs: number;
  maxMs: number;
  /** Workers on which it failed, with how often. */
  failedOn: Record<string, number>;
  signatures: Signature[];
  /** Earlier stress runs of this test, oldest first (from .qa/flakes.json). */
  history: FlakeRecord[];
}

export interface StressVerdict {
  seed: number;
  shuffled: boolean;
  iterations: number;
  wallMs: number;
  /** Test runs per second over the whole stress run. */
  runsPerSecond: number;
  /** Tests with at least one failure, worst first. */
  failing: TestVerdict[];
  /** Tests that never failed. */
  stable: TestVerdict[];
  stoppedEarly: boolean;
  /** With --until-fail: the failure that stopped the run. */
  firstFailure?: { id: string; iteration: number; workerId: string };
}

export type FlakeRecord = FlakeEntry;

/** Wilson score interval: honest bounds for a rate measured from few runs, never outside [0, 1]. */
export function wilson(failures: number, runs: number, z = 1.96): [number, number] {
  if (runs === 0) return [0, 1];
  const p = failures / runs;
  const denom = 1 + (z * z) / runs;
  const centre = (p + (z * z) / (2 * runs)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / runs + (z * z) / (4 * runs * runs))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Two failures with the same cause read the same after this: numbers, hex ids, absolute paths,
 * ISO times and quoted worker names vary from run to run and are replaced by placeholders.
 */
export function normaliseMessage(message: string): string {
  return message
    .split('\n')
    .slice(0, 12)
    .join('\n')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?/g, '<time>')
    .replace(/(?:[A-Za-z]:)?(?:\/[\w.@+-]+){2,}\/?/g, '<path>')
    .replace(/\bgw\d+\b/g, 'gw<n>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .trim();
}

/** `file:line` of the first stack frame (stacks are already user frames, relative paths). */
export function topFrame(error: ErrorInfo | undefined): string | undefined {
  const m = /\(?((?:[\w.@+-]+\/)*[\w.@+-]+\.[cm]?[jt]s):(\d+):\d+\)?/.exec(error?.stack ?? '');
  return m ? `${m[1]}:${m[2]}` : undefined;
}

interface Acc {
  runs: number;
  passes: number;
  durations: number[];
  failedOn: Record<string, number>;
  signatures: Map<string, Signature>;
}

/** Folds final results (one per test copy) into per-test verdicts. */
export class VerdictBuilder {
  private tests = new Map<string, Acc>();
  private first?: StressVerdict['firstFailure'];

  add(r: TestResult): void {
    if (r.willRetry || r.status === 'skipped' || r.status === 'todo') return;
    let acc = this.tests.get(r.id);
    if (!acc) {
      acc = { runs: 0, passes: 0, durations: [], failedOn: {}, signatures: new Map() };
      this.tests.set(r.id, acc);
    }
    acc.runs++;
    acc.durations.push(r.durationMs);
    if (r.status !== 'failed') {
      acc.passes++;
      return;
    }
    this.first ??= { id: r.id, iteration: r.iteration, workerId: r.workerId };
    acc.failedOn[r.workerId] = (acc.failedOn[r.workerId] ?? 0) + 1;
    const message = normaliseMessage(r.error?.message ?? 'failed');
    const frame = topFrame(r.error);
    const key = `${message}\u0000${frame ?? ''}`;
    const sig = acc.signatures.get(key);
    if (sig) {
      sig.count++;
      sig.firstIteration = Math.min(sig.firstIteration, r.iteration);
    } else {
      acc.signatures.set(key, { message, ...(frame ? { frame } : {}), count: 1, firstIteration: r.iteration, example: r.error?.message ?? 'failed' });
    }
  }

  verdict(args: { seed: number; shuffled: boolean; iterations: number; wallMs: number; stoppedEarly: boolean; history: (id: string) => FlakeRecord[] }): StressVerdict {
    const all: TestVerdict[] = [];
    let runs = 0;
    for (const [id, acc] of this.tests) {
      runs += acc.runs;
      const sorted = [...acc.durations].sort((a, b) => a - b);
      const failures = acc.runs - acc.passes;
      all.push({
        id,
        runs: acc.runs,
        passes: acc.passes,
        failures,
        failureRate: acc.runs ? failures / acc.runs : 0,
        ci95: wilson(failures, acc.runs),
        minMs: sorted[0] ?? 0,
        medianMs: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
        maxMs: sorted.at(-1) ?? 0,
        failedOn: acc.failedOn,
        signatures: [...acc.signatures.values()].sort((a, b) => b.count - a.count),
        history: args.history(id),
      });
    }
    return {
      seed: args.seed,
      shuffled: args.shuffled,
      iterations: args.iterations,
      wallMs: args.wallMs,
      runsPerSecond: args.wallMs > 0 ? (runs * 1000) / args.wallMs : 0,
      failing: all.filter((t) => t.failures > 0).sort((a, b) => b.failureRate - a.failureRate || a.id.localeCompare(b.id)),
      stable: all.filter((t) => t.failures === 0).sort((a, b) => a.id.localeCompare(b.id)),
      stoppedEarly: args.stoppedEarly,
      ...(this.first ? { firstFailure: this.first } : {}),
    };
  }

  /** This run's runs and failures per test, for the flake history. */
  records(at: string): Map<string, FlakeRecord> {
    const out = new Map<string, FlakeRecord>();
    for (const [id, acc] of this.tests) out.set(id, { at, runs: acc.runs, failures: acc.runs - acc.passes });
    return out;
  }
}

/** mulberry32: a small seeded generator, so `--seed S` replays an order exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
