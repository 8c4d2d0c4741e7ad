// Numbers as every bench table prints them: the median of a run's samples, a time, a ratio.
export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
export const fmt = (ms: number): string => (!Number.isFinite(ms) ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
export const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');
