import { beforeEach } from 'vitest';
// Evaluated before every test file: the counter starts again for each one.
(globalThis as Record<string, unknown>).setupRuns = ((globalThis as Record<string, number>).setupRuns ?? 0) + 1;
export const seen: string[] = [];
beforeEach(({ task }) => {
  (globalThis as Record<string, unknown>).lastTest = task.name;
});
