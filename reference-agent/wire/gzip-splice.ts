import { crc32, deflateRawSync, type ZlibOptions } from 'node:zlib';

/**
 * A gzip member (RFC 1952) built from two parts: a short head stored uncompressed and a tail deflated once ahead of
 * time. A heartbeat's per-beat members (asset id, timestamp, metrics: ~200 bytes) change every beat, its inventory
 * (4-100 KB) rarely; deflating only the inventory, once, makes each beat's body a copy instead of a compression. Why:
 * a fleet simulator sends 2,000 heartbeats a second on the machine it loads (PERF-1), and gzipping each whole body cost
 * it ~85 µs, more than the rest of a send. Any gzip reader inflates the member to head + tail exactly.
 */

/** A tail deflated on its own (raw deflate ending in a final block), with what the gzip trailer needs of it. */
export interface DeflatedPart {
  /** Raw deflate stream of the tail's UTF-8 bytes; it starts on a byte boundary and ends with a final block. */
  readonly deflated: Buffer;
  /** CRC-32 of the tail's UTF-8 bytes. */
  readonly crc: number;
  /** Length of the tail's UTF-8 bytes. */
  readonly length: number;
}

/** Deflates `text` once for gzipSpliced. */
export function deflatePart(text: string, options: ZlibOptions = {}): DeflatedPart {
  const bytes = Buffer.from(text, 'utf8');
  return { deflated: exactCopy(deflateRawSync(bytes, options)), crc: crc32(bytes), length: bytes.length };
}

/**
 * The bytes of `buffer` in a buffer of their own. Why: zlib's synchronous calls return a view of a 16 KB output chunk,
 * so a kept 2 KB result holds 16 KB; a simulator keeping one per agent held ~64 MB more at 2,000 agents (issue 13).
 */
export function exactCopy(buffer: Buffer): Buffer<ArrayBuffer> {
  const copy = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(copy);
  return copy;
}

/** Deflate's stored blocks hold at most this many bytes each (RFC 1951, 3.2.4). */
const STORED_MAX = 65_535;
/** ID1 ID2, CM = deflate, no flags, MTIME 0 (deterministic), XFL 0, OS 255 (unknown: the same bytes on every platform). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** The gzip member whose content is `head` followed by the tail `tail` was deflated from. */
export function gzipSpliced(head: string, tail: DeflatedPart): Buffer<ArrayBuffer> {
  const headBytes = Buffer.from(head, 'utf8');
  const blocks = Math.max(1, Math.ceil(headBytes.length / STORED_MAX));
  const out = Buffer.allocUnsafe(GZIP_HEADER.length + blocks * 5 + headBytes.length + tail.deflated.length + 8);
  let at = GZIP_HEADER.copy(out, 0);
  for (let b = 0; b < blocks; b++) {
    const chunk = headBytes.subarray(b * STORED_MAX, (b + 1) * STORED_MAX);
    // BFINAL 0, BTYPE 00 (stored), padded to the byte: the tail's blocks follow, and its last one is final.
    out[at++] = 0x00;
    out.writeUInt16LE(chunk.length, at);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 2);
    at += 4;
    at += chunk.copy(out, at);
  }
  at += tail.deflated.copy(out, at);
  out.writeUInt32LE(crc32Combine(crc32(headBytes), tail.crc, tail.length), at);
  out.writeUInt32LE((headBytes.length + tail.length) >>> 0, at + 4);
  return out;
}

const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC-32 polynomial (bit-reflected), as zlib's multmodp. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) modulo the polynomial, for n = 0..31 (zlib's x2n_table). */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  for (let n = 0; n < 32; n++) {
    table.push(p);
    p = multModP(p, p);
  }
  return table;
})();

/** CRC-32 of A followed by B from crc(A), crc(B) and B's length, as zlib's crc32_combine (without reading either). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  // x^(8 * lengthB) mod p, by squaring: bit k of the byte count selects x^(2^(k+3)).
  let p = 0x80000000; // x^0
  let n = lengthB;
  for (let k = 3; n > 0; k++, n = Math.floor(n / 2)) if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
  return (multModP(p, crcA >>> 0) ^ crcB) >>> 0;
}
