// The verdict of `qa stress`, as text: a block per failing test with its failure rate, its
// confidence interval and its distinct failure signatures; one line for everything that held.
import type { StressVerdict, TestVerdict } from '../core/stress.js';
import type { RunEvent, RunSummary } from '../core/types.js';
import { writeFileAtomic } from '../core/atomic.js';
import { ms, paint, safe, type Paint } from './format.js';
import type { Writer } from './lines.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A styled piece of a verdict line: the headless reporter paints it, the TUI maps it to its tones. */
export interface VerdictSeg {
  text: string;
  tone?: 'red' | 'green' | 'dim' | 'bold';
}

export type VerdictLine = VerdictSeg[];

/** Gives the command that replays a failure: the count and seed that reach it. */
export type Reproduce = (id: string, iteration: number, verdict: StressVerdict) => string;

/**
 * The verdict as styled lines (no banner): shared by both frontends so they cannot drift apart.
 * Without `reproduce` (a TUI loop, which no command line replays) the first failure is only named.
 */
export function verdictLines(v: StressVerdict, reproduce?: Reproduce): VerdictLine[] {
  const runs = [...v.failing, ...v.stable].reduce((n, t) => n + t.runs, 0);
  const tests = v.failing.length + v.stable.length;
  const lines: VerdictLine[] = [
    [
      {
        text:
          `${runs} runs of ${tests} test${tests === 1 ? '' : 's'} in ${ms(v.wallMs)} (${Math.round(v.runsPerSecond)} runs/s) · ` +
          `${v.iterations} iterations${v.shuffled ? ` · shuffled, seed ${v.seed}` : ''}${v.stoppedEarly ? ' · stopped early' : ''}`,
      },
    ],
  ];
  for (const t of v.failing) lines.push([], ...failingLines(t));
  if (v.stable.length) {
    const each = new Set(v.stable.map((t) => t.runs));
    lines.push(
      [],
      [
        { text: `${v.stable.length} test${v.stable.length === 1 ? '' : 's'} never failed`, tone: 'green' },
        {
          text:
            ` (${each.size === 1 ? `${[...each][0]} runs each` : `${Math.min(...each)}–${Math.max(...each)} runs each`})` +
            (v.stable.length <= 5 ? `: ${v.stable.map((t) => safe(t.id)).join(', ')}` : ''),
        },
      ],
    );
  }
  if (v.firstFailure) {
    const { id, iteration, workerId } = v.firstFailure;
    if (reproduce) lines.push([], [{ text: 'reproduce the first failure:', tone: 'bold' }], [{ text: `  ${reproduce(id, iteration, v)}` }]);
    else lines.push([], [{ text: `first failure: ${safe(id)}`, tone: 'bold' }]);
    lines.push([{ text: `  (it failed on iteration ${iteration}, on ${workerId})` }]);
  }
  return lines;
}

function failingLines(t: TestVerdict): VerdictLine[] {
  const [lo, hi] = t.ci95;
  const workers = Object.entries(t.failedOn)
    .sort(([a], [b]) => Number(a.slice(2)) - Number(b.slice(2)))
    .map(([w, n]) => `${w}×${n}`)
    .join(' ');
  const out: VerdictLine[] = [
    [{ text: `FAILING ${safe(t.id)}`, tone: 'red' }],
    [
      { text: `  ${t.failures} of ${t.runs} runs failed: ` },
      { text: pct(t.failureRate), tone: 'red' },
      { text: ` (95% CI ${pct(lo)}–${pct(hi)}) · ${ms(t.minMs)} / ${ms(t.medianMs)} / ${ms(t.maxMs)} min/median/max · failed on ${workers}` },
    ],
  ];
  for (const sig of t.signatures) {
    out.push([
      { text: `  ${sig.count}× ${safe(sig.example.split('\n')[0])}` },
      ...(sig.frame ? [{ text: ` at ${sig.frame}`, tone: 'dim' as const }] : []),
      { text: ' ' },
      { text: `(first at iteration ${sig.firstIteration})`, tone: 'dim' },
    ]);
    // Two signatures often share a first line; the diff lines show what tells them apart (as
    // they first appeared: normalised, the values would read the same on both sides).
    for (const line of diffLines(sig.example)) out.push([{ text: `      ${safe(line)}`, tone: 'dim' }]);
  }
  if (t.history.length) {
    out.push([{ text: `  history: ${t.history.map((h) => `${h.failures}/${h.runs}`).join(', ')} (earlier stress runs, oldest first)`, tone: 'dim' }]);
  }
  return out;
}

function diffLines(message: string): string[] {
  return message
    .split('\n')
    .filter((l) => /^[-+] {2,}\S/.test(l))
    .slice(0, 4);
}

/** Headless `qa stress`: the verdict under a banner, written when the stress run ends. */
export class VerdictReporter {
  private p: Paint;

  constructor(
    private out: Writer,
    private opts: { color: boolean; reproduce: Reproduce },
  ) {
    this.p = paint(opts.color);
  }

  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'stress-end') this.out.write(this.render(event.verdict));
  };

  render(v: StressVerdict): string {
    const p = this.p;
    const body = verdictLines(v, this.opts.reproduce).map((line) => line.map((s) => (s.tone ? p[s.tone](s.text) : s.text)).join(''));
    return ['', p.bold('========================= stress verdict ========================='), '', ...body, ''].join('\n');
  }
}

/** `qa stress --json FILE`: the verdict and the run summary as data. */
export class VerdictJsonReporter {
  private summary?: RunSummary;

  constructor(private path: string) {}

  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'run-end') this.summary = event.summary;
    if (event.type === 'stress-end') writeFileAtomic(this.path, JSON.stringify({ version: 1, summary: this.summary, verdict: event.verdict }, null, 2) + '\n');
  };
}
