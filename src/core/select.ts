// Chooses which collected tests run: -m over marks, -k over names, and ids from the command line.
import { compileKeywordExpr, compileMarkExpr } from './expr.js';
import { UsageError } from './errors.js';
import type { TestMeta } from './types.js';

export interface Selection {
  mark?: string;
  keyword?: string;
  /** `file::describe::test` ids (or describe prefixes) named on the command line. */
  ids: string[];
}

export interface Selected {
  tests: TestMeta[];
  deselected: number;
}

export function select(tests: TestMeta[], sel: Selection): Selected {
  const byMark = sel.mark ? compileMarkExpr(sel.mark) : null;
  const byKeyword = sel.keyword ? compileKeywordExpr(sel.keyword) : null;
  const idFiles = new Set(sel.ids.map((id) => id.slice(0, id.indexOf('::'))));
  const kept = tests.filter((t) => {
    // An id narrows its own file only; other files given as plain paths run whole.
    if (idFiles.has(t.file) && !sel.ids.some((id) => t.id === id || t.id.startsWith(id + '::'))) return false;
    if (byMark && !byMark(t.marks)) return false;
    if (byKeyword && !byKeyword([baseName(t.file), ...t.suitePath, t.name])) return false;
    return true;
  });
  for (const id of sel.ids) {
    if (!tests.some((t) => t.id === id || t.id.startsWith(id + '::'))) {
      throw new UsageError(`no test matches the id ${id}`);
    }
  }
  return { tests: kept, deselected: tests.length - kept.length };
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/** With strict markers, a mark missing from the config's `markers` is a usage error. */
export function checkMarkers(tests: TestMeta[], registered: Record<string, string> | undefined): void {
  const known = new Set(Object.keys(registered ?? {}));
  for (const t of tests) {
    for (const mark of t.marks) {
      if (!known.has(mark)) {
        throw new UsageError(`${t.file}: mark "${mark}" is not registered (add it to "markers" in the qa config, or turn off strictMarkers)`);
      }
    }
  }
}
