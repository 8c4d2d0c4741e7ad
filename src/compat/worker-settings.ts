// The compat settings a worker was started with (the project's Vitest or Jest config, read by the
// controller), and which project a test file belongs to.
import type { MockConfig } from './lifecycle.js';
import { UnsupportedApiError } from './unsupported.js';

export interface WorkerProject {
  setupFiles: string[];
  globals: boolean;
  environment: string;
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

/** What a test file needs before it is imported: its project's setup files. Throws for an environment qa lacks. */
export function prepareCompatFile(compat: WorkerCompat, rel: string): readonly string[] {
  const project = projectOf(rel);
  if (!project) return [];
  if (project.environment !== 'node') {
    throw new UnsupportedApiError(`environment: '${project.environment}'`, `${compat.source} asks for it; only 'node' runs today`);
  }
  return project.setupFiles;
}
