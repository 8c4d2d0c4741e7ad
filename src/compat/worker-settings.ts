// The compat settings a worker was started with (the project's Vitest or Jest config, read by the
// controller), and which project a test file belongs to.
import type { MockConfig } from './lifecycle.js';
import type { FileEnvironment } from '../runtime/harness.js';

export interface WorkerProject {
  setupFiles: string[];
  globals: boolean;
  environment: string;
  environmentOptions?: Record<string, unknown>;
  /** Each test file evaluates its own instances of project modules (Vitest's `isolate`, always in Jest). */
  isolate: boolean;
  mocks: MockConfig;
  hookTimeout?: number;
}

export interface WorkerCompat {
  flavor: 'vitest' | 'jest';
  /** Where the settings came from, for messages: 'vitest.config.ts'. */
  source: string;
  projects: WorkerProject[];
  /** Root-relative test file → index in `projects`, when there is more than one. */
  fileProject?: Record<string, number>;
}

const KEY = Symbol.for('qa-lanes.compat');
const g = globalThis as unknown as Record<symbol, WorkerCompat | undefined>;

export const workerCompat = (): WorkerCompat | undefined => g[KEY];
export const setWorkerCompat = (compat: WorkerCompat | undefined): void => {
  g[KEY] = compat;
};

export function projectOf(rel: string): WorkerProject | undefined {
  const compat = g[KEY];
  return compat?.projects[compat.fileProject?.[rel] ?? 0];
}

/** What a test file needs before it is imported: its project's setup files. */
export function prepareCompatFile(rel: string): readonly string[] {
  return projectOf(rel)?.setupFiles ?? [];
}

/** The DOM a file runs in: its docblock's, else its project's; none for 'node'. The DOM code loads only for files that use it. */
export async function compatEnvironment(compat: WorkerCompat, root: string, rel: string, source: string): Promise<FileEnvironment | undefined> {
  const project = projectOf(rel);
  if ((project?.environment ?? 'node') === 'node' && !source.includes('-environment')) return undefined;
  const { docblockEnvironment, createEnvironment } = await import('./environments.js');
  const name = docblockEnvironment(source) ?? project?.environment ?? 'node';
  if (name === 'node') return undefined;
  return createEnvironment(name, project?.environmentOptions ?? {}, root, compat.flavor);
}
