import { StringDecoder } from 'node:string_decoder';

/**
 * Decodes a PowerShell output stream whatever its encoding: a UTF-16LE byte-order mark (Windows PowerShell with
 * [Console]::OutputEncoding = Unicode, or a redirected 5.1 host) switches to UTF-16LE, a UTF-8 BOM is dropped,
 * anything else is UTF-8. Multi-byte characters split across chunks are kept whole.
 */
export class StreamDecoder {
  private decoder: StringDecoder | undefined;
  private head = Buffer.alloc(0);

  /** Feeds one chunk and returns the text it completes. */
  write(chunk: Buffer): string {
    if (this.decoder) return this.decoder.write(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < 3) {
      // Wait for enough bytes to tell a BOM, unless these bytes already cannot start one.
      if (this.head.length === 0 || (this.head[0] !== 0xff && this.head[0] !== 0xef)) return this.begin('utf8', 0);
      return '';
    }
    if (this.head[0] === 0xff && this.head[1] === 0xfe) return this.begin('utf16le', 2);
    if (this.head[0] === 0xef && this.head[1] === 0xbb && this.head[2] === 0xbf) return this.begin('utf8', 3);
    return this.begin('utf8', 0);
  }

  private begin(encoding: 'utf8' | 'utf16le', skip: number): string {
    this.decoder = new StringDecoder(encoding);
    const rest = this.head.subarray(skip);
    this.head = Buffer.alloc(0);
    return this.decoder.write(rest);
  }
}

/** Decodes a whole recorded output (a fixture, or a file PowerShell wrote) the same way. */
export function decodePowerShellBytes(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

// Windows-1252's 0x80..0x9F block; the rest of the byte range maps to the same code point as Latin-1. Written as
// escapes: one character above U+00FF in the single-file agent makes V8 hold its whole source as UTF-16 (~1 MB more).
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function cp1252Byte(char: string): number | undefined {
  const code = char.charCodeAt(0);
  const high = CP1252_HIGH.indexOf(char);
  if (high !== -1) return 0x80 + high;
  return code <= 0xff ? code : undefined;
}

// UTF-8 lead bytes read as Windows-1252 (U+00C2..U+00F0: Ã, Â, â, ð and kin) followed by a continuation byte read
// the same way (U+0080..U+00BF, or the Windows-1252 block above).
const MOJIBAKE =
  /[\u00c2-\u00f0][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/;

/**
 * Repairs UTF-8 text that an installer wrote as Windows-1252 ("BenoÃ®t", "dâ€™Ã©cran"): when the string is
 * exactly the Windows-1252 reading of valid UTF-8, the UTF-8 reading is returned; anything else is left alone.
 */
export function repairMojibake(text: string): string {
  if (!MOJIBAKE.test(text)) return text;
  const bytes: number[] = [];
  for (const char of text) {
    const byte = cp1252Byte(char);
    if (byte === undefined) return text;
    bytes.push(byte);
  }
  const repaired = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  return repaired.includes('\ufffd') ? text : repaired;
}
