import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RecoveryKeysResponse } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { adminActor } from './admin-auth.js';
import { assetParam } from './fleet-routes.js';
import { HttpProblem } from './problem.js';
import { requestStore } from './store-deadline.js';

/** GET /api/agents/{asset_id}/recovery-keys: decrypts the escrowed keys and writes the audit record in one transaction (ESC-2). */
export function recoveryKeysHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const assetId = assetParam(req);
    const store = requestStore(ctx.store, req); // GEN-8: 503 + Retry-After if the store does not answer in time
    if (!(await store.getAgent(assetId))) {
      throw new HttpProblem(404, 'not-found', 'No such agent', `No agent with asset_id '${assetId}' is registered.`);
    }
    const audit = { auditId: randomUUID(), actor: adminActor(req), readAtMs: Date.now(), assetId };
    const { keys } = await store.readEscrow(audit);
    const body: RecoveryKeysResponse = {
      asset_id: assetId,
      keys: keys.map((k) => ({
        key_id: k.keyId,
        drive_letter: k.driveLetter,
        recovery_key: ctx.cipher.decrypt(k.ciphertext, `${assetId}:${k.driveLetter}`),
        escrowed_at: new Date(k.escrowedAtMs).toISOString(),
      })),
      audit: {
        audit_id: audit.auditId,
        actor: audit.actor,
        read_at: new Date(audit.readAtMs).toISOString(),
        asset_id: assetId,
        key_ids: keys.map((k) => k.keyId),
      },
    };
    // The log names who read which keys, never the keys (AUTH-4).
    req.log.info({ audit_id: audit.auditId, asset_id: assetId, key_ids: body.audit.key_ids }, 'escrowed keys read');
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  };
}
