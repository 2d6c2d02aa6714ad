import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { limits, type FieldError, type Problem } from '@lanet/contracts';
import { closeUnreadUpload } from './refused-upload.js';

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
  if (p.extra.errors)
    body.errors = p.extra.errors
      .slice(0, limits.problemErrorsMax)
      .map((e) => ({ path: e.path.slice(0, limits.problemTextMax), message: e.message.slice(0, limits.problemTextMax) }));
  return body;
}

/** Sends a JSON body with its status (node's API, so express routes and the heartbeat lane share it). */
export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends a problem as application/problem+json with any headers it names (Allow, Retry-After, WWW-Authenticate). */
export function sendProblem(res: ServerResponse, p: HttpProblem, instance?: string): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(p.extra.headers ?? {})) res.setHeader(k, v);
  sendJson(res, p.status, problemBody(p, instance), 'application/problem+json; charset=utf-8');
}

/**
 * The one error handler (GEN-1, GEN-6): an HttpProblem is answered as it says; a client fault another layer raised
 * (a 4xx status on the error, e.g. bad percent-encoding) becomes a 400-class problem; anything else is logged and 500.
 */
export function respondToError(err: unknown, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  closeUnreadUpload(req, res); // GEN-8: a refused upload is answered and closed, not read to its end
  if (err instanceof HttpProblem) return sendProblem(res, err, req.id);
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendProblem(res, new HttpProblem(status, 'bad-request', 'Bad request', 'The request could not be read; check the URL and headers.'), req.id);
  }
  log.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'unexpected error');
  sendProblem(
    res,
    new HttpProblem(500, 'internal', 'Internal error', `The server failed on this request; quote request id ${req.id} when reporting it.`),
    req.id,
  );
}

/** 401 with the Bearer challenge; `what` names the credential expected, never its value. */
export function unauthorized(what: string, detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', `${detail} Send \`Authorization: Bearer <${what}>\`.`, {
    headers: { 'WWW-Authenticate': 'Bearer realm="lanet"' },
  });
}

/** 400 `validation` for a body that breaks the contract (HB-3): the first pointers in `detail`, every error in `errors`. */
export function validationProblem(title: string, errors: FieldError[]): HttpProblem {
  const where = errors
    .slice(0, 5)
    .map((e) => e.path || '(root)')
    .join(', ');
  return new HttpProblem(400, 'validation', title, `${errors.length} field(s) failed validation: ${where}.`, { errors });
}
