import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from './app-context.js';
import { heartbeatHandler } from './heartbeat-route.js';
import { respondToError } from './problem.js';
import { requestLogger, type RequestTracker } from './request-log.js';
import { countShed } from './shed.js';

const HEARTBEAT_PATH = '/api/agents/heartbeat';

/**
 * Puts a lane for `POST /api/agents/heartbeat` in front of the express app; every other request, and any other
 * spelling of this one (a query string, a trailing slash), goes to express, whose own heartbeat route runs the same
 * handler. Why: heartbeats are nearly all of the traffic, and express 5's per-request work (prototype swap, router
 * walk, response helpers) cost ~100 µs of the HTTP thread's CPU per request on the 2-core benchmark machine, about
 * half of that thread's whole budget (bench:server figures in reference-server/README.md). The lane keeps every
 * behaviour: the same tracker (request id, latency metric, log line), the same handler, the same error handler.
 */
export function withHeartbeatLane(ctx: AppContext, app: RequestListener, track: RequestTracker): RequestListener {
  const handle = heartbeatHandler(ctx);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== HEARTBEAT_PATH) {
      app(req, res);
      return;
    }
    track(req, res, HEARTBEAT_PATH);
    if (ctx.draining) res.setHeader('Connection', 'close');
    handle(req, res).catch((err: unknown) => {
      countShed(ctx.metrics, err);
      respondToError(err, req, res, requestLogger(req, ctx.logger));
    });
  };
}
