import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Problem } from '../problem.js';
import { problemOf, type ProblemSlug } from '../problems.js';

/** GEN-4: the contract's ceiling, the reference server's default; it applies to the inflated size (GEN-5). */
export const MOCK_BODY_LIMIT = 4 * 1024 * 1024;

/** A body read as JSON, or the problem the mock answers instead (415, 413, 400). */
export type BodyResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

const refuse = (slug: ProblemSlug, detail: string): BodyResult => ({ ok: false, problem: problemOf(slug, detail) });

/** True for application/json and application/*+json, with any parameters (GEN-3). */
function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Reads at most `limit` raw bytes; undefined when the body is larger (the rest is drained, never kept). */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Reads a request body the way the agent sends it: JSON, gzip-encoded or not (GEN-5). 415 for another type or
 * encoding (GEN-3), 413 past the limit after inflation (GEN-4), 400 when it is not JSON or not an object (GEN-2),
 * with a `{ path: "", message }` error so the agent's log shows what went wrong.
 */
export async function readMockBody(req: IncomingMessage, limit = MOCK_BODY_LIMIT): Promise<BodyResult> {
  if (!isJson(req.headers['content-type'])) {
    req.resume();
    return refuse('unsupported-media-type', `Content-Type must be application/json, got '${String(req.headers['content-type'] ?? 'none').slice(0, 100)}'.`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    req.resume();
    return refuse('unsupported-encoding', `Content-Encoding '${encoding.slice(0, 50)}' is not supported; send gzip or no encoding.`);
  }
  const raw = await readRaw(req, limit);
  if (raw === undefined) return refuse('body-too-large', `The request body exceeds ${limit} bytes; send a smaller heartbeat (fewer programs).`);
  let bytes = raw;
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: limit });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return refuse('body-too-large', `The request body after gzip inflation exceeds ${limit} bytes; send a smaller heartbeat.`);
      }
      return refuse('bad-body', `Content-Encoding is gzip but the body does not inflate (${(error as Error).message}); gzip the whole JSON text.`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    const problem = problemOf('malformed-json', 'The body is not valid JSON; send one JSON object.', [
      { path: '', message: `not JSON: ${(error as Error).message}`.slice(0, 200) },
    ]);
    return { ok: false, problem };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return {
      ok: false,
      problem: problemOf('not-an-object', `The body must be a JSON object, got ${got}.`, [{ path: '', message: `must be a JSON object (got ${got})` }]),
    };
  }
  return { ok: true, value };
}
