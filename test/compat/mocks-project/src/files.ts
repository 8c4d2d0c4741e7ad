import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';

export const firstLine = (path: string): string => readFileSync(path, 'utf8').split('\n')[0];
export const matches = (glob: string, path: string): boolean => picomatch(glob)(path);
