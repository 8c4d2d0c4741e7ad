// The import graph of a watch session: which project module imports which, as workers report
// it from their module loader hooks (root-relative posix paths). Kept reversed as well, so a
// changed file leads to every module and test file that imports it, directly or transitively.

export class ImportGraph {
  /** module → modules it imports */
  private readonly out = new Map<string, Set<string>>();
  /** module → modules that import it */
  private readonly into = new Map<string, Set<string>>();

  add(from: string, to: string): void {
    if (from === to) return;
    link(this.out, from, to);
    link(this.into, to, from);
  }

  addAll(edges: Iterable<readonly [string, string]>): void {
    for (const [from, to] of edges) this.add(from, to);
  }

  /** What `file` imports, as last reported. */
  importsOf(file: string): string[] {
    return [...(this.out.get(file) ?? [])];
  }

  /** Who imports `file` directly. */
  importersOf(file: string): string[] {
    return [...(this.into.get(file) ?? [])];
  }

  /**
   * Forgets what `file` imports: it is about to be evaluated again and will report its imports
   * anew (an import removed by the edit must not keep selecting tests).
   */
  clearImports(file: string): void {
    for (const to of this.out.get(file) ?? []) this.into.get(to)?.delete(file);
    this.out.delete(file);
  }

  /** A deleted file: no edges in or out. */
  remove(file: string): void {
    this.clearImports(file);
    for (const from of this.into.get(file) ?? []) this.out.get(from)?.delete(file);
    this.into.delete(file);
  }

  /** The changed files and everything that imports any of them, directly or transitively. */
  dependents(changed: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...changed];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const up of this.into.get(f) ?? []) if (!seen.has(up)) stack.push(up);
    }
    return seen;
  }

  /** The test files among `changed` and their transitive importers, sorted. */
  affectedTests(changed: Iterable<string>, isTest: (file: string) => boolean): string[] {
    return [...this.dependents(changed)].filter(isTest).sort();
  }

  /** The graph has seen this module (it imports or is imported by a project module). */
  has(file: string): boolean {
    return this.out.has(file) || this.into.has(file);
  }

  /** Every module the graph knows. */
  nodes(): string[] {
    return [...new Set([...this.out.keys(), ...this.into.keys()])];
  }

  get size(): number {
    return new Set([...this.out.keys(), ...this.into.keys()]).size;
  }
}

function link(map: Map<string, Set<string>>, a: string, b: string): void {
  let set = map.get(a);
  if (!set) map.set(a, (set = new Set()));
  set.add(b);
}
