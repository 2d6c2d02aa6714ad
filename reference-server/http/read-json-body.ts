import type { IncomingMessage } from 'node:http';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { BodyLease } from './body-budget.js';
import { refuseDuplicateMembers } from './duplicate-members.js';
import { HttpProblem } from './problem.js';
import { ShedProblem } from './shed.js';

/** GEN-4: 4 MiB, the contract's ceiling; a worst-case heartbeat (2,000 programs) stays below it. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * A gzip body up to this many bytes on the wire is read whole and inflated in one synchronous call, bounded by the
 * limit (`maxOutputLength`: zlib stops at it, GEN-5); a larger one streams through a Gunzip. Why: a Gunzip stream per
 * request cost ~145 µs of CPU against ~30 µs for one call (thread-pool hops and stream set-up, measured on a 1.6 KB
 * body); at PERF-1's 2,000 heartbeats a second the difference is ~0.2 of a core, on a 2-core machine. Heartbeats are a
 * few KB gzipped; at this size the one call blocks the event loop for at most a few milliseconds even when it inflates
 * to the limit.
 */
const INFLATE_AT_ONCE_MAX = 64 * 1024;

// A refusal leaves the rest of the body unread: respondToError closes the connection after a bounded linger (GEN-8).

function tooLarge(limit: number, inflated: boolean): HttpProblem {
  return new HttpProblem(
    413,
    'body-too-large',
    'Body too large',
    `The request body${inflated ? ' after gzip inflation' : ''} exceeds ${limit} bytes; send a smaller heartbeat (fewer programs).`,
  );
}

/** HB-10 (D4): 503 for a body that would pass the server-wide budget of body bytes held (body-budget.ts). */
function overBudget(size: number): ShedProblem {
  return new ShedProblem(
    'body_bytes',
    `The server holds as many request bodies as its memory budget allows (--body-budget-mib); this one, at ${size} bytes, did not fit. Retry after the Retry-After delay.`,
  );
}

/** True for application/json and application/*+json (any parameters such as charset). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads a JSON object body while streaming: 415 for a non-JSON type or an unknown encoding (GEN-3), 413 as soon as the
 * (inflated, GEN-5) size passes `limit` (GEN-4), 400 when it is not a JSON object (GEN-2) or repeats a member name.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, lease?: BodyLease): Promise<Record<string, unknown>> {
  const text = await readBodyText(req, limit, lease);
  const value = parseJsonObject(text);
  refuseDuplicateMembers(text); // I-JSON (RFC 7493): one spelling per member, as for heartbeats
  return value;
}

/**
 * Reads a JSON body's text while streaming, without parsing it: 415 for a non-JSON type or an unknown encoding (GEN-3),
 * 413 as soon as the (inflated, GEN-5) size passes `limit` (GEN-4), 503 as soon as it no longer fits `lease`'s budget
 * (HB-10; a declared length is charged before reading). The caller releases the lease. The heartbeat route parses on
 * the ingest thread.
 */
export async function readBodyText(req: IncomingMessage, limit: number, lease?: BodyLease): Promise<string> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new HttpProblem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Content-Type must be application/json, got '${String(req.headers['content-type'] ?? 'none').slice(0, 100)}'.`,
    );
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpProblem(
      415,
      'unsupported-encoding',
      'Unsupported content encoding',
      `Content-Encoding '${encoding.slice(0, 50)}' is not supported; send gzip or no encoding.`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (encoding === 'identity' && declared > limit) {
    throw tooLarge(limit, false);
  }
  // The declared length is a floor of what this body will hold (an inflated one is larger): refuse before reading.
  if (lease && Number.isFinite(declared) && !lease.grow(declared)) throw overBudget(declared);
  if (encoding === 'gzip' && Number.isFinite(declared) && declared <= INFLATE_AT_ONCE_MAX) return inflateAtOnce(req, declared, limit, lease);
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    const fail = (p: HttpProblem) => {
      if (done) return;
      done = true;
      if (source !== req) {
        req.unpipe();
        (source as NodeJS.ReadableStream & { destroy(): void }).destroy();
      }
      reject(p);
    };
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit, encoding === 'gzip'));
      if (lease && !lease.grow(size)) return fail(overBudget(size));
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    source.on('error', () => fail(encoding === 'gzip' ? corruptGzip() : endedEarly()));
    req.on('aborted', () => fail(aborted()));
  });
}

/**
 * A small gzip body (its declared length at most INFLATE_AT_ONCE_MAX): read whole, then inflated in one call that stops
 * at `limit` (413, GEN-5) and charged to the lease at its inflated size (503, HB-10). A body longer than it declared
 * is cut off at the declared length, as Node's parser does.
 */
function inflateAtOnce(req: IncomingMessage, declared: number, limit: number, lease: BodyLease | undefined): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (p: HttpProblem) => {
      if (done) return;
      done = true;
      reject(p);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      if (size < declared) return fail(endedEarly());
      let inflated: Buffer;
      try {
        inflated = gunzipSync(Buffer.concat(chunks, size), { maxOutputLength: limit });
      } catch (err) {
        return fail((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge(limit, true) : corruptGzip());
      }
      if (inflated.length > limit) return fail(tooLarge(limit, true));
      if (lease && !lease.grow(inflated.length)) return fail(overBudget(inflated.length));
      done = true;
      resolve(inflated.toString('utf8'));
    });
    req.on('error', () => fail(endedEarly()));
    req.on('aborted', () => fail(aborted()));
  });
}

function corruptGzip(): HttpProblem {
  return new HttpProblem(400, 'bad-body', 'Unreadable body', 'The gzip body is corrupt or truncated; compress the whole JSON body with gzip.');
}

function endedEarly(): HttpProblem {
  return new HttpProblem(400, 'bad-body', 'Unreadable body', 'The request body ended early.');
}

function aborted(): HttpProblem {
  return new HttpProblem(400, 'bad-body', 'Unreadable body', 'The client aborted the request body.');
}

/** Parses a body as one JSON object: 400 for malformed JSON or any other JSON value (GEN-2). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message quotes part of the body, which may hold a recovery key: say only what to fix (AUTH-4).
    throw new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'The body is not valid JSON; send one JSON object.', {
      errors: [{ path: '', message: 'not valid JSON' }],
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    // HB-3: the pointer "" names the whole body.
    throw new HttpProblem(400, 'not-an-object', 'Body is not a JSON object', `The body must be a JSON object, got ${got}.`, {
      errors: [{ path: '', message: `expected a JSON object, got ${got}` }],
    });
  }
  return value as Record<string, unknown>;
}
