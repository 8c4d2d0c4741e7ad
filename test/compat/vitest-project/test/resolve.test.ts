import { describe, expect, it } from 'vitest';
import { add } from '../src/add';
import { shout } from '../src/util';
import { add as viaJs } from '../src/add.js';
import { add as viaAlias } from '@app/add';
import { add as reexported } from '../src/types';
import { VERSION } from '../src/public';

describe('resolution', () => {
  it('finds a file without its extension', () => expect(add(1, 2)).toBe(3));
  it('finds a folder index', () => expect(shout('hi')).toBe('HI!'));
  it('reads a .js specifier as the .ts file', () => expect(viaJs(2, 2)).toBe(4));
  it('applies the Vite alias', () => expect(viaAlias(3, 3)).toBe(6));
  it('re-exports a type with export type', () => expect(reexported(1, 1)).toBe(2));
  it('tolerates a type re-exported without export type', () => expect(VERSION).toBe(1));
  it('ran the setup file before this file', () => expect((globalThis as Record<string, unknown>).lastTest).toBe('ran the setup file before this file'));
});
