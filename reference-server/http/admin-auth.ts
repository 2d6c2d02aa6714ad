import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from './app-context.js';
import { bearerToken, matchesHash, sha256Hex } from './credentials.js';
import { unauthorized } from './problem.js';

/** Guards fleet and escrow endpoints: only the admin token passes; agent tokens and anonymous callers get 401 (AUTH-3). */
export function requireAdmin(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!matchesHash(bearerToken(req.headers), ctx.adminTokenHash)) {
      throw unauthorized('admin token', 'Fleet endpoints need the admin token (AUTH-3).');
    }
    next();
  };
}

/** The admin principal for audit records (ESC-2): a short fingerprint of the token, never the token (AUTH-4). */
export function adminActor(req: Request): string {
  return `admin (token sha256:${sha256Hex(bearerToken(req.headers) ?? '').slice(0, 12)})`;
}
