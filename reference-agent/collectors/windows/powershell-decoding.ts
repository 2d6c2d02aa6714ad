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

// Windows-1252's 0x80..0x9F block; the rest of the byte range maps to the same code point as Latin-1.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function cp1252Byte(char: string): number | undefined {
  const code = char.charCodeAt(0);
  const high = CP1252_HIGH.indexOf(char);
  if (high !== -1) return 0x80 + high;
  return code <= 0xff ? code : undefined;
}

// UTF-8 lead bytes read as Windows-1252 (Ã, Â, â, ð and kin) followed by a continuation byte read the same way.
const MOJIBAKE = /[ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïð][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/;

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
