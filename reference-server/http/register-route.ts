import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { RegisterRequestSchema, validateMessage, type RegisterResponse } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { bearerToken, matchesHash, newToken, sha256Hex } from './credentials.js';
import { unauthorized, validationProblem } from './problem.js';
import { readJsonBody } from './read-json-body.js';

/** POST /api/agents/register: the enrollment secret buys an asset id and a fresh per-agent token (REG-1..3). */
export function registerHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    // REG-2: check the secret before reading the body so unauthenticated callers cost nothing; guessing is throttled.
    ctx.enrollmentThrottle.check(req, 'enrollment');
    if (!matchesHash(bearerToken(req.headers), ctx.enrollmentSecretHash)) {
      ctx.enrollmentThrottle.failed(req);
      throw unauthorized('enrollment secret', 'A missing or wrong enrollment secret (REG-2).');
    }
    const body = await readJsonBody(req, ctx.config.bodyLimitBytes);
    const checked = validateMessage(RegisterRequestSchema, body);
    if (!checked.ok) {
      throw validationProblem('Invalid registration', checked.errors);
    }
    const token = newToken();
    const tokenHash = sha256Hex(token);
    const { assetId, replacedTokenHash } = await ctx.store.registerAgent({
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
