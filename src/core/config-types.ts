import type { DistMode } from './types.js';

/** What `qa.config.ts` (or `"qa"` in package.json) may set. Command-line flags win over it. */
export interface QaConfig {
  /** Globs of test files, relative to the project root. */
  include?: string[];
  exclude?: string[];
  /** A number, or 'auto' for the available cores. */
  workers?: number | 'auto';
  dist?: DistMode;
  /** Registered marks and what they mean (`qa list --markers` prints them). */
  markers?: Record<string, string>;
  /** Fail collection on a mark that is not in `markers`. */
  strictMarkers?: boolean;
  /** Default `-m` expression; `-m` on the command line replaces it. */
  mark?: string;
  /** Default `-k` expression; `-k` on the command line replaces it. */
  keyword?: string;
  /** Per-test timeout in ms (default 30000); a test's own `timeout` option wins. */
  timeout?: number;
  /**
   * Every test file evaluates its own instances of the project modules it imports (default false:
   * one instance per worker, shared by the files it runs, which is faster).
   */
  isolate?: boolean;
}
