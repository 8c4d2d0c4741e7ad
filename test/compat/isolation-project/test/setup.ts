import { seen } from '../src/seen-by-setup';

// Runs before each test file, in that file's own module graph.
seen.push('setup');
