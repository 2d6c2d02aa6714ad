/**
 * Removes every `"recovery_key": <string|null>` member from JSON text without re-serialising it (FLT-3, ESC-1): the stored
 * payload stays the text as received, and a heartbeat skips a JSON.stringify of ~7 KB. Returns undefined whenever the
 * text is not the plain case (a key spelled with escapes, a recovery_key holding another type): the caller then
 * redacts the parsed value and serialises it. The caller has already parsed `text` successfully, so it is valid JSON.
 */
export function redactRecoveryKeysInText(text: string): string | undefined {
  if (!text.includes('recovery_key')) return text.includes('\\u') ? undefined : text;
  const cuts: Array<[number, number]> = [];
  let i = 0;
  const n = text.length;
  const skipWs = (k: number): number => {
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      k++;
    }
    return k;
  };
  /** Index just past the string starting at `k` (a quote). */
  const endOfString = (k: number): number => {
    k++;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 0x5c) k += 2;
      else if (c === 0x22) return k + 1;
      else k++;
    }
    return n;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x22) { i++; continue; }
    const start = i;
    const end = endOfString(i);
    const afterKey = skipWs(end);
    i = end;
    if (text.charCodeAt(afterKey) !== 0x3a) continue; // a value, not a key
    const key = text.slice(start + 1, end - 1);
    if (key.includes('\\')) return undefined; // an escaped spelling could be "recovery_key": take the safe path
    if (key !== 'recovery_key') continue;
    const valueStart = skipWs(afterKey + 1);
    let valueEnd: number;
    if (text.charCodeAt(valueStart) === 0x22) valueEnd = endOfString(valueStart);
    else if (text.startsWith('null', valueStart)) valueEnd = valueStart + 4;
    else return undefined; // not a string or null: let the object walk handle it
    // Take the member with one comma: the one after it, else the one before it (last member of its object).
    const next = skipWs(valueEnd);
    if (text.charCodeAt(next) === 0x2c) {
      cuts.push([start, skipWs(next + 1)]);
    } else {
      let prev = start - 1;
      while (prev >= 0 && /\s/.test(text[prev]!)) prev--;
      cuts.push([text.charCodeAt(prev) === 0x2c ? prev : start, valueEnd]);
    }
    i = valueEnd;
  }
  if (cuts.length === 0) return text.includes('\\u') ? undefined : text;
  let out = '';
  let from = 0;
  for (const [a, b] of cuts) {
    out += text.slice(from, a);
    from = b;
  }
  return out + text.slice(from);
}
