// Summarises V8 CPU profiles (.cpuprofile from `node --cpu-prof`): where the time went, by
// function (self time) and by source module. dist/ is an esbuild bundle without source maps, but
// esbuild marks every module it inlines with a `// src/core/session.ts` comment: a function's
// line in dist/ is mapped back to the src/ (or node_modules/) file it came from.
//
//   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bin/qa.js --ci -n 2   (every process)
//   node --import tsx bench/profile.ts /tmp/prof [--top 20]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** For a bundled file: sorted [line, module] marks from esbuild's `// path` comments. */
const marksCache = new Map<string, Array<[number, string]>>();
function moduleOf(url: string, line: number): string {
  if (!url) return '(native)';
  if (!url.startsWith('file://')) return url.startsWith('node:') ? url : `(${url})`;
  const path = fileURLToPath(url);
  let marks = marksCache.get(path);
  if (!marks) {
    marks = [];
    if (existsSync(path) && /[\\/]dist[\\/]/.test(path)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const m = /^\/\/ ((?:src|node_modules)\/\S+|\S+\.(?:ts|tsx|js|mjs|cjs))$/.exec(lines[i]);
        if (m) marks.push([i, m[1]]);
      }
    }
    marksCache.set(path, marks);
  }
  let found: string | undefined;
  for (const [at, mod] of marks) {
    if (at > line) break;
    found = mod;
  }
  const short = path.replace(/^.*[\\/](dist|node_modules|bench|tests?)[\\/]/, '$1/');
  return found ? `${found} (${basename(path)})` : short;
}

function summarise(file: string, top: number): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const totalUs = p.endTime - p.startTime;
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  let role = 'other';
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    if (cf.url.endsWith('/dist/cli.js')) role = 'controller';
    else if (cf.url.endsWith('/dist/worker.js') && role === 'other') role = 'worker';
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    if (cf.functionName === '(garbage collector)') gc += us;
    const where = moduleOf(cf.url, cf.lineNumber);
    const key = `${cf.functionName || '(anonymous)'}  ${where}${cf.url.startsWith('file://') ? `:${cf.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    mod.set(where, (mod.get(where) ?? 0) + us);
  }
  const busy = [...selfUs.values()].reduce((a, b) => a + b, 0) - idle;
  const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${ms(us).padStart(10)}  ${((us / Math.max(1, busy)) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return [
    `== ${basename(file)} (${role}): ${ms(totalUs)} profiled, ${ms(busy)} on the CPU, ${ms(idle)} idle, ${ms(gc)} GC`,
    `top self time by function:`,
    ...rows(fn),
    `by module:`,
    ...rows(mod),
    '',
  ].join('\n');
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 20;
const files = args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(a, f)) : [a]));
if (files.length === 0) {
  process.stderr.write('usage: node --import tsx bench/profile.ts <dir or .cpuprofile files> [--top N]\n');
  process.exit(4);
}
for (const f of files.sort()) process.stdout.write(summarise(f, top) + '\n');
