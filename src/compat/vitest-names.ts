// Test names of `.each` and `.for` rows as Vitest words them: printf placeholders through its own
// `format` (a function prints as its source, not `[Function: f]`), `$key` of an object row (or
// `$0` of an array row) through `objDisplay`, so strings appear quoted; `%#` and `%$` the index.
import { format, formatRegExp, objDisplay } from '@vitest/utils/display';
import { rowArgs } from '../runtime/each.js';

const isPlainObject = (x: unknown): x is Record<string, unknown> => Object.prototype.toString.call(x) === '[object Object]';

function attribute(of: unknown, path: string): unknown {
  let v: unknown = of;
  for (const key of path.split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[key];
  return v;
}

export function vitestEachName(template: string, row: unknown, index: number): string {
  const items = rowArgs(row);
  let name = template;
  if (name.includes('%#') || name.includes('%$')) {
    name = name.replace(/%%/g, '\0').replace(/%#/g, String(index)).replace(/%\$/g, String(index + 1)).replace(/\0/g, '%%');
  }
  const placeholders = name.split('%').length - 1;
  const objectRow = isPlainObject(items[0]);
  const attributes = (text: string) =>
    text.replace(/\$([$\w.]+)/g, (whole, key: string) => {
      const arrayKey = /^\d+$/.test(key);
      if (!objectRow && !arrayKey) return whole;
      return objDisplay(objectRow ? attribute(items[0], key) : attribute(items, key));
    });
  let out = '';
  let used = 0;
  let last = 0;
  for (const m of name.matchAll(formatRegExp)) {
    out += attributes(name.slice(last, m.index));
    out += used < placeholders ? format(m[0], items[used++]) : m[0];
    last = m.index! + m[0].length;
  }
  return out + attributes(name.slice(last));
}
