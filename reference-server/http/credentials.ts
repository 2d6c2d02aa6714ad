import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** SHA-256 in hex: tokens carry 256 random bits, so a fast hash is enough to store them safely (AUTH-4). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new random credential: 32 bytes in base64url (43 characters, within the contract's 32..256). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The bearer credential of a request, or undefined when there is none. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Compares a presented secret with a stored hash in constant time. */
export function matchesHash(presented: string | undefined, expectedHashHex: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(expectedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
