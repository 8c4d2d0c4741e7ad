// The verdict of `qa stress`, as text: a block per failing test with its failure rate, its
// confidence interval and its distinct failure signatures; one line for everything that held.
import type { StressVerdict, TestVerdict } from '../core/stress.js';
import type { RunEvent, RunSummary } from '../core/types.js';
import { writeFileAtomic } from '../core/atomic.js';
import { ms, paint, safe, type Paint } from './format.js';
import type { Writer } from './lines.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export class VerdictReporter {
  private p: Paint;

  /** `reproduce` gives the command that replays a failure: the count and seed that reach it. */
  constructor(
    private out: Writer,
    private opts: { color: boolean; reproduce: (id: string, iteration: number, verdict: StressVerdict) => string },
  ) {
    this.p = paint(opts.color);
  }

  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'stress-end') this.out.write(this.render(event.verdict));
  };

  render(v: StressVerdict): string {
    const p = this.p;
    const runs = [...v.failing, ...v.stable].reduce((n, t) => n + t.runs, 0);
    const lines = ['', p.bold('========================= stress verdict ========================='), ''];
    lines.push(
      `${runs} runs of ${v.failing.length + v.stable.length} test${v.failing.length + v.stable.length === 1 ? '' : 's'} in ${ms(v.wallMs)} (${Math.round(v.runsPerSecond)} runs/s) · ` +
        `${v.iterations} iterations · seed ${v.seed}${v.shuffled ? ' (shuffled)' : ''}${v.stoppedEarly ? ' · stopped early' : ''}`,
    );
    for (const t of v.failing) lines.push('', ...this.failing(t));
    if (v.stable.length) {
      lines.push('');
      const each = new Set(v.stable.map((t) => t.runs));
      lines.push(
        p.green(`${v.stable.length} test${v.stable.length === 1 ? '' : 's'} never failed`) +
          ` (${each.size === 1 ? `${[...each][0]} runs each` : `${Math.min(...each)}–${Math.max(...each)} runs each`})` +
          (v.stable.length <= 5 ? `: ${v.stable.map((t) => safe(t.id)).join(', ')}` : ''),
      );
    }
    if (v.firstFailure) {
      lines.push('', p.bold('reproduce the first failure:'));
      lines.push(`  ${this.opts.reproduce(v.firstFailure.id, v.firstFailure.iteration, v)}`);
      lines.push(`  (it failed on iteration ${v.firstFailure.iteration}, on ${v.firstFailure.workerId})`);
    }
    lines.push('');
    return lines.join('\n');
  }

  private failing(t: TestVerdict): string[] {
    const p = this.p;
    const [lo, hi] = t.ci95;
    const workers = Object.entries(t.failedOn)
      .sort(([a], [b]) => Number(a.slice(2)) - Number(b.slice(2)))
      .map(([w, n]) => `${w}×${n}`)
      .join(' ');
    const out = [
      p.red(`FAILING ${safe(t.id)}`),
      `  ${t.failures} of ${t.runs} runs failed: ${p.red(pct(t.failureRate))} (95% CI ${pct(lo)}–${pct(hi)}) · ` +
        `${ms(t.minMs)} / ${ms(t.medianMs)} / ${ms(t.maxMs)} min/median/max · failed on ${workers}`,
    ];
    for (const sig of t.signatures) {
      out.push(`  ${sig.count}× ${safe(sig.example)}${sig.frame ? p.dim(` at ${sig.frame}`) : ''} ${p.dim(`(first at iteration ${sig.firstIteration})`)}`);
      // Two signatures often share a first line; the diff lines show what tells them apart.
      for (const line of diffLines(sig.message)) out.push(p.dim(`      ${safe(line)}`));
    }
    if (t.history.length) {
      out.push(p.dim(`  history: ${t.history.map((h) => `${h.failures}/${h.runs}`).join(', ')} (earlier stress runs, oldest first)`));
    }
    return out;
  }
}

function diffLines(message: string): string[] {
  return message
    .split('\n')
    .filter((l) => /^[-+] {2,}\S/.test(l))
    .slice(0, 4);
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
