import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { RegisterRequestSchema, validateMessage, type RegisterResponse } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { bearerToken, matchesHash, newToken, sha256Hex } from './credentials.js';
import { unauthorized, validationProblem } from './problem.js';
import { readJsonBody } from './read-json-body.js';
import { requestStore } from './store-deadline.js';

/** POST /api/agents/register: the enrollment secret buys an asset id and a fresh per-agent token (REG-1..3). */
export function registerHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    // REG-2: check the secret before reading the body so unauthenticated callers cost nothing; guessing is throttled.
    ctx.enrollmentThrottle.check(req, 'enrollment');
    if (!matchesHash(bearerToken(req.headers), ctx.enrollmentSecretHash)) {
      ctx.enrollmentThrottle.failed(req);
      throw unauthorized('enrollment secret', 'A missing or wrong enrollment secret (REG-2).');
    }
    // HB-10 (D4): the body counts against the server-wide budget of body bytes while it is read and parsed.
    const lease = ctx.bodyBudget.lease();
    let body: Record<string, unknown>;
    try {
      body = await readJsonBody(req, ctx.config.bodyLimitBytes, lease);
    } finally {
      lease.release();
    }
    const checked = validateMessage(RegisterRequestSchema, body);
    if (!checked.ok) {
      throw validationProblem('Invalid registration', checked.errors);
    }
    const token = newToken();
    const tokenHash = sha256Hex(token);
    // GEN-8: 503 + Retry-After if the store does not answer in time; a registration that lands later is replaced by
    // the agent's retry (REG-3), so nothing is lost.
    const { assetId, replacedTokenHash } = await requestStore(ctx.store, req).registerAgent({
      fingerprint: checked.value.hardware_fingerprint,
      hostname: checked.value.hostname,
      tokenHash,
      newAssetId: randomUUID(),
      nowMs: Date.now(),
    });
    // REG-3: the old token stops working as soon as the new one is issued.
    if (replacedTokenHash) ctx.tokenCache.revoke(replacedTokenHash);
    ctx.tokenCache.issued(tokenHash, assetId);
    req.log.info({ asset_id: assetId, reenrolled: replacedTokenHash !== null }, 'agent registered');
    const answer: RegisterResponse = { asset_id: assetId, agent_token: token, heartbeat_interval_s: ctx.config.heartbeatIntervalS };
    res.status(201).json(answer);
  };
}
