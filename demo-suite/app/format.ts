// Display formatting. Written by hand rather than with Intl so that output does not change
// with the ICU data bundled in whichever Node version runs the suite.

const SYMBOLS = { USD: '$', EUR: '€', GBP: '£' } as const;
export type Currency = keyof typeof SYMBOLS;

function groupThousands(n: number, sep: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** `123456` USD → `$1,234.56`; EUR uses the German convention `1.234,56 €`. */
export function formatMoney(cents: number, currency: Currency = 'USD'): string {
  if (!Number.isInteger(cents)) throw new RangeError(`cents must be an integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const major = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, '0');
  if (currency === 'EUR') return `${sign}${groupThousands(major, '.')},${minor} €`;
  return `${sign}${SYMBOLS[currency]}${groupThousands(major, ',')}.${minor}`;
}

/** `65_000` → `1m 05s`; below a second → `850ms`; below a minute → `4.2s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return `${minutes}m ${seconds}s`;
}

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Shortens to at most `max` characters, ending in an ellipsis when something was cut. */
export function truncate(text: string, max: number): string {
  if (max < 1) throw new RangeError('max must be at least 1');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `4242 4242 4242 4242` → `•••• 4242`. Card numbers never appear in full in logs or responses. */
export function maskCard(cardNumber: string): string {
  const digits = cardNumber.replace(/\D/g, '');
  return `•••• ${digits.slice(-4)}`;
}
