import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from './app-context.js';
import { bearerToken, matchesHash, sha256Hex } from './credentials.js';
import { unauthorized } from './problem.js';

/** Guards fleet and escrow endpoints: only the admin token passes; agent tokens and anonymous callers get 401 (AUTH-3). */
export function requireAdmin(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    ctx.adminThrottle.check(req, 'admin');
    if (!matchesHash(bearerToken(req.headers), ctx.adminTokenHash)) {
      ctx.adminThrottle.failed(req);
      throw unauthorized('admin token', 'Fleet endpoints need the admin token (AUTH-3).');
    }
    next();
  };
}

/** Guards /metrics when a metrics token is configured: the metrics token or the admin token passes ("none or admin"). */
export function requireMetricsAccess(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (ctx.metricsTokenHash === undefined) return next();
    ctx.adminThrottle.check(req, 'metrics');
    const token = bearerToken(req.headers);
    if (!matchesHash(token, ctx.metricsTokenHash) && !matchesHash(token, ctx.adminTokenHash)) {
      ctx.adminThrottle.failed(req);
      throw unauthorized('metrics token', 'This server protects /metrics: send the metrics token or the admin token.');
    }
    next();
  };
}

/** The admin principal for audit records (ESC-2): a short fingerprint of the token, never the token (AUTH-4). */
export function adminActor(req: Request): string {
  return `admin (token sha256:${sha256Hex(bearerToken(req.headers) ?? '').slice(0, 12)})`;
}
