import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Finding, Profile, SentRequest } from '../checks/check-types.js';

/** Credentials the suite was given: a report never prints them, it names the variables that hold them (AUTH-4). */
export interface KnownCredentials {
  enrollmentSecret?: string;
  adminToken?: string;
}

/** Everything a replay command needs to rerun one check exactly as this run ran it. */
export interface ReplayInfo {
  target: string;
  /** True when the suite started the reference server itself (no --target): the replay starts a fresh one too. */
  spawned: boolean;
  profiles: readonly Profile[];
  seed: number;
  maxExamples: number;
  maxMutations?: number;
  offlineAfterS?: number;
  slowClientLimitS: number;
  reportDir: string;
  creds: KnownCredentials;
}

/** One failure as every report format shows it: what was sent, what came back, what was expected, and how to replay it. */
export interface FailureRecord {
  message: string;
  request?: SentRequest;
  response?: string;
  expected?: string;
  seed: number;
  /** The request body as a file (pretty JSON when it was JSON), relative to the working directory. */
  payload_file?: string;
  /** One HTTP request replayed with curl (payload rules). */
  curl?: string;
  /** The whole check rerun with this run's target, profiles, seed and sizes (stateful rules, property checks). */
  replay: string;
  /** A Node.js script that replays a transport-level failure (GEN-4, GEN-8), and the likely cause. */
  replay_script?: string;
  likely_cause?: string;
}

/** Default sizes of `lanet conformance`, left out of a replay command when the run used them. */
const DEFAULTS = { maxExamples: 1000, slowClientLimitS: 20 };

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Replaces every known credential in `value` with its environment variable reference. */
export function redact(value: string, creds: KnownCredentials): string {
  let v = value;
  if (creds.enrollmentSecret) v = v.replaceAll(creds.enrollmentSecret, '$LANET_ENROLLMENT_SECRET');
  if (creds.adminToken) v = v.replaceAll(creds.adminToken, '$LANET_ADMIN_TOKEN');
  return v;
}

/**
 * The `lanet conformance` command that reruns one check as this run ran it: target, profiles, seed, sizes and the
 * check's key. Credentials stay in the environment (LANET_ENROLLMENT_SECRET, LANET_ADMIN_TOKEN), which the CLI reads:
 * on the command line, even as "$VAR", they would be expanded into the process list (AUTH-4).
 */
export function replayCommand(info: ReplayInfo, checkKey: string): string {
  const parts = ['npx', 'lanet', 'conformance'];
  if (!info.spawned) parts.push('--target', shellQuote(info.target));
  parts.push('--profile', info.profiles.join(','));
  parts.push('--seed', String(info.seed));
  if (info.maxExamples !== DEFAULTS.maxExamples) parts.push('--max-examples', String(info.maxExamples));
  if (info.maxMutations !== undefined && info.maxMutations !== info.maxExamples) parts.push('--max-mutations', String(info.maxMutations));
  if (!info.spawned && info.offlineAfterS !== undefined) parts.push('--offline-after', String(info.offlineAfterS));
  if (info.slowClientLimitS !== DEFAULTS.slowClientLimitS) parts.push('--slow-client-limit', String(info.slowClientLimitS));
  parts.push('--checks', shellQuote(checkKey));
  return parts.join(' ');
}

/** The curl command for one request; credentials appear as variables, the body as @FILE. */
function curlFor(sent: SentRequest, file: string | undefined, info: ReplayInfo): string {
  const parts = ['curl', '-sS', '-i', '-X', sent.method];
  for (const [name, value] of Object.entries(sent.headers)) {
    if (name === 'content-length') continue;
    const v = redact(value, info.creds);
    parts.push('-H', v.includes('$LANET_') ? `"${name}: ${v}"` : shellQuote(`${name}: ${v}`));
  }
  if (file) parts.push('--data-binary', `@${file}`);
  parts.push(shellQuote(new URL(sent.path, info.target).href));
  return parts.join(' ');
}

/**
 * Builds a finding's record and writes its files: the request body to DIR/failures/KEY-N.json (or .txt) and, for a
 * transport failure, its script to DIR/failures/KEY-N.mjs. Paths are relative to the working directory when inside it.
 */
export function failureRecord(info: ReplayInfo, checkKey: string, index: number, finding: Finding): FailureRecord {
  const dir = resolve(info.reportDir, 'failures');
  const base = `${checkKey.replaceAll('/', '_')}-${index + 1}`;
  const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  const record: FailureRecord = { message: finding.message, seed: finding.seed ?? info.seed, replay: replayCommand(info, checkKey) };
  const sent = finding.sent;
  if (sent) {
    record.request = { ...sent, headers: Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, redact(v, info.creds)])) };
    let file: string | undefined;
    if (sent.body !== undefined && !/^<\d+[- ]byte/.test(sent.body)) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${base}.${sent.headers['content-type']?.includes('json') ? 'json' : 'txt'}`);
      // The exact bytes as sent: pretty-printing would re-escape lone surrogates and drop duplicate members (ESC-1, GEN-6).
      writeFileSync(path, sent.body);
      file = shown(path);
      record.payload_file = file;
      delete record.request.body;
    }
    record.curl = curlFor(sent, file, info);
  }
  if (finding.received !== undefined) record.response = redact(finding.received, info.creds);
  if (finding.expected !== undefined) record.expected = finding.expected;
  if (finding.transport) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${base}.mjs`);
    writeFileSync(path, redact(finding.transport.script, info.creds));
    record.replay_script = `node ${shellQuote(shown(path))} ${shellQuote(info.target)}`;
    record.likely_cause = finding.transport.likelyCause;
  }
  return record;
}
