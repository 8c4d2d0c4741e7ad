export function add(a: number, b: number): number {
  return a + b;
}

export class Calculator {
  total = 0;
  plus(n: number): this {
    this.total = add(this.total, n);
    return this;
  }
}

export const settings = { precision: 2, format: (n: number) => n.toFixed(2), nested: { label: () => 'real' } };
export default function double(n: number): number {
  return n * 2;
}
