// A tiny JSX factory: elements as plain objects, enough to check the transform.
export function h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): { type: unknown; props: Record<string, unknown> } {
  return { type, props: { ...props, children: children.length === 1 ? children[0] : children } };
}
export const Fragment = 'fragment';
