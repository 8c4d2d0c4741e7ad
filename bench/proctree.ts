// Peak memory of a whole process tree (a runner and every worker it starts), sampled from /proc.
// Linux only; elsewhere `available` is false and the benchmark says so instead of guessing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface TreePeak {
  /** Largest sum of VmRSS over the tree seen in one sample, kB. */
  treeKb: number;
  /** The root process's own peak, kB. */
  rootKb: number;
  /** The largest peak of any one descendant, kB (0 when it had none). */
  childKb: number;
  /** Most processes alive in the tree at once. */
  processes: number;
  samples: number;
}

export const available = process.platform === 'linux' && existsSync('/proc/self/status');

function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pids of `root` and all its descendants, right now. */
export function treePids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = ppidOf(pid);
    if (ppid === undefined) continue;
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(pid);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Samples the tree under `root` every `everyMs` until `stop()`; returns the peaks. */
export function sampleTree(root: number, everyMs = 50): { stop(): TreePeak } {
  const peakByPid = new Map<number, number>();
  const peak: TreePeak = { treeKb: 0, rootKb: 0, childKb: 0, processes: 0, samples: 0 };
  const sample = () => {
    if (!available) return;
    const pids = treePids(root);
    let sum = 0;
    let alive = 0;
    for (const pid of pids) {
      const kb = rssKb(pid);
      if (kb === 0) continue;
      alive++;
      sum += kb;
      peakByPid.set(pid, Math.max(peakByPid.get(pid) ?? 0, kb));
    }
    peak.samples++;
    peak.treeKb = Math.max(peak.treeKb, sum);
    peak.processes = Math.max(peak.processes, alive);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      for (const [pid, kb] of peakByPid) {
        if (pid === root) peak.rootKb = kb;
        else peak.childKb = Math.max(peak.childKb, kb);
      }
      return peak;
    },
  };
}
