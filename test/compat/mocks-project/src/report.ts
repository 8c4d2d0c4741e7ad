import double, { add, settings } from './math';

export function report(a: number, b: number): string {
  return `${settings.format(add(a, b))} / ${double(a)}`;
}
