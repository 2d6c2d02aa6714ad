import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from './app-context.js';
import { requireAdmin, requireMetricsAccess } from './admin-auth.js';
import { recoveryKeysHandler } from './escrow-route.js';
import { listAgentsHandler } from './fleet-list.js';
import { getAgentHandler, historyHandler } from './fleet-routes.js';
import { heartbeatHandler } from './heartbeat-route.js';
import { HttpProblem, respondToError } from './problem.js';
import { readinessHandler } from './readiness.js';
import { registerHandler } from './register-route.js';
import { installLazyRequestLogger, requestLog, requestLogger, type RequestTracker } from './request-log.js';

const DASHBOARD_HTML = readFileSync(new URL('../dashboard/index.html', import.meta.url), 'utf8');

type Method = 'get' | 'post';

/** Builds the express app: every route of protocol v1, the dashboard, 404/405 (GEN-7) and problem+json errors (GEN-1, GEN-6). */
export function createApp(ctx: AppContext, track: RequestTracker): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  installLazyRequestLogger(app.request, ctx.logger);
  app.use(requestLog(track));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (ctx.draining) res.setHeader('Connection', 'close');
    next();
  });

  const admin = requireAdmin(ctx);
  // Each path lists its methods; any other method gets 405 with Allow (GEN-7). Order matters: /register before /:asset_id.
  const routes: Array<[string, Partial<Record<Method, RequestHandler[]>>]> = [
    ['/', { get: [(_req, res) => { res.type('html').setHeader('Cache-Control', 'no-store'); res.send(DASHBOARD_HTML); }] }],
    ['/healthz', { get: [(_req, res) => { res.json({ status: 'ok' }); }] }],
    ['/readyz', { get: [readinessHandler(ctx)] }],
    ['/metrics', { get: [requireMetricsAccess(ctx), async (_req, res) => {
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    }] }],
    ['/api/agents/register', { post: [registerHandler(ctx)] }],
    // Also served by the lane in front of express (heartbeat-lane.ts); this route takes the variants it leaves here.
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
    respondToError(err, req, res, requestLogger(req, ctx.logger));
  });
  return app;
}
