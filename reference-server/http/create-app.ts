import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { expressPathOf, problemTypes, routes, type OperationId, type Route } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { requireAdmin, requireMetricsAccess } from './admin-auth.js';
import { METRICS_TEXT_MAX_AGE_MS, cachedValue } from './cached-value.js';
import { recoveryKeysHandler } from './escrow-route.js';
import { listAgentsHandler } from './fleet-list.js';
import { getAgentHandler, historyHandler } from './fleet-routes.js';
import { heartbeatHandler } from './heartbeat-route.js';
import { HttpProblem, respondToError } from './problem.js';
import { readinessHandler } from './readiness.js';
import { registerHandler } from './register-route.js';
import { countShed } from './shed.js';
import { installLazyRequestLogger, requestLog, requestLogger, type RequestTracker } from './request-log.js';

const DASHBOARD_HTML = readFileSync(new URL('../dashboard/index.html', import.meta.url), 'utf8');

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
  // GEN-8: an anonymous scrape costs a cached text, however often it comes.
  const metricsText = cachedValue(() => ctx.metrics.registry.metrics(), METRICS_TEXT_MAX_AGE_MS);
  // Every operation of the route table (contracts/routes.ts) has its handlers here; the compiler refuses a missing one.
  const handlers: Record<OperationId, RequestHandler[]> = {
    healthz: [
      (_req, res) => {
        res.json({ status: 'ok' });
      },
    ],
    readyz: [readinessHandler(ctx)],
    metrics: [
      requireMetricsAccess(ctx),
      async (_req, res) => {
        res.type(ctx.metrics.registry.contentType).send(await metricsText());
      },
    ],
    registerAgent: [registerHandler(ctx)],
    // Also served by the lane in front of express (heartbeat-lane.ts); this route takes the variants it leaves here.
    postHeartbeat: [heartbeatHandler(ctx)],
    listAgents: [admin, listAgentsHandler(ctx)],
    getAgent: [admin, getAgentHandler(ctx)],
    listHeartbeats: [admin, historyHandler(ctx)],
    readRecoveryKeys: [admin, recoveryKeysHandler(ctx)],
  };
  app.get('/', (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-store');
    res.send(DASHBOARD_HTML);
  });
  // Paths in table order, each with its methods; any other method gets 405 with Allow (GEN-7). Literal paths go
  // before parameterised ones, so /api/agents/register is never read as an asset_id.
  const byPath = new Map<string, Route[]>();
  const ordered = [...routes].sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  for (const r of ordered) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  for (const [path, own] of byPath) {
    const route = app.route(expressPathOf(own[0]!));
    const allow: string[] = [];
    for (const r of own) {
      route[r.method](...handlers[r.operationId]);
      allow.push(r.method.toUpperCase());
      if (r.method === 'get') allow.push('HEAD');
    }
    route.all((req: Request) => {
      const problem = problemTypes['method-not-allowed'];
      const detail =
        req.method === 'OPTIONS' ? `${path} allows ${allow.join(', ')}.` : `${req.method.slice(0, 16)} is not allowed on ${path}; use ${allow.join(' or ')}.`;
      throw new HttpProblem(problem.status, 'method-not-allowed', problem.title, detail, { headers: { Allow: allow.join(', ') } });
    });
  }
  app.use((req: Request) => {
    throw new HttpProblem(404, 'not-found', 'Not found', `No endpoint at ${req.path.slice(0, 200)}; see spec/openapi.yaml for the paths of protocol v1.`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    countShed(ctx.metrics, err);
    respondToError(err, req, res, requestLogger(req, ctx.logger));
  });
  return app;
}
