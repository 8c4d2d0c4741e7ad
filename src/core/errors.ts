/**
 * A mistake in what the user asked for (flag, expression, config, path).
 * Frontends print `message` on one line, then any `detail` lines, and exit 4;
 * never a stack trace.
 */
export class UsageError extends Error {
  readonly detail: string[];
  constructor(message: string, detail: string[] = []) {
    super(message);
    this.name = 'UsageError';
    this.detail = detail;
  }
}
