// Names for `.each` rows: printf-style placeholders like Jest, and `$field` for object rows.
import { format } from 'node:util';

export function eachName(template: string, row: unknown, index: number): string {
  const args = Array.isArray(row) ? row : [row];
  let name = template.replace(/%#/g, String(index));
  if (!Array.isArray(row) && row !== null && typeof row === 'object') {
    name = name.replace(/\$([A-Za-z_][\w.]*)/g, (whole, path: string) => {
      let v: unknown = row;
      for (const key of path.split('.')) v = v == null ? undefined : (v as Record<string, unknown>)[key];
      return v === undefined ? whole : typeof v === 'string' ? v : format('%j', v);
    });
  }
  const placeholders = name.match(/%[sdifjoOp]/g)?.length ?? 0;
  return placeholders ? format(name.replace(/%p/g, '%O'), ...args.slice(0, placeholders)) : name;
}

/** Each row becomes the argument list: arrays spread, anything else is one argument. */
export function rowArgs(row: unknown): unknown[] {
  return Array.isArray(row) ? row : [row];
}

/**
 * Jest's and Vitest's tagged-template tables: the first line names the columns
 * (`a | b | expected`), the interpolated values fill the rows left to right.
 */
export function templateTable(strings: TemplateStringsArray, values: unknown[]): Array<Record<string, unknown>> {
  const headings = strings[0].split('|').map((h) => h.trim()).filter(Boolean);
  if (headings.length === 0) throw new TypeError('.each`…`: the first line of the table must name its columns, separated by |');
  if (values.length % headings.length !== 0) {
    throw new TypeError(`.each\`…\`: ${values.length} values do not fill rows of ${headings.length} columns (${headings.join(', ')})`);
  }
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < values.length; i += headings.length) {
    rows.push(Object.fromEntries(headings.map((h, j) => [h, values[i + j]])));
  }
  return rows;
}
