// The order programs and collectors are sorted in: ICU's English collation, case- and accent-insensitive, numbers
// by value (Intl.Collator('en', { sensitivity: 'base', numeric: true })). Creating that collator makes V8 load ICU's
// collation code and data, ~2.9 MB of RSS the agent would keep for good (PERF-3; measured with the service's node
// flags on Node 20). For printable ASCII, which most program names and every collector name are, the same order is
// computed here from ICU's own ranking of those characters (name-order.test.ts holds it to Intl.Collator on
// generated strings); any other string goes to the collator, created on first need, so the order never changes.

/** Printable ASCII in ICU root order at primary strength (letters: lower case; digits are compared as numbers). */
const SYMBOLS = ` _-,;:!?.'"()[]{}@*/\\&#%\`^+<=>|~$`;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** A digit run sorts after every symbol and before every letter, as ICU's numeric collation puts it. */
const NUMBER_RANK = SYMBOLS.length;
const rank = new Int16Array(128).fill(-1);
for (let i = 0; i < SYMBOLS.length; i++) rank[SYMBOLS.charCodeAt(i)] = i;
for (let i = 0; i < LETTERS.length; i++) {
  rank[LETTERS.charCodeAt(i)] = NUMBER_RANK + 1 + i;
  rank[LETTERS.toUpperCase().charCodeAt(i)] = NUMBER_RANK + 1 + i;
}
// ICU compares a number of more than 254 digits chunk by chunk; such runs (and everything not printable ASCII) go to ICU.
const FAST = /^(?:[ -/:-~]|[0-9]{1,254}(?![0-9]))*$/;

let collator: Intl.Collator | undefined;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function compareAscii(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (isDigit(x) && isDigit(y)) {
      // Both at a number: compare values (leading zeros do not count, "007" equals "7"), then go on after both.
      let si = i;
      while (si < a.length - 1 && a.charCodeAt(si) === 48 && isDigit(a.charCodeAt(si + 1))) si++;
      let sj = j;
      while (sj < b.length - 1 && b.charCodeAt(sj) === 48 && isDigit(b.charCodeAt(sj + 1))) sj++;
      let ei = si;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = sj;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return ei - si < ej - sj ? -1 : 1;
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
      i = ei;
      j = ej;
      continue;
    }
    const rx = isDigit(x) ? NUMBER_RANK : rank[x]!;
    const ry = isDigit(y) ? NUMBER_RANK : rank[y]!;
    if (rx !== ry) return rx < ry ? -1 : 1;
    i++;
    j++;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** Compares two names as Intl.Collator('en', { sensitivity: 'base', numeric: true }) does, loading ICU only for non-ASCII text. */
export function compareNames(a: string, b: string): number {
  if (FAST.test(a) && FAST.test(b)) return compareAscii(a, b);
  collator ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return collator.compare(a, b);
}
