// Peak resident memory of a Node process, reported when it exits.
//   node --import ./bench/rss.mjs bin/qa.js ...    → the controller prints its peak on stderr
// With QA_BENCH_RSS_FILE set, every process that imports this (the workers too, through
// NODE_OPTIONS) also appends `<role> <pid> <maxRSS kB>` to that file: worker stderr is captured by
// qa, so a file is the only way out for them.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  const kb = process.resourceUsage().maxRSS;
  const role = process.env.QA_WORKER_ID ?? 'controller';
  if (process.env.QA_BENCH_RSS_FILE) {
    try {
      appendFileSync(process.env.QA_BENCH_RSS_FILE, `${role} ${process.pid} ${kb}\n`);
    } catch {
      // Memory figures are best effort: never change how the measured process exits.
    }
  }
  if (role === 'controller') process.stderr.write(`qa-bench: ${role} maxRSS ${kb} kB\n`);
});
