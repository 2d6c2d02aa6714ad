import fc from 'fast-check';

// Pieces a generated text is made of. Each is one grapheme; some span several code points (flags, ZWJ emoji,
// combining accents) and some need two UTF-16 units per code point (emoji). zod 4 counts string bounds in code points,
// as JSON Schema's maxLength does, so a valid 256-character name may be 512 UTF-16 units: a backend counting
// `.length` or bytes wrongly rejects it, which is exactly the extreme HB-2 wants exercised.
// NUL and lone surrogates are left out on purpose: JSON carries them, but PostgreSQL jsonb refuses \u0000 and
// no Windows inventory source emits either, so they would test the store rather than the protocol.
const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const PUNCTUATION = [' ', ' ', '-', '_', '.', '(', ')', '+', '&', ',', "'", '"', '\\', '/', '#'];
const ACCENTED = ['é', 'è', 'ü', 'ö', 'ä', 'ß', 'ñ', 'ç', 'ø', 'å', 'Å', 'É', 'ł', 'ő', 'ș', 'ž', 'e\u0301', 'a\u0308'];
const CJK = ['中', '文', '件', '日', '本', '語', '会', '計', 'ソ', 'フ', 'ト', '漢', '字', '한', '국', '어', '个', '人', '版'];
const OTHER_SCRIPTS = ['Д', 'ж', 'ы', 'Ω', 'λ', 'ש', 'ע', 'ع', 'ب', 'अ', 'ก'];
const EMOJI = ['🚀', '📦', '✅', '🔒', '🧪', '💾', '🎮', '👩\u200d💻', '🇩🇪', '🇯🇵', '✔\ufe0f'];

/** One grapheme, mostly ASCII, with accents, CJK, other scripts and emoji mixed in. */
export const graphemeArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...ASCII) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCTUATION) },
  { weight: 2, arbitrary: fc.constantFrom(...ACCENTED) },
  { weight: 2, arbitrary: fc.constantFrom(...CJK) },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_SCRIPTS) },
  { weight: 1, arbitrary: fc.constantFrom(...EMOJI) },
);

/** Length bounds in Unicode code points, as zod 4 and JSON Schema count them. */
export interface TextBounds {
  minLength?: number;
  maxLength: number;
  /** Cap on the number of graphemes drawn, to keep payloads small when maxLength is large. */
  maxGraphemes?: number;
}

/** Number of Unicode code points in `text` (what zod's string length checks count). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Joins graphemes while they fit in maxLength code points, then pads with ASCII up to minLength (never splits a grapheme). */
function fitText(pieces: readonly string[], minLength: number, maxLength: number): string {
  let text = '';
  let length = 0;
  for (const piece of pieces) {
    const size = codePointLength(piece);
    if (length + size > maxLength) continue;
    text += piece;
    length += size;
  }
  for (; length < minLength; length++) text += ASCII[length % ASCII.length];
  return text;
}

/** Unicode text of [minLength, maxLength] code points. */
export function unicodeText(bounds: TextBounds): fc.Arbitrary<string> {
  const minLength = bounds.minLength ?? 0;
  if (minLength > bounds.maxLength) throw new Error(`unicodeText: minLength ${minLength} exceeds maxLength ${bounds.maxLength}.`);
  const maxGraphemes = Math.max(minLength, Math.min(bounds.maxLength, bounds.maxGraphemes ?? bounds.maxLength));
  return fc.array(graphemeArbitrary, { minLength, maxLength: maxGraphemes }).map((pieces) => fitText(pieces, minLength, bounds.maxLength));
}

/** Lower-case hexadecimal text of exactly `length` digits. */
export function hexText(length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: length, maxLength: length });
}
