export function later(fn: () => void, ms: number): void {
  setTimeout(fn, ms);
}
