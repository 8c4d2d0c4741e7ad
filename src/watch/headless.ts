// Headless `qa watch` (--ci or stdout not a terminal): one block per run — what changed, the
// test files selected, the usual result lines and summary — then a line saying it waits.
import type { Session } from '../core/session.js';
import { safe } from '../report/format.js';
import { LineReporter, type Writer } from '../report/lines.js';
import type { WatchController, WatchEvent } from './controller.js';
import { describeRun, describeSkip } from './describe.js';

export function attachHeadlessWatch(session: Session, watch: WatchController, out: Writer, opts: { color: boolean; version: string }): () => void {
  let reporter: LineReporter | undefined;
  let off: (() => void) | undefined;
  let warned = false;
  const onWatch = (e: WatchEvent) => {
    switch (e.type) {
      case 'watch-run': {
        out.write(`\nqa watch: run ${e.run} · ${describeRun(e)}\n`);
        if (e.dropped.length) out.write(`qa watch: dropped the tests of ${e.dropped.map(safe).join(', ')}\n`);
        out.write(`qa watch: selected ${e.files.length} test file${e.files.length === 1 ? '' : 's'}: ${e.files.map(safe).join(', ')}\n`);
        off?.();
        reporter = new LineReporter(out, { ...opts, warnings: warned ? [] : session.warnings });
        warned = true;
        off = session.on(reporter.onEvent);
        break;
      }
      case 'watch-skip':
        out.write(`\nqa watch: ${describeSkip(e)}\n`);
        if (e.dropped.length) out.write(`qa watch: dropped the tests of ${e.dropped.map(safe).join(', ')}\n`);
        break;
      case 'watch-error':
        out.write(`qa watch: error: ${safe(e.message)}\n`);
        break;
      case 'watch-idle': {
        reporter?.flush();
        off?.();
        off = undefined;
        const lines: string[] = [];
        if (e.failing.size) {
          lines.push(`still failing (${e.failing.size}):`);
          for (const id of [...e.failing.keys()].sort()) lines.push(`  ${safe(id)}`);
        }
        if (e.collectErrors.size) lines.push(`files that do not import: ${[...e.collectErrors].sort().map(safe).join(', ')}`);
        lines.push('qa watch: waiting for changes (Ctrl-C to stop)');
        out.write(lines.join('\n') + '\n');
        break;
      }
    }
  };
  const unwatch = watch.on(onWatch);
  return () => {
    unwatch();
    off?.();
  };
}
