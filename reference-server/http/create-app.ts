import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Readiness } from '../../contracts/index.js';
import type { AppContext } from './app-context.js';
import { requireAdmin } from './admin-auth.js';
import { recoveryKeysHandler } from './escrow-route.js';
import { getAgentHandler, historyHandler, listAgentsHandler } from './fleet-routes.js';
import { heartbeatHandler } from './heartbeat-route.js';
import { HttpProblem, sendProblem } from './problem.js';
import { registerHandler } from './register-route.js';
import { installLazyRequestLogger, requestLog } from './request-log.js';

const DASHBOARD_HTML = readFileSync(new URL('../dashboard/index.html', import.meta.url), 'utf8');

type Method = 'get' | 'post';

/** Builds the express app: every route of protocol v1, the dashboard, 404/405 (GEN-7) and problem+json errors (GEN-1, GEN-6). */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  installLazyRequestLogger(app.request, ctx.logger);
  app.use(requestLog(ctx.logger, ctx.metrics));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (ctx.draining) res.setHeader('Connection', 'close');
    next();
  });

  const admin = requireAdmin(ctx);
  // Each path lists its methods; any other method gets 405 with Allow (GEN-7). Order matters: /register before /:asset_id.
  const routes: Array<[string, Partial<Record<Method, RequestHandler[]>>]> = [
    ['/', { get: [(_req, res) => { res.type('html').setHeader('Cache-Control', 'no-store'); res.send(DASHBOARD_HTML); }] }],
    ['/healthz', { get: [(_req, res) => { res.json({ status: 'ok' }); }] }],
    ['/readyz', { get: [async (_req, res) => {
      let ok = true;
      try { await ctx.store.ping(); } catch { ok = false; }
      const body: Readiness = { status: ok ? 'ready' : 'not_ready', checks: { database: ok ? 'ok' : 'error' } };
      res.status(ok ? 200 : 503).json(body);
    }] }],
    ['/metrics', { get: [async (_req, res) => {
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    }] }],
    ['/api/agents/register', { post: [registerHandler(ctx)] }],
    ['/api/agents/heartbeat', { post: [heartbeatHandler(ctx)] }],
    ['/api/agents', { get: [admin, listAgentsHandler(ctx)] }],
    ['/api/agents/:asset_id', { get: [admin, getAgentHandler(ctx)] }],
    ['/api/agents/:asset_id/heartbeats', { get: [admin, historyHandler(ctx)] }],
    ['/api/agents/:asset_id/recovery-keys', { get: [admin, recoveryKeysHandler(ctx)] }],
  ];
  for (const [path, methods] of routes) {
    const route = app.route(path);
    const allow: string[] = [];
    for (const [method, handlers] of Object.entries(methods) as Array<[Method, RequestHandler[]]>) {
      route[method](...handlers);
      allow.push(method.toUpperCase());
      if (method === 'get') allow.push('HEAD');
    }
    route.all((req: Request) => {
      if (req.method === 'OPTIONS') throw new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${path} allows ${allow.join(', ')}.`, { headers: { Allow: allow.join(', ') } });
      throw new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${req.method.slice(0, 16)} is not allowed on ${path}; use ${allow.join(' or ')}.`, { headers: { Allow: allow.join(', ') } });
    });
  }
  app.use((req: Request) => {
    throw new HttpProblem(404, 'not-found', 'Not found', `No endpoint at ${req.path.slice(0, 200)}; see spec/openapi.yaml for the paths of protocol v1.`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpProblem) return sendProblem(res, err, req.id);
    // A malformed URL (bad percent-encoding) and similar client faults surface as express errors with a 4xx status (GEN-6).
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(res, new HttpProblem(status, 'bad-request', 'Bad request', 'The request could not be read; check the URL and headers.'), req.id);
    }
    (req.log ?? ctx.logger).error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'unexpected error');
    sendProblem(res, new HttpProblem(500, 'internal', 'Internal error', `The server failed on this request; quote request id ${req.id} when reporting it.`), req.id);
  });
  return app;
}
