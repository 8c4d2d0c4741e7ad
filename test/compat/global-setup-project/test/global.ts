import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// The log lives beside the config: tests and the e2e test read it.
const log = join(import.meta.dirname, '..', 'global.log');

export function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  appendFileSync(log, 'setup\n');
  provide('answer', { value: 42 });
  return () => appendFileSync(log, 'teardown\n');
}
