// Who runs what next. Tests are grouped into units by --dist (xdist's meanings), units are
// ordered longest-known-first (LPT), and idle workers pull chunks sized to the work left, so
// the tail of a run is made of single small units and every worker finishes at about the same time.
import type { DistMode, TestMeta } from './types.js';

export interface WorkItem {
  test: TestMeta;
  attempt: number;
  iteration: number;
  /** Expected run time in ms (recorded, or guessed for a new test). */
  estimate: number;
}

export interface Unit {
  key: string;
  /** The file most of the unit's tests live in: where import affinity applies. */
  file: string;
  items: WorkItem[];
  /** Estimated run time in ms from recorded durations. */
  estimate: number;
  /** Some test in the unit has no recorded duration: new tests go first. */
  unknown: boolean;
  /** Holds a test that failed last time and `--ff` asked for those first. */
  first?: boolean;
  /** Watch runs: a short unit that opens a worker's run (see quickStartOrder). */
  lead?: boolean;
}

/** xdist's unit keys: what must stay together on one worker. */
export function unitKey(test: TestMeta, dist: DistMode): string {
  switch (dist) {
    case 'load':
      return test.id;
    case 'loadfile':
      return test.file;
    case 'loadscope':
      return test.suitePath.length ? `${test.file}::${test.suitePath[0]}` : test.file;
    case 'loadgroup':
      return test.group !== undefined ? `group:${test.group}` : test.id;
  }
}

export interface BuildOptions {
  dist: DistMode;
  /**
   * Copies of every test (`--count`). A copy of a test that `load` would hand out alone is its own
   * unit, so copies run on several workers at once; tests the mode keeps together (a file, a
   * scope, a group) keep all their copies in one unit, as pytest-xdist does.
   */
  count: number;
  durations: ReadonlyMap<string, number>;
  /** `--ff`: units holding any of these test ids go before all others. */
  first?: ReadonlySet<string>;
  /** Stress `--serial-copies`: all copies of a test in one unit, so they never overlap. */
  copiesTogether?: boolean;
  /** Number the copies from here (stress rounds with --duration continue the count). */
  firstIteration?: number;
}

export function buildUnits(tests: readonly TestMeta[], opts: BuildOptions): Unit[] {
  const known = [...opts.durations.values()].sort((a, b) => a - b);
  // A test never seen before is guessed at the median of the ones we have seen.
  const guess = known.length ? known[Math.floor(known.length / 2)] : 1;
  const units = new Map<string, Unit>();
  const from = opts.firstIteration ?? 1;
  for (let iteration = from; iteration < from + opts.count; iteration++) {
    for (const test of tests) {
      const base = unitKey(test, opts.dist);
      const key = opts.count > 1 && base === test.id && !opts.copiesTogether ? `${base}#${iteration}` : base;
      let unit = units.get(key);
      if (!unit) {
        unit = { key, file: test.file, items: [], estimate: 0, unknown: false };
        units.set(key, unit);
      }
      const d = opts.durations.get(test.id);
      const estimate = test.mode === 'run' ? (d ?? guess) : 0;
      unit.items.push({ test, attempt: 1, iteration, estimate });
      if (opts.first?.has(test.id)) unit.first = true;
      if (d === undefined && test.mode === 'run') unit.unknown = true;
      unit.estimate += estimate;
    }
  }
  return [...units.values()];
}

/**
 * LPT, after `--ff` failures and new tests. Units of about the same length keep collection order
 * (the sort is stable): sorting 12,000 tests of 0.01-0.02 ms by their exact times would scatter
 * each file's tests across the queue, and every worker would end up importing every file.
 */
export function lptOrder(units: Unit[]): Unit[] {
  const length = new Map(units.map((u) => [u, lengthClass(u.estimate)]));
  return [...units].sort((a, b) => Number(b.first ?? false) - Number(a.first ?? false) || Number(b.unknown) - Number(a.unknown) || length.get(b)! - length.get(a)!);
}

/** Durations in classes 25% apart; everything under a millisecond is one class. */
function lengthClass(ms: number): number {
  return ms < 1 ? 0 : Math.floor(Math.log(ms) / Math.log(1.25)) + 1;
}

/**
 * Watch runs: the first result should come at once, not after the longest test. One short unit
 * per worker goes ahead of the LPT order — new tests first (they are what was just written), then
 * the shortest known — so every worker opens with a quick result, and the makespan stays near
 * LPT's because what moved ahead is, by choice, a small part of the work. `--ff` units stay first.
 */
export function quickStartOrder(units: Unit[], workers: number): Unit[] {
  const lpt = lptOrder(units);
  // Units of skipped tests only would lead with a SKIPPED line: not the result anyone waits for.
  const candidates = lpt.filter((u) => !u.first && (u.unknown || u.estimate > 0));
  const leads = new Set(
    [...candidates]
      .sort((a, b) => Number(b.unknown) - Number(a.unknown) || (a.unknown ? 0 : a.estimate - b.estimate))
      .slice(0, Math.max(1, workers)),
  );
  return [...lpt.filter((u) => u.first), ...[...leads].map((u) => ({ ...u, lead: true })), ...lpt.filter((u) => !u.first && !leads.has(u))];
}

export interface SchedulerOptions {
  workers: number;
  /** Hand units out in the given order (a seeded shuffle) instead of longest first. */
  keepOrder?: boolean;
  /** Watch runs: every worker starts with one short unit, then LPT (see quickStartOrder). */
  quickStart?: boolean;
  /** Most items handed out in one chunk. */
  maxChunk?: number;
}

export class Scheduler {
  private queue: Unit[];
  private taken: boolean[];
  private head = 0;
  private left: number;
  private estimateLeft = 0;
  private pendingByFile = new Map<string, number>();
  /** Queue positions of each file's units, in order, and how far each list is known to be taken. */
  private positions = new Map<string, number[]>();
  private cursors = new Map<string, number>();
  private readonly maxChunk: number;

  constructor(
    units: Unit[],
    private opts: SchedulerOptions,
  ) {
    this.queue = [];
    this.taken = [];
    this.left = 0;
    this.maxChunk = opts.maxChunk ?? 512;
    this.append(opts.keepOrder ? units : opts.quickStart ? quickStartOrder(units, opts.workers) : lptOrder(units));
  }

  /** Adds units at the end of the queue (another stress round). */
  append(units: Unit[]): void {
    for (const u of units) {
      this.index(u, this.queue.length);
      this.queue.push(u);
      this.taken.push(false);
      this.left++;
      this.estimateLeft += u.estimate;
      for (const f of filesOf(u)) this.pendingByFile.set(f, (this.pendingByFile.get(f) ?? 0) + 1);
    }
  }

  get remainingUnits(): number {
    return this.left;
  }

  /** Items not yet handed out (for "not run" counts when a run stops early). */
  remainingItems(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (!this.taken[i]) n += this.queue[i].items.length;
    return n;
  }

  /** Units of `file` not yet handed out; 0 means a worker may run its afterAll hooks. */
  pendingFor(file: string): number {
    return this.pendingByFile.get(file) ?? 0;
  }

  /**
   * Whether a worker holding `chunks` chunks worth `heldEstimate` ms should get another.
   * It always gets one when idle, and one prefetched chunk so it never waits on a round trip,
   * unless what it holds is already more than a chunk's share: work queued behind a long test
   * would sit there while other workers go idle.
   */
  wantsMore(chunks: number, heldEstimate: number): boolean {
    if (this.left === 0) return false;
    if (chunks === 0) return true;
    // A lead unit is for an idle worker: one already holding work does not prefetch it.
    if (this.peekHead()?.lead) return false;
    return chunks < 2 && heldEstimate <= this.chunkTarget();
  }

  private chunkTarget(): number {
    return this.estimateLeft / (this.opts.workers * 4);
  }

  /**
   * The next chunk for a worker: one unit, plus more while the chunk stays below its share of
   * the remaining estimated work (a quarter of an even split), so big batches early amortise IPC
   * and the tail is handed out one unit at a time.
   */
  next(held: ReadonlySet<string>): WorkItem[] {
    const first = this.pick(held);
    if (!first) return [];
    const items = [...first.items];
    // A lead unit goes alone, so its worker starts on it at once and the next lead is left for the next worker.
    if (first.lead) return items;
    let estimate = first.estimate;
    let file = first.file;
    const target = this.chunkTarget();
    while (items.length < this.maxChunk && estimate < target) {
      const peek = this.peek(held, file);
      if (!peek || estimate + peek.unit.estimate > target || items.length + peek.unit.items.length > this.maxChunk) break;
      this.take(peek.index);
      items.push(...peek.unit.items);
      estimate += peek.unit.estimate;
      file = peek.unit.file;
    }
    return items;
  }

  /** Puts items back at the front (their worker died before running them). */
  requeue(items: WorkItem[]): void {
    if (!items.length) return;
    const estimate = items.reduce((sum, i) => sum + i.estimate, 0);
    const unit: Unit = { key: `requeue:${items[0].test.id}`, file: items[0].test.file, items, estimate, unknown: false };
    this.estimateLeft += estimate;
    this.queue.splice(this.head, 0, unit);
    this.taken.splice(this.head, 0, false);
    // Every position after the head moved: index again (a worker died; this is rare).
    this.positions.clear();
    this.cursors.clear();
    this.queue.forEach((u, i) => this.index(u, i));
    this.left++;
    for (const f of filesOf(unit)) this.pendingByFile.set(f, (this.pendingByFile.get(f) ?? 0) + 1);
  }

  /** Drops everything not yet handed out; returns how many items that was. */
  clear(): number {
    const n = this.remainingItems();
    for (let i = this.head; i < this.queue.length; i++) this.taken[i] = true;
    this.head = this.queue.length;
    this.left = 0;
    this.pendingByFile.clear();
    return n;
  }

  private index(unit: Unit, position: number): void {
    for (const f of filesOf(unit)) {
      const list = this.positions.get(f);
      if (list) list.push(position);
      else this.positions.set(f, [position]);
    }
  }

  /** The queue position of `file`'s first unit not yet handed out. */
  private firstOf(file: string): number | undefined {
    const list = this.positions.get(file);
    if (!list) return undefined;
    let at = this.cursors.get(file) ?? 0;
    while (at < list.length && this.taken[list[at]]) at++;
    this.cursors.set(file, at);
    return list[at];
  }

  private pick(held: ReadonlySet<string>): Unit | undefined {
    const found = this.peek(held);
    if (!found) return undefined;
    this.take(found.index);
    return found.unit;
  }

  private peekHead(): Unit | undefined {
    while (this.head < this.queue.length && this.taken[this.head]) this.head++;
    return this.queue[this.head];
  }

  /**
   * The head of the queue, or the first unit of a file the worker has imported (`prefer` first:
   * the file a chunk is being filled from) anywhere in the queue: a file
   * imported by one worker is not imported again by another while that one can run it. Affinity
   * must not undo LPT: only a unit at least half as long as the head may jump it; a lead unit
   * only gives way to another lead. A queue kept in order (a shuffled stress run) has no affinity.
   */
  private peek(held: ReadonlySet<string>, prefer?: string): { unit: Unit; index: number } | undefined {
    const headUnit = this.peekHead();
    if (!headUnit) return undefined;
    const head = { unit: headUnit, index: this.head };
    if (this.opts.keepOrder || held.has(headUnit.file) || headUnit.file === prefer) return head;
    const fits = (i: number | undefined): i is number => i !== undefined && (headUnit.lead ? this.queue[i].lead === true : this.queue[i].estimate >= headUnit.estimate / 2);
    const preferred = prefer === undefined ? undefined : this.firstOf(prefer);
    if (fits(preferred)) return { unit: this.queue[preferred], index: preferred };
    let best: number | undefined;
    const consider = (file: string) => {
      const i = this.firstOf(file);
      if (fits(i) && (best === undefined || i < best)) best = i;
    };
    // The worker's files that still have work: walk whichever of the two sets is smaller.
    if (held.size <= this.pendingByFile.size) {
      for (const file of held) if (this.pendingByFile.has(file)) consider(file);
    } else {
      for (const file of this.pendingByFile.keys()) if (held.has(file)) consider(file);
    }
    return best === undefined ? head : { unit: this.queue[best], index: best };
  }

  private take(index: number): void {
    const unit = this.queue[index];
    this.taken[index] = true;
    this.left--;
    this.estimateLeft -= unit.estimate;
    for (const f of filesOf(unit)) {
      const left = (this.pendingByFile.get(f) ?? 1) - 1;
      // Only files with work left stay: the affinity search walks them.
      if (left > 0) this.pendingByFile.set(f, left);
      else this.pendingByFile.delete(f);
    }
  }
}

/** The files a unit's tests live in: one, except for loadgroup groups and requeued items. */
function filesOf(unit: Unit): Iterable<string> {
  if (unit.items.length === 1) return [unit.file];
  return new Set(unit.items.map((i) => i.test.file));
}
