/** Module-specifier rewriting, applied in order; serialisable so it can reach the workers' module hooks. */
export type AliasRule =
  | { kind: 'prefix'; find: string; replacement: string }
  | { kind: 'replace'; pattern: string; flags: string; replacement: string }
  | { kind: 'map'; pattern: string; flags: string; replacements: string[] };
