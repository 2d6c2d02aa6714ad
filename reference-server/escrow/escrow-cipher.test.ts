import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEscrowCipher, loadEscrowKey, parseEscrowKey } from './escrow-cipher.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('escrow cipher (ESC-1)', () => {
  const cipher = createEscrowCipher(Buffer.alloc(32, 7));

  it('round-trips a key and never stores the plaintext', () => {
    const sealed = cipher.encrypt('123456-654321-111111', 'asset:C:');
    expect(sealed).not.toContain('123456');
    expect(cipher.decrypt(sealed, 'asset:C:')).toBe('123456-654321-111111');
  });

  it('rejects a ciphertext moved to another asset or volume (associated data)', () => {
    const sealed = cipher.encrypt('secret-key', 'a:C:');
    expect(() => cipher.decrypt(sealed, 'b:C:')).toThrow();
  });

  it('parses hex and base64 keys and refuses other lengths', () => {
    expect(parseEscrowKey('ab'.repeat(32)).length).toBe(32);
    expect(parseEscrowKey(Buffer.alloc(32, 1).toString('base64')).length).toBe(32);
    expect(() => parseEscrowKey('abcd')).toThrow(/32 bytes/);
  });

  it('generates a key file with mode 0600 and refuses a readable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-escrow-'));
    dirs.push(dir);
    const file = join(dir, 'escrow.key');
    const first = loadEscrowKey(undefined, file);
    expect(first.generated).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadEscrowKey(undefined, file).key.equals(first.key)).toBe(true);
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, 'ab'.repeat(32), { mode: 0o644 });
    expect(() => loadEscrowKey(undefined, loose)).toThrow(/chmod 600/);
  });
});
