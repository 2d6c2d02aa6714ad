import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Encrypts and decrypts escrowed recovery keys with AES-256-GCM (ESC-1). */
export interface EscrowCipher {
  /** `v1.<iv>.<tag>.<ciphertext>` in base64url; the asset id and drive letter are bound as associated data. */
  encrypt(plaintext: string, context: string): string;
  decrypt(sealed: string, context: string): string;
  /** Keyed digest of a key, so a resent key is recognised without decrypting or storing it in the clear. */
  digest(plaintext: string, context: string): string;
}

/** Builds a cipher from a 32-byte key. */
export function createEscrowCipher(key: Buffer): EscrowCipher {
  if (key.length !== 32) throw new Error(`The escrow key must be 32 bytes (AES-256), got ${key.length}.`);
  const macKey = createHmac('sha256', key).update('lanet-escrow-digest').digest();
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(sealed, context) {
      const [version, iv, tag, ct] = sealed.split('.');
      if (version !== 'v1' || iv === undefined || tag === undefined || ct === undefined) {
        throw new Error('An escrowed key is not in the v1 format; the database may be damaged.');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
    digest(plaintext, context) {
      return createHmac('sha256', macKey).update(context).update('\0').update(plaintext).digest('base64url');
    },
  };
}

/** Parses LANET_ESCROW_KEY: 64 hex digits or base64 of 32 bytes. */
export function parseEscrowKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error('LANET_ESCROW_KEY must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`).');
  }
  return key;
}

/**
 * The escrow key: from LANET_ESCROW_KEY when set, else from `keyFile`, generated with mode 0600 on first start.
 * Refuses a key file others can read, since it decrypts every escrowed recovery key.
 */
export function loadEscrowKey(envValue: string | undefined, keyFile: string): { key: Buffer; source: string; generated: boolean } {
  if (envValue) return { key: parseEscrowKey(envValue), source: 'LANET_ESCROW_KEY', generated: false };
  if (existsSync(keyFile)) {
    const mode = statSync(keyFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new Error(`The escrow key file ${keyFile} has mode ${mode.toString(8)}; run \`chmod 600 ${keyFile}\` (it decrypts every recovery key).`);
    }
    return { key: parseEscrowKey(readFileSync(keyFile, 'utf8')), source: keyFile, generated: false };
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(keyFile, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return { key, source: keyFile, generated: true };
}
