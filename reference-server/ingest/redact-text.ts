const KEY_NAME = 'recovery_key';
/** `"recovery_key"` spelled with every character as `\uXXXX` is 12 * 6 + 2 characters: no longer spelling decodes to it. */
const KEY_SPELLING_MAX = KEY_NAME.length * 6 + 2;

/** True when the quote at `q` is not escaped (preceded by an even number of backslashes). */
function realQuoteAt(text: string, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && text.charCodeAt(k) === 0x5c) k--;
  return (q - 1 - k) % 2 === 0;
}

/** Index just past the JSON string whose opening quote is at `start`. */
export function stringEnd(text: string, start: number): number {
  let j = start;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return text.length;
    if (realQuoteAt(text, j)) return j + 1;
  }
}

/** Index of the first non-whitespace character at or after `k`. */
export function skipWs(text: string, k: number): number {
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    k++;
  }
  return k;
}

function skipWsBack(text: string, k: number): number {
  while (k >= 0) {
    const c = text.charCodeAt(k);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    k--;
  }
  return k;
}

/**
 * True when the JSON string text[start, end) decodes to `recovery_key`, however it is spelled (ESC-1: `"recovery\u005fkey"`
 * is the same member name). Only spellings of a length that can decode to it are decoded, so the check stays O(1).
 */
function isKeyName(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === KEY_NAME.length + 2) return text.startsWith(KEY_NAME, start + 1);
  if (length < KEY_NAME.length + 2 || length > KEY_SPELLING_MAX) return false;
  const raw = text.slice(start, end);
  return raw.includes('\\') && JSON.parse(raw) === KEY_NAME;
}

/** What one pass over a JSON text found: how many members it spells and where its recovery_key members are. */
export interface JsonTextScan {
  /** Object members the text spells, duplicates counted each time: more than the parsed value holds means duplicates. */
  members: number;
  /** [from, to) spans that cut each recovery_key member (any spelling) with one comma; undefined when the cut is not exact. */
  keyCuts: Array<[number, number]> | undefined;
}

/**
 * Finds every object member name in valid JSON text (one pass, native indexOf between strings) and the span of each
 * member whose name decodes to recovery_key (FLT-3, ESC-1). `text` must be valid JSON: it was parsed already.
 */
export function scanJsonText(text: string): JsonTextScan {
  let members = 0;
  let cuts: Array<[number, number]> | undefined = [];
  let lastCutEnd = 0;
  for (let at = text.indexOf('"'); at >= 0; ) {
    // Outside strings, every quote opens one; jumping string to string never lands inside one.
    const end = stringEnd(text, at);
    const colon = skipWs(text, end);
    if (text.charCodeAt(colon) === 0x3a) {
      members++;
      if (cuts !== undefined && isKeyName(text, at, end)) {
        const valueStart = skipWs(text, colon + 1);
        let valueEnd = -1;
        if (text.charCodeAt(valueStart) === 0x22) valueEnd = stringEnd(text, valueStart);
        else if (text.startsWith('null', valueStart)) valueEnd = valueStart + 4;
        // Take the member with one comma: the one after it, else the one before it (the last member of its object).
        const next = valueEnd < 0 ? -1 : skipWs(text, valueEnd);
        let cut: [number, number] | undefined;
        if (next >= 0 && text.charCodeAt(next) === 0x2c) cut = [at, skipWs(text, next + 1)];
        else if (next >= 0) {
          const prev = skipWsBack(text, at - 1);
          cut = [text.charCodeAt(prev) === 0x2c ? prev : at, valueEnd];
        }
        // Another value type, or two cuts sharing a comma (duplicates): the caller serialises the parsed value instead.
        if (cut === undefined || cut[0] < lastCutEnd) cuts = undefined;
        else {
          cuts.push(cut);
          lastCutEnd = cut[1];
        }
      }
    }
    at = text.indexOf('"', end);
  }
  return { members, keyCuts: cuts };
}

/** The text with the given ascending [from, to) spans removed. */
export function cutSpans(text: string, spans: ReadonlyArray<readonly [number, number]>): string {
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [a, b] of spans) {
    out += text.slice(from, a);
    from = b;
  }
  return out + text.slice(from);
}
