// Loaded with `node --import` in workers of runs that have TypeScript files.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
