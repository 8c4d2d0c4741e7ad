#!/usr/bin/env node
// The first worker starts booting before qa's own modules load: by the time the command line is
// parsed and the test files are found, it is ready for them (src/core/spare.ts).
import { fileURLToPath } from 'node:url';
import { startSpare } from '../dist/spare.js';

const argv = process.argv.slice(2);
if (!argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V')) {
  startSpare(fileURLToPath(new URL('../dist/worker.js', import.meta.url)));
}
await import('../dist/cli.js');
