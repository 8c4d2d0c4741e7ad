// The WatchController's choices for both frontends: what a save, a key or a filter runs. The
// session is a small fake that records each run's overrides and plays results for the files it
// is given; the test files are real (discovery and glob filters read the disk), and a save is the
// watcher's debounced batch handed over directly instead of waiting for the file system.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ImportGraph } from '../../src/core/graph.ts';
import type { RunOverrides, Session } from '../../src/core/session.ts';
import type { RunEvent, RunSummary, TestResult } from '../../src/core/types.ts';
import { WatchController, type WatchEvent } from '../../src/watch/controller.ts';
import type { FileChanges } from '../../src/watch/watcher.ts';

const TESTS = ['test/math.test.ts', 'test/strings.test.ts', 'test/e2e/cart.e2e.test.ts'];

const root = mkdtempSync(join(tmpdir(), 'qa-watch-unit-'));
for (const f of [...TESTS, 'src/math.ts', 'src/strings.ts']) {
  mkdirSync(join(root, f, '..'), { recursive: true });
  writeFileSync(join(root, f), '');
}
after(() => rmSync(root, { recursive: true, force: true }));

/** Plays one test per file it runs; `failing` names the files whose test fails. */
class FakeSession {
  readonly opts = { root, include: ['test/**/*.test.ts'], exclude: [] as string[] };
  readonly graph = new ImportGraph();
  readonly runs: RunOverrides[] = [];
  readonly failing = new Set<string>();
  private listeners = new Set<(e: RunEvent) => void>();

  constructor() {
    this.graph.addAll([
      ['test/math.test.ts', 'src/math.ts'],
      ['test/strings.test.ts', 'src/strings.ts'],
    ]);
  }

  on(l: (e: RunEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  invalidate(): Set<string> {
    return new Set();
  }

  async run(o: RunOverrides): Promise<RunSummary> {
    this.runs.push(o);
    const files = o.paths?.length ? o.paths : TESTS;
    for (const file of files) this.result(file, this.failing.has(file) ? 'failed' : 'passed');
    return { exitCode: this.failing.size ? 1 : 0 } as RunSummary;
  }

  result(file: string, status: 'passed' | 'failed'): void {
    const r = { id: `${file}::t`, file, suitePath: [], name: 't', marks: [], workerId: 'gw0', status, durationMs: 1, stdout: '', stderr: '', attempt: 1, iteration: 1 } as TestResult;
    for (const l of this.listeners) l({ type: 'test-end', result: r });
  }
}

function setup() {
  const session = new FakeSession();
  const watch = new WatchController(session as unknown as Session, { paths: [], ids: [], debounceMs: 10 });
  const events: WatchEvent[] = [];
  watch.on((e) => events.push(e));
  const save = async (changed: string[]) => {
    // The watcher's batch, as FileWatcher hands it over after its debounce.
    (watch as unknown as { changed(c: FileChanges): void }).changed({ added: [], changed, deleted: [] });
    await watch.settled();
  };
  const lastRun = () => events.filter((e) => e.type === 'watch-run').at(-1) as Extract<WatchEvent, { type: 'watch-run' }> | undefined;
  return { session, watch, events, save, lastRun };
}

describe('WatchController', () => {
  test('scope all: a save that reaches a test file reruns every one; back to affected: only its dependents', async () => {
    const { session, watch, save, lastRun } = setup();
    await watch.start();
    await watch.settled();
    try {
      watch.setScope('all');
      assert.equal(watch.scope, 'all');
      await save(['src/math.ts']);
      assert.deepEqual(lastRun(), { type: 'watch-run', run: 2, why: 'save', changes: { added: [], changed: ['src/math.ts'], deleted: [] }, all: true, files: [...TESTS].sort(), dropped: [] });
      assert.deepEqual(session.runs.at(-1)?.paths, [], 'the whole selection is the command line’s');
      watch.setScope('affected');
      await save(['src/math.ts']);
      assert.equal(lastRun()?.all, false);
      assert.deepEqual(session.runs.at(-1)?.paths, ['test/math.test.ts']);
      // A save of a non-code file nobody imports runs nothing, whatever the scope.
      watch.setScope('all');
      const before = session.runs.length;
      await save(['notes.txt']);
      assert.equal(session.runs.length, before);
    } finally {
      await watch.close();
    }
  });

  test('the file filter narrows every run: a substring, a glob on file names, or nothing at all', async () => {
    const { session, watch, events, save, lastRun } = setup();
    await watch.start();
    await watch.settled();
    try {
      watch.setFilter({ files: 'strings' });
      assert.equal(watch.runAll(), true);
      await watch.settled();
      assert.deepEqual(lastRun()?.files, ['test/strings.test.ts']);
      assert.deepEqual(session.runs.at(-1)?.paths, ['test/strings.test.ts']);
      // A save that reaches only a file outside the filter runs nothing.
      await save(['src/math.ts']);
      assert.deepEqual(events.at(-2), { type: 'watch-skip', changes: { added: [], changed: ['src/math.ts'], deleted: [] }, dropped: [] });
      watch.setFilter({ files: '*.e2e.test.ts' });
      watch.runAll();
      await watch.settled();
      assert.deepEqual(lastRun()?.files, ['test/e2e/cart.e2e.test.ts']);
      // Nothing matches: nothing runs (no paths would mean every file).
      const before = session.runs.length;
      watch.setFilter({ files: 'nope' });
      watch.runAll();
      await watch.settled();
      assert.equal(session.runs.length, before);
      assert.deepEqual(events.at(-2), { type: 'watch-skip', dropped: [] });
    } finally {
      await watch.close();
    }
  });

  test('mark and keyword reach a run only once a frontend set them', async () => {
    const { session, watch } = setup();
    await watch.start();
    await watch.settled();
    try {
      assert.equal('mark' in session.runs[0], false, 'the session’s own -m/-k apply');
      watch.setFilter({ mark: undefined, keyword: 'adds' });
      watch.runAll();
      await watch.settled();
      assert.deepEqual({ mark: session.runs[1].mark, keyword: session.runs[1].keyword, has: 'mark' in session.runs[1] }, { mark: undefined, keyword: 'adds', has: true });
    } finally {
      await watch.close();
    }
  });

  test('rerunFailed runs the failing tests’ files with --lf; nothing failing, or a run in progress, says no', async () => {
    const { session, watch, lastRun } = setup();
    session.failing.add('test/math.test.ts');
    await watch.start();
    await watch.settled();
    try {
      assert.deepEqual([...watch.failing.keys()], ['test/math.test.ts::t']);
      assert.equal(watch.rerunFailed(), true);
      assert.equal(watch.runAll(), false, 'one run at a time');
      await watch.settled();
      assert.equal(lastRun()?.why, 'failed');
      assert.deepEqual(session.runs.at(-1), { mode: 'watch', paths: ['test/math.test.ts'], ids: [], lastFailed: true, failedFirst: false });
      session.failing.clear();
      watch.runAll();
      await watch.settled();
      assert.equal(watch.failing.size, 0);
      assert.equal(watch.rerunFailed(), false);
    } finally {
      await watch.close();
    }
  });

  test('aside: a save during it waits for it, and its results leave the failing list alone', async () => {
    const { session, watch, save, lastRun } = setup();
    session.failing.add('test/math.test.ts');
    await watch.start();
    await watch.settled();
    try {
      let release!: () => void;
      const loop = watch.aside(
        () =>
          new Promise<string>((resolve) => {
            release = () => {
              // The loop's copies pass: the watch's failure must stay.
              session.result('test/math.test.ts', 'passed');
              resolve('loop done');
            };
          }),
      );
      assert.equal(watch.busy, true);
      await assert.rejects(watch.aside(async () => 1), /a run is already in progress/);
      const runs = session.runs.length;
      const saved = save(['src/strings.ts']);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(session.runs.length, runs, 'the save waits for the loop');
      release();
      assert.equal(await loop, 'loop done');
      await saved;
      assert.deepEqual(lastRun()?.files, ['test/strings.test.ts']);
      assert.deepEqual([...watch.failing.keys()], ['test/math.test.ts::t']);
    } finally {
      await watch.close();
    }
  });
});
