import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '../checks/check-types.js';

/** Placeholders for credentials the suite was given, so a printed command never carries the real ones (AUTH-4). */
export interface KnownCredentials {
  enrollmentSecret?: string;
  adminToken?: string;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes a failure's request body to DIR/failures/KEY-N.json and returns a ready curl command that replays it
 * (--data-binary @FILE); the enrollment secret and admin token appear as $LANET_ENROLLMENT_SECRET / $LANET_ADMIN_TOKEN.
 */
export function saveReproduction(reportDir: string, key: string, index: number, finding: Finding, targetUrl: string, creds: KnownCredentials): { file?: string; curl?: string } {
  const sent = finding.sent;
  if (!sent) return {};
  const dir = resolve(reportDir, 'failures');
  mkdirSync(dir, { recursive: true });
  const base = `${key.replaceAll('/', '_')}-${index + 1}`;
  let file: string | undefined;
  if (sent.body !== undefined) {
    file = join(dir, `${base}.${sent.headers['content-type']?.includes('json') ? 'json' : 'txt'}`);
    let body = sent.body;
    try { body = JSON.stringify(JSON.parse(sent.body), null, 2); } catch { /* not JSON: keep the bytes as sent */ }
    writeFileSync(file, body);
  }
  const parts = ['curl', '-sS', '-i', '-X', sent.method];
  for (const [name, value] of Object.entries(sent.headers)) {
    if (name === 'content-length') continue;
    let v = value;
    if (creds.enrollmentSecret && v.includes(creds.enrollmentSecret)) v = v.replace(creds.enrollmentSecret, '$LANET_ENROLLMENT_SECRET');
    if (creds.adminToken && v.includes(creds.adminToken)) v = v.replace(creds.adminToken, '$LANET_ADMIN_TOKEN');
    parts.push('-H', v.includes('$LANET_') ? `"${name}: ${v}"` : shellQuote(`${name}: ${v}`));
  }
  if (file) parts.push('--data-binary', `@${file}`);
  parts.push(shellQuote(new URL(sent.path, targetUrl).href));
  return { file, curl: parts.join(' ') };
}
