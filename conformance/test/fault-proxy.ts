import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

/** GEN-4 emulation: the proxy buffers request bodies and answers 413 itself past this size (the reference server's limit). */
export const PROXY_BODY_LIMIT = 4 * 1024 * 1024;

/** A request as the proxy sees it (body buffered). */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The body parsed as JSON when it is JSON text, else undefined. */
  json: unknown;
}

/** A response as the proxy will send it (body buffered). */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A fault's hooks: change the request, answer it without the backend, or change the answer. */
export interface FaultHooks {
  /** Returns a response to answer without forwarding, or undefined to forward `req` (which it may modify). */
  request?: (req: ProxiedRequest) => Promise<ProxiedResponse | undefined> | ProxiedResponse | undefined;
  response?: (req: ProxiedRequest, res: ProxiedResponse) => Promise<ProxiedResponse> | ProxiedResponse;
  /** The proxy's own answer to a body over the limit (default 413). */
  oversize?: () => ProxiedResponse;
  /** Disables the proxy's slow-client timeouts (the GEN-8 fault). */
  noSlowClientCutoff?: boolean;
  /** After refusing an oversized body, read it to its end instead of closing (the GEN-8 refused-upload fault). */
  drainRefusedUploads?: boolean;
}

/** Builds an application/problem+json answer. */
export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): ProxiedResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: Buffer.from(JSON.stringify({ type: `https://lanet.dev/problems/${status}`, title, status, detail, ...extra })),
  };
}

/** Builds an application/json answer. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ProxiedResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/** A request body still incomplete after this long is checked for its rate (GEN-8 emulation). */
const SLOW_BODY_MS = 6_000;
/** Bytes per second below which an incomplete body counts as a slow client. */
const MIN_BODY_RATE = 10_000;

/** Bytes the proxy still reads after refusing an oversized body before it closes the connection (GEN-8). */
const REFUSED_DRAIN = 64 * 1024 * 1024;
/** How long a refused upload may go on after the answer and the FIN before the socket is destroyed (GEN-8: within 3 s). */
const REFUSED_GRACE_MS = 2_000;

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'proxy-connection']);

function plainHeaders(h: IncomingMessage['headers'] | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k.toLowerCase())) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function send(res: ServerResponse, r: ProxiedResponse): void {
  res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
  res.end(r.body);
}

/** A fault-injecting HTTP proxy in front of a real backend (the conformance suite's faulty backends). */
export async function startFaultProxy(upstream: string, hooks: FaultHooks = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const dispatcher = new Agent({ connections: 64 });
  const server: Server = createServer(
    hooks.noSlowClientCutoff ? { requestTimeout: 0, headersTimeout: 600_000 } : { requestTimeout: 0, headersTimeout: 5_000, connectionsCheckingInterval: 500 },
    (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // GEN-8 emulation: a body still incomplete after SLOW_BODY_MS at under MIN_BODY_RATE bytes/s is a slow client: cut it
      // off. (A total request timeout would also cut a fast 8 MiB upload on a loaded machine.)
      const started = Date.now();
      const slowTimer = hooks.noSlowClientCutoff
        ? undefined
        : setTimeout(() => {
            if (!req.complete && size / ((Date.now() - started) / 1000) < MIN_BODY_RATE) req.socket.destroy();
          }, SLOW_BODY_MS);
      req.once('close', () => clearTimeout(slowTimer));
      let over = false;
      const tooBig = () => {
        over = true;
        // Answer at once, then read and drop the rest: closing with unread data would reset the connection and the
        // client could lose the answer (the reference server does the same).
        const answer = hooks.oversize?.() ?? problem(413, 'Body too large', `The request body exceeds ${PROXY_BODY_LIMIT} bytes.`);
        req.resume();
        if (hooks.drainRefusedUploads) return send(res, answer);
        // GEN-8: a refused upload is not read to its end: answer with Connection: close, keep draining a body that is
        // nearly complete (so a client still writing it reads the answer, GEN-4), and close once REFUSED_DRAIN more
        // bytes arrived (a 4 GiB upload is cut within a few MiB).
        // Node ends a Connection: close response with destroySoon(), which destroys the socket once the answer is
        // written: a client still sending then gets a reset and may lose the answer. Half-close instead (FIN after the
        // answer, so the client reads it and stops), keep discarding what still arrives, and destroy after a grace.
        const socket = req.socket;
        socket.destroySoon = () => {
          socket.end();
          setTimeout(() => socket.destroy(), REFUSED_GRACE_MS).unref();
        };
        send(res, { ...answer, headers: { ...answer.headers, connection: 'close' } });
        let drained = 0;
        req.on('data', (c: Buffer) => {
          drained += c.length;
          if (drained > REFUSED_DRAIN) socket.destroy();
        });
      };
      if (Number(req.headers['content-length'] ?? 0) > PROXY_BODY_LIMIT) return tooBig();
      req.on('data', (c: Buffer) => {
        if (over) return;
        size += c.length;
        if (size > PROXY_BODY_LIMIT) return tooBig();
        chunks.push(c);
      });
      req.on('error', () => undefined);
      req.on('end', () => {
        if (over) return;
        void handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
          if (!res.headersSent) send(res, problem(502, 'Proxy error', String(err)));
        });
      });
    },
  );
  const handle = async (raw: IncomingMessage, res: ServerResponse, body: Buffer) => {
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const req: ProxiedRequest = { method: raw.method ?? 'GET', path: raw.url ?? '/', headers: plainHeaders(raw.headers), body, json };
    const early = await hooks.request?.(req);
    let answer: ProxiedResponse;
    if (early) answer = early;
    else {
      const up = await request(new URL(req.path, upstream), {
        method: req.method as 'GET',
        headers: req.headers,
        body: ['GET', 'HEAD'].includes(req.method) ? undefined : req.body,
        dispatcher,
      });
      answer = { status: up.statusCode, headers: plainHeaders(up.headers), body: Buffer.from(await up.body.arrayBuffer()) };
    }
    if (hooks.response) answer = await hooks.response(req, answer);
    send(res, answer);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}
