import type { Response } from 'express';
import { limits, type FieldError, type Problem } from '../../contracts/index.js';

/** An error that becomes an RFC 9457 problem response (GEN-1); messages never carry a secret (AUTH-4). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(`${status} ${title}: ${detail}`);
  }
}

/** Builds the problem body: type, title, status, detail, and the field errors of a 400 (HB-3), capped by the contract. */
export function problemBody(p: HttpProblem, instance?: string): Problem {
  const body: Problem = { type: `https://lanet.dev/problems/${p.slug}`, title: p.title, status: p.status, detail: p.detail.slice(0, limits.problemTextMax) };
  if (instance) body.instance = instance;
  if (p.extra.errors) body.errors = p.extra.errors.slice(0, limits.problemErrorsMax).map((e) => ({ path: e.path.slice(0, limits.problemTextMax), message: e.message.slice(0, limits.problemTextMax) }));
  return body;
}

/** Sends a problem as application/problem+json with any headers it names (Allow, Retry-After, WWW-Authenticate). */
export function sendProblem(res: Response, p: HttpProblem, instance?: string): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(p.extra.headers ?? {})) res.setHeader(k, v);
  res.status(p.status).type('application/problem+json').send(JSON.stringify(problemBody(p, instance)));
}

/** 401 with the Bearer challenge; `what` names the credential expected, never its value. */
export function unauthorized(what: string, detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', `${detail} Send \`Authorization: Bearer <${what}>\`.`, {
    headers: { 'WWW-Authenticate': 'Bearer realm="lanet"' },
  });
}
