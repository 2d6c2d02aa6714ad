import { makeProblem, type FieldError, type Problem } from './problem.js';

/**
 * Every problem type of protocol v1 (RFC 9457 `type` = PROBLEM_TYPE_BASE + slug), with its status and title.
 * The reference server, the mock, the MSW handlers and the spec all build problem bodies from this table.
 */
export const problemTypes = {
  validation: {
    status: 400,
    title: 'Request failed validation',
    about: 'The body or a parameter breaks the contract; `errors` lists each offending field as a JSON Pointer (HB-3).',
  },
  'malformed-json': { status: 400, title: 'Malformed JSON', about: 'The body is not valid JSON text (GEN-2).' },
  'not-an-object': { status: 400, title: 'Body is not a JSON object', about: 'The body is JSON but not an object, e.g. an array or a string (GEN-2).' },
  'too-deep': { status: 400, title: 'Body nested too deeply', about: 'The body nests deeper than the server reads (GEN-6).' },
  'duplicate-member': {
    status: 400,
    title: 'Duplicate member name',
    about: 'An object repeats a member name; refused as I-JSON (RFC 7493) so no reader sees another value (ESC-1).',
  },
  'bad-body': { status: 400, title: 'Unreadable body', about: 'The body could not be read: bad gzip data, or a length that does not match (GEN-2, GEN-5).' },
  unauthorized: { status: 401, title: 'Unauthorized', about: 'No credential, or a wrong one (REG-2, AUTH-1, AUTH-3).' },
  forbidden: { status: 403, title: 'Forbidden', about: 'The credential is valid but not for this (AUTH-2, AUTH-3).' },
  'not-found': { status: 404, title: 'Not found', about: 'No such path, or no agent with this asset_id (GEN-7).' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', about: 'A known path with another method; `Allow` lists the methods (GEN-7).' },
  'request-timeout': { status: 408, title: 'Request timeout', about: 'The request (headers or body) did not arrive in time; the connection closes (GEN-8).' },
  'body-too-large': { status: 413, title: 'Body too large', about: 'The body, inflated if gzip, exceeds the server limit of 256 KiB..4 MiB (GEN-4, GEN-5).' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', about: 'The Content-Type is not application/json (GEN-3).' },
  'unsupported-encoding': { status: 415, title: 'Unsupported content encoding', about: 'A Content-Encoding other than gzip or identity (GEN-5).' },
  'too-many-requests': { status: 429, title: 'Too many requests', about: 'One client is sending too fast; retry after Retry-After seconds (HB-10).' },
  'headers-too-large': { status: 431, title: 'Request header fields too large', about: 'The request headers exceed the server limit (GEN-6).' },
  internal: { status: 500, title: 'Internal error', about: 'A server fault; never the answer to client input (GEN-6).' },
  overloaded: {
    status: 503,
    title: 'Server overloaded',
    about: 'Too busy, or the store did not commit in time; retry after Retry-After seconds (HB-10, GEN-8).',
  },
} as const satisfies Record<string, { status: number; title: string; about: string }>;

/** A problem type's slug. */
export type ProblemSlug = keyof typeof problemTypes;

/** Builds the problem body of a type from the table: its status and title, this occurrence's detail and field errors. */
export function problemOf(slug: ProblemSlug, detail: string, errors?: FieldError[]): Problem {
  const t = problemTypes[slug];
  return makeProblem(t.status, slug, t.title, detail, errors);
}

/** The problem types answered with a status, in table order. */
export function problemSlugsFor(status: number): ProblemSlug[] {
  return (Object.keys(problemTypes) as ProblemSlug[]).filter((slug) => problemTypes[slug].status === status);
}
