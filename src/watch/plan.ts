// Which test files a batch of file changes affects: pure, so it can be tested without a watcher.
import type { ImportGraph } from '../core/graph.js';
import type { FileChanges } from './watcher.js';

export interface WatchPlan {
  /** Everything reruns (the config or package.json changed). */
  all: boolean;
  /** Test files to run (root-relative, sorted); every selected file when `all`. */
  files: string[];
  /** Test files that were deleted: their tests are gone. */
  dropped: string[];
  /** Changed or added files that exist (to invalidate in workers). */
  touched: string[];
}

export const CONFIG_FILES = ['qa.config.ts', 'qa.config.mts', 'qa.config.js', 'qa.config.mjs', 'package.json'];

/** The batch saved, created or deleted a config file (or package.json, which may hold the config). */
export function touchesConfig(changes: FileChanges, configFiles: readonly string[] = CONFIG_FILES): boolean {
  return [...changes.added, ...changes.changed, ...changes.deleted].some((f) => configFiles.includes(f));
}

/**
 * `tests`: the test files that exist now (after the changes), narrowed to the command line's
 * paths. A changed test file reruns itself; a changed source file reruns every test file that
 * imports it directly or transitively; an added test file runs; a deleted one is dropped.
 */
export function planRun(
  changes: FileChanges,
  tests: ReadonlySet<string>,
  testsBefore: ReadonlySet<string>,
  graph: ImportGraph,
  configFiles: readonly string[] = CONFIG_FILES,
): WatchPlan {
  const touched = [...changes.added, ...changes.changed];
  const dropped = changes.deleted.filter((f) => testsBefore.has(f) && !tests.has(f));
  const all = touchesConfig(changes, configFiles);
  if (all) return { all, files: [...tests].sort(), dropped, touched };
  const files = new Set(graph.affectedTests([...touched, ...changes.deleted], (f) => tests.has(f)));
  for (const f of touched) if (tests.has(f)) files.add(f);
  return { all, files: [...files].sort(), dropped, touched };
}

