const KEY = '"recovery_key"';

/** True when the quote at `q` is not escaped (preceded by an even number of backslashes). */
function realQuoteAt(text: string, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && text.charCodeAt(k) === 0x5c) k--;
  return (q - 1 - k) % 2 === 0;
}

/** Index just past the JSON string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return text.length;
    if (realQuoteAt(text, j)) return j + 1;
  }
}

function skipWs(text: string, k: number): number {
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
 * Removes every `"recovery_key": <string|null>` member from JSON text without re-serialising it (FLT-3, ESC-1), so the
 * stored payload stays the text as received and a heartbeat skips a JSON.stringify of ~7 KB.
 * `expected` is how many recovery_key members the parsed body holds (the object walk counts them, escaped spellings
 * and duplicates included): unless exactly that many literal members are cut, the answer is undefined and the caller
 * serialises the redacted value instead. `text` must be valid JSON (it was parsed already).
 */
export function redactRecoveryKeysInText(text: string, expected: number): string | undefined {
  const cuts: Array<[number, number]> = [];
  for (let at = text.indexOf(KEY); at >= 0; at = text.indexOf(KEY, at + 1)) {
    // In valid JSON an unescaped quote followed by recovery_key" opens a string; an escaped one is inside another string.
    if (!realQuoteAt(text, at)) continue;
    const colon = skipWs(text, at + KEY.length);
    if (text.charCodeAt(colon) !== 0x3a) continue; // the string "recovery_key" as a value
    const valueStart = skipWs(text, colon + 1);
    let valueEnd: number;
    if (text.charCodeAt(valueStart) === 0x22) valueEnd = stringEnd(text, valueStart);
    else if (text.startsWith('null', valueStart)) valueEnd = valueStart + 4;
    else return undefined; // another type: the object walk handles it
    // Take the member with one comma: the one after it, else the one before it (the last member of its object).
    const next = skipWs(text, valueEnd);
    if (text.charCodeAt(next) === 0x2c) {
      cuts.push([at, skipWs(text, next + 1)]);
    } else {
      const prev = skipWsBack(text, at - 1);
      cuts.push([text.charCodeAt(prev) === 0x2c ? prev : at, valueEnd]);
    }
    at = valueEnd - 1;
  }
  if (cuts.length !== expected) return undefined;
  if (cuts.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [a, b] of cuts) {
    out += text.slice(from, a);
    from = b;
  }
  return out + text.slice(from);
}
