// What the Vitest and Jest compat modules hook into a worker's test lifecycle (their expect's
// per-test state, mock and timer resets), without the harness importing any of them: a file that
// does not use them never loads them. Kept on globalThis so a second copy of qa-lanes shares it.
import type { TestInfo } from './builtins.js';

export interface TestPlugin {
  /** Before a test's hooks and body. */
  beforeTest?(info: TestInfo): void;
  /**
   * After them, with what the test threw if it failed: the error to report instead (unmet
   * expect.assertions, soft failures, which come before a thrown error), or undefined.
   */
  afterTest?(info: TestInfo, failure: { error: unknown } | undefined): unknown;
  /** A test file is done in this worker: undo what its tests left (fake timers, stubbed globals). */
  afterFile?(): void;
  /** Properties every test context gets (`expect` bound to the test, Vitest's `skip` …). */
  context?(info: TestInfo): Record<string, unknown>;
}

const KEY = Symbol.for('qa-lanes.plugins');
const g = globalThis as unknown as Record<symbol, TestPlugin[] | undefined>;
export const plugins: TestPlugin[] = (g[KEY] ??= []);

export function addPlugin(plugin: TestPlugin): void {
  if (!plugins.includes(plugin)) plugins.push(plugin);
}
