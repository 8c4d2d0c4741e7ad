// The build widens string-width's ASCII shortcut (width = length) to the characters
// scripts/narrow-chars.mjs picks; this checks that shortcut against string-width itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';
// @ts-expect-error: a plain .mjs build script, no declarations
import { narrowCharacterClass } from '../../scripts/narrow-chars.mjs';

const body: string = narrowCharacterClass(stringWidth);
const shortcut = new RegExp(`^[\\u0020-\\u007E${body}]*$`);
const narrow = [...new Set([...' ~abcXYZ019', ...expand(body)])];

function expand(cls: string): string[] {
  const out: string[] = [];
  for (const m of cls.matchAll(/\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?/g)) {
    const from = parseInt(m[1], 16);
    const to = m[2] ? parseInt(m[2], 16) : from;
    for (let cp = from; cp <= to; cp++) out.push(String.fromCodePoint(cp));
  }
  return out;
}

test('the glyphs the TUI draws are in the shortcut; emoji, wide and combining characters are not', () => {
  for (const glyph of '✓✗·─…↑↓→×›○↻–⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏é') assert.ok(shortcut.test(glyph), `${glyph} U+${glyph.codePointAt(0)!.toString(16)}`);
  for (const other of ['✅', '❌', '⌚', '◽', '漢', 'ｱ', 'e\u0301', '\u200b', '\u00ad', '🙂', '\t']) assert.ok(!shortcut.test(other), JSON.stringify(other));
});

test('every string the shortcut accepts is as wide as it is long, by string-width itself', () => {
  // mulberry32: a seeded generator whose every bit is usable.
  let seed = 7;
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const pick = () => narrow[random(narrow.length)];
  for (let i = 0; i < 40_000; i++) {
    let s = '';
    for (let k = 1 + random(8); k > 0; k--) s += pick();
    assert.ok(shortcut.test(s));
    assert.equal(stringWidth(s), s.length, `${JSON.stringify(s)} ${[...s].map((c) => c.codePointAt(0)!.toString(16)).join(' ')}`);
  }
  // Pairs are where characters could join into one cluster: each character with itself and ASCII, and random pairs.
  for (const c of narrow) for (const s of [c + c, `a${c}`, `${c}a`]) assert.equal(stringWidth(s), 2, JSON.stringify(s));
  for (let i = 0; i < 100_000; i++) {
    const s = pick() + pick();
    assert.equal(stringWidth(s), 2, JSON.stringify(s));
  }
});
