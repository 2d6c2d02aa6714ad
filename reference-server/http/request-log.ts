import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ServerMetrics } from './server-metrics.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Request id: the caller's X-Request-Id when sane, else a new UUID; echoed in the response. */
      id: string;
      /** Logger bound to this request's id. */
      log: Logger;
      /** Arrival time (ms since epoch): the server receive time of a heartbeat (HB-8). */
      arrivedAtMs: number;
    }
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CHILD = Symbol('lanet.requestLogger');

/** Makes `req.log` a child logger created on first use: most heartbeats never log, so most requests never pay for one. */
export function installLazyRequestLogger(requestPrototype: object, logger: Logger): void {
  Object.defineProperty(requestPrototype, 'log', {
    configurable: true,
    get(this: Express.Request & { [CHILD]?: Logger }) {
      return (this[CHILD] ??= logger.child({ req_id: this.id }));
    },
  });
}

/** Gives each request an id (its child logger is `req.log`, see installLazyRequestLogger), and records its latency and a log line when it ends. */
export function requestLog(logger: Logger, metrics: ServerMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    req.arrivedAtMs = Date.now();
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.requestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      // Only the method, path and outcome are logged: never headers or bodies, which carry tokens and keys (AUTH-4).
      const line = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 };
      if (res.statusCode >= 500) req.log.error(line, 'request failed');
      else if (res.statusCode >= 400) req.log.info(line, 'request refused');
      else if (logger.isLevelEnabled('debug')) req.log.debug(line, 'request');
    });
    next();
  };
}
