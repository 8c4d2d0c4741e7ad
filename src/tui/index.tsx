// The Ink TUI (work in progress): entry point called by src/cli/main.ts.
import type { Session } from '../core/session.js';

export interface StressOptions {
  count: number;
  untilFail: boolean;
  durationMs?: number;
  shuffle: boolean;
  seed: number;
  serialCopies: boolean;
}

export interface TuiOptions {
  version: string;
  warnings: readonly string[];
  mode: 'run' | 'stress';
  stress?: StressOptions;
}

export async function runTui(session: Session, opts: TuiOptions): Promise<number> {
  const summary = await session.run(opts.mode === 'stress' ? { count: opts.stress?.count ?? 100, mode: 'stress' } : {});
  return summary.exitCode;
}
