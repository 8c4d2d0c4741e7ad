// `--cpu-prof` for every process of a qa run, workers included: Node refuses --cpu-prof in
// NODE_OPTIONS and qa forks its workers with their own execArgv, but --import is allowed there.
//   QA_BENCH_PROF_DIR=/tmp/prof NODE_OPTIONS="--import=$PWD/bench/cpu-prof.mjs" node bin/qa.js ...
//   node --import tsx bench/profile.ts /tmp/prof
// Writes <dir>/<role>-<pid>.cpuprofile (role: controller or gwN) when the process exits.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.QA_BENCH_PROF_DIR;
if (dir) {
  const role = process.env.QA_WORKER_ID ?? 'controller';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.QA_BENCH_PROF_INTERVAL_US ?? 200) });
  session.post('Profiler.start');
  process.on('exit', () => {
    // In-thread inspector calls answer synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
