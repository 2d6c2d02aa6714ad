import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ServerMetrics } from './server-metrics.js';

declare module 'http' {
  interface IncomingMessage {
    /** Request id: the caller's X-Request-Id when sane, else a new UUID; echoed in the response. */
    id: string;
    /** Arrival time (ms since epoch): the server receive time of a heartbeat (HB-8). */
    arrivedAtMs: number;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Logger bound to this request's id (express routes; see installLazyRequestLogger). */
      log: Logger;
    }
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CHILD = Symbol('lanet.requestLogger');

/** Makes `req.log` a child logger created on first use: most heartbeats never log, so most requests never pay for one. */
export function installLazyRequestLogger(requestPrototype: object, logger: Logger): void {
  Object.defineProperty(requestPrototype, 'log', {
    configurable: true,
    get(this: IncomingMessage & { [CHILD]?: Logger }) {
      return (this[CHILD] ??= logger.child({ req_id: this.id }));
    },
  });
}

/** The logger of one request: its express child logger when it has one, else a child made now. */
export function requestLogger(req: IncomingMessage, logger: Logger): Logger {
  return (req as Partial<Request>).log ?? logger.child({ req_id: req.id });
}

/** Starts tracking one request (id, arrival time) and records its latency and a log line when it ends. */
export type RequestTracker = (req: IncomingMessage, res: ServerResponse, route?: string) => void;

/** Creates the tracker shared by express's middleware and the heartbeat lane, so both count and log alike. */
export function createRequestTracker(logger: Logger, metrics: ServerMetrics): RequestTracker {
  return (req, res, fixedRoute) => {
    const started = performance.now();
    req.arrivedAtMs = Date.now();
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = fixedRoute ?? (req as Partial<Request>).route?.path ?? 'unmatched';
      metrics.requestDuration.observe({ method: req.method ?? '', route, status: String(res.statusCode) }, seconds);
      // One access log line per request, at info, with pino-http's field names (req, res, responseTime) so stock
      // pino-http dashboards and queries work. Never headers or bodies, which carry tokens and keys (AUTH-4).
      if (!logger.isLevelEnabled('info')) return;
      const line = {
        req: { id: req.id, method: req.method, url: (req.url ?? '').slice(0, 512), remoteAddress: req.socket.remoteAddress },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(seconds * 10_000) / 10,
      };
      if (res.statusCode >= 500) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
    });
  };
}

/** The tracker as express middleware. */
export function requestLog(track: RequestTracker) {
  return (req: Request, res: Response, next: NextFunction): void => {
    track(req, res);
    next();
  };
}
