import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';

test('globalSetup ran once, before this file, and provided a value', () => {
  expect(readFileSync(join(import.meta.dirname, '..', 'global.log'), 'utf8')).toBe('setup\n');
  expect(inject('answer' as never)).toEqual({ value: 42 });
});

test('waits when asked to', async () => {
  if (process.env.GLOBAL_SETUP_WAIT) await new Promise((r) => setTimeout(r, 60_000));
});
