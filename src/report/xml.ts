// Helpers for the file reports (JUnit XML, JSON) and CI annotations: text that is safe to put in
// XML 1.0 whatever a test printed, and files that are either whole or absent.

/**
 * ANSI escape sequences: CSI (`ESC [ … final`, also the 8-bit form U+009B), OSC (`ESC ] … BEL|ST`)
 * and the two-character escapes (`ESC c`, `ESC 7`, …).
 */
const ANSI =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[P^_][^\u001b]*\u001b\\|\u001b[ -/]*[0-~]/g;

export function stripAnsi(text: string): string {
  return text.includes('\u001b') || text.includes('\u009b') ? text.replace(ANSI, '') : text;
}

/**
 * Everything XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab,
 * newline and CR; U+FFFE and U+FFFF; surrogates that are not half of a pair. With the `u` flag a
 * proper pair is one code point (allowed), a lone surrogate is its own code point (not allowed).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as it goes into a report: no terminal escapes, no characters XML cannot carry. */
export function cleanText(text: string): string {
  return stripAnsi(text).replace(NOT_XML_CHAR, '');
}

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be normalized away by every parser (CRLF → LF); a reference survives.
  '\r': '&#13;',
};

const ATTR_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  // Attribute-value normalization turns raw whitespace into spaces; references keep it.
  '\n': '&#10;',
  '\t': '&#9;',
};

/** Character data for an element body. `>` is escaped too, so `]]>` can never appear. */
export function xmlText(text: string): string {
  return cleanText(text).replace(/[&<>"'\r]/g, (c) => TEXT_ESCAPES[c]);
}

/** The inside of a double-quoted attribute value. */
export function xmlAttr(text: string): string {
  return cleanText(text).replace(/[&<>"'\r\n\t]/g, (c) => ATTR_ESCAPES[c]);
}

/** `<name a="1" b="2">`-style attribute list; undefined values are left out. */
export function attrs(values: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out += ` ${key}="${xmlAttr(String(value))}"`;
  }
  return out;
}
