// The normalised shape of a Vitest or Jest config: plain JSON, so it can cross to workers.
export type Flavor = 'vitest' | 'jest';

/** Module-specifier rewriting, applied in order; serialisable so it can reach the workers' module hooks. */
export type AliasRule =
  | { kind: 'prefix'; find: string; replacement: string }
  | { kind: 'replace'; pattern: string; flags: string; replacement: string }
  | { kind: 'map'; pattern: string; flags: string; replacements: string[] };

export interface CompatProject {
  name?: string;
  root: string;
  include: string[];
  exclude: string[];
  /** Vitest `test.dir`: absolute; globs are searched from here instead of root. */
  dir?: string;
  testRegex?: string[];
  roots?: string[];
  ignore?: string[];
  /** Jest moduleFileExtensions, without dots: only these files are test candidates. */
  extensions?: string[];
  setupFiles: string[];
  /** Run once in the controller before any worker starts (Vitest: each may export teardown). */
  globalSetup?: string[];
  /** Jest's globalTeardown: run once after the last test. */
  globalTeardown?: string;
  globals: boolean;
  environment: string;
  /** Vitest `environmentOptions` ({ jsdom, happyDOM }), Jest `testEnvironmentOptions`. */
  environmentOptions?: Record<string, unknown>;
  testTimeout?: number;
  hookTimeout?: number;
  alias: AliasRule[];
  isolate?: boolean;
  env: Record<string, string>;
  mocks: { clearMocks?: boolean; mockReset?: boolean; restoreMocks?: boolean; unstubEnvs?: boolean; unstubGlobals?: boolean };
  sequence?: { shuffle?: boolean; concurrent?: boolean; seed?: number };
  maxConcurrency?: number;
  snapshotSerializers?: string[];
  coverage?: unknown;
}

export interface CompatConfig {
  flavor: Flavor;
  source: string;
  projects: CompatProject[];
  /** Projects the runner defines but qa cannot run (browser mode, type checks only). */
  skipped?: Array<{ name: string; reason: string }>;
}
