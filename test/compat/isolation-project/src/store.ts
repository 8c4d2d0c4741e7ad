// Module state that test files change in place: shared by every file unless each gets its own copy.
export const items: string[] = [];
export let count = 0;
export function add(item: string): void {
  items.push(item);
  count++;
}
