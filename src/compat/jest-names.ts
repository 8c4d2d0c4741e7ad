// Test names of `.each` rows as Jest words them: printf placeholders through util.format, `%p`
// through pretty-format, `%#`/`%$` the index; `$key` only in tagged-template tables, where a
// string is written as it is and anything else through pretty-format. A placeholder with no value
// left stays as written.
import { format } from 'node:util';
import { format as pretty } from 'pretty-format';
import { rowArgs } from '../runtime/each.js';

const show = (value: unknown) => pretty(value, { maxDepth: 1, min: true });

function attribute(of: unknown, path: string): unknown {
  let v: unknown = of;
  for (const key of path.split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[key];
  return v;
}

export function jestEachName(template: string, row: unknown, index: number, fromTemplate: boolean): string {
  if (fromTemplate) {
    return template
      .replace(/\$#/g, String(index))
      .replace(/\$([A-Za-z_][\w.]*)/g, (_, path: string) => {
        const value = attribute(row, path);
        return typeof value === 'string' ? value : show(value);
      });
  }
  const args = rowArgs(row);
  let next = 0;
  return template.replace(/%([sdifjoOpc%#$])/g, (whole, c: string) => {
    if (c === '%') return '%';
    if (c === '#') return String(index);
    if (c === '$') return String(index + 1);
    if (next >= args.length) return whole;
    const value = args[next++];
    return c === 'p' ? show(value) : format(`%${c}`, value);
  });
}
