// The TUI's rows mix ASCII with a few glyphs (✓ · ─ … and the spinner's braille). string-width, which
// Ink calls on every row of every frame, counts pure ASCII by length but sends any other string
// through Intl.Segmenter and Unicode-property regexps, character by character: most of the TUI's
// layout time. Its results are the reference: a character it measures as one cell, that forms a
// grapheme cluster of its own next to anything, adds exactly one cell to any string, so a string
// made only of such characters (and printable ASCII) is as wide as it is long.

/** Blocks with characters a terminal UI or a test name commonly shows; below them lies ASCII, above them CJK. */
const SCANNED = [
  [0xa0, 0x2ff], // Latin-1 punctuation and letters, Latin Extended, IPA, spacing modifiers
  [0x370, 0x52f], // Greek, Cyrillic
  [0x2010, 0x205e], // general punctuation (dashes, quotes, bullets, ellipsis, ‹ ›)
  [0x20a0, 0x20c0], // currency signs
  [0x2100, 0x23ff], // letterlike symbols, number forms, arrows, mathematical operators, technical
  [0x2500, 0x27bf], // box drawing, blocks, geometric shapes, miscellaneous symbols, dingbats
  [0x2800, 0x28ff], // braille (spinners)
];

/**
 * A regexp character class body (no brackets) of the characters in SCANNED that `stringWidth`
 * measures as one cell and that never join a neighbour in a grapheme cluster.
 */
export function narrowCharacterClass(stringWidth) {
  const segmenter = new Intl.Segmenter();
  const apart = (text) => [...segmenter.segment(text)].length === [...text].length;
  const kept = [];
  for (const [from, to] of SCANNED) {
    for (let cp = from; cp <= to; cp++) {
      const ch = String.fromCodePoint(cp);
      if (stringWidth(ch) === 1 && apart(`a${ch}`) && apart(`${ch}a`) && apart(`${ch}${ch}`)) kept.push(cp);
    }
  }
  const hex = (cp) => `\\u${cp.toString(16).padStart(4, '0')}`;
  let body = '';
  for (let i = 0; i < kept.length; ) {
    let j = i;
    while (j + 1 < kept.length && kept[j + 1] === kept[j] + 1) j++;
    body += j === i ? hex(kept[i]) : `${hex(kept[i])}-${hex(kept[j])}`;
    i = j + 1;
  }
  return body;
}
