import { defineConfig } from 'vitest/config';

// `isolate` is Vitest's default: every test file gets fresh project modules.
export default defineConfig({ test: { setupFiles: ['./test/setup.ts'] } });
