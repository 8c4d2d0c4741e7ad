export const typed = (n: number): string => `n=${n}`;
