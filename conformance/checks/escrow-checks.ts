import { randomInt } from 'node:crypto';
import { HeartbeatResponseSchema, RecoveryKeysResponseSchema, validateMessage } from '@lanet/contracts';
import type { TestAgent } from './agent-fixtures.js';
import { outcomeOf, SkipCheck, type Check, type CheckContext, type Finding } from './check-types.js';
import { expectStatus, findingFor } from './expect.js';

/** A BitLocker-style numerical recovery password (8 groups of 6 digits): unique, so a leak is unambiguous. */
export function newRecoveryKey(): string {
  return Array.from({ length: 8 }, () => String(randomInt(0, 1_000_000)).padStart(6, '0')).join('-');
}

/** Sends a heartbeat carrying `key` for volume C: and records the key as a secret the target must keep. */
async function escrowKey(ctx: CheckContext, agent: TestAgent, key: string | null) {
  const hb = ctx.agents.heartbeat(agent);
  const vol = hb.hardware_inventory!.bitlocker!.volumes[0]!;
  vol.protection_status = 'Protected';
  if (key === null) delete vol.recovery_key;
  else {
    vol.recovery_key = key;
    ctx.http.log.recoveryKeys.add(key);
  }
  return ctx.agents.accept(agent, hb);
}

const FLEET_READ = /^\/api\/agents(\/[^/]+(\/heartbeats)?)?(\?.*)?$/;

/** ESC checks: keys never returned by fleet endpoints, audited admin reads, escrow_required. */
export const escrowChecks: Check[] = [
  {
    id: 'ESC-1',
    name: 'key-not-returned',
    level: 'MUST',
    profile: 'escrow',
    needs: ['fleet'],
    description: 'a recovery_key sent in a heartbeat never comes back from the fleet list, detail or history',
    run: async (ctx) => {
      ctx.agents.requireFleet('checking that fleet reads omit the key');
      const agent = await ctx.agents.fresh('esc1');
      const key = newRecoveryKey();
      await escrowKey(ctx, agent, key);
      const findings: Finding[] = [];
      for (const path of ['/api/agents', `/api/agents/${agent.assetId}`, `/api/agents/${agent.assetId}/heartbeats`]) {
        const ex = await ctx.http.send({ method: 'GET', path, bearer: ctx.settings.adminToken, ...(path === '/api/agents' ? { contractOwner: 'FLT-1' } : {}) });
        const f = expectStatus(ex, [200], `GET ${path}`);
        if (f) findings.push(f);
        else if (ex.bodyText.includes(key))
          findings.push(findingFor(ex, `GET ${path} returned the recovery key in plain text`, 'every recovery_key omitted or redacted'));
      }
      return outcomeOf(findings, 'the key is absent from list, detail and history (encryption at rest is not visible over HTTP)');
    },
  },
  {
    id: 'ESC-1',
    name: 'never-in-fleet-bodies',
    level: 'MUST',
    profile: 'escrow',
    phase: 'after',
    description: 'no escrowed key appears in any fleet read of the whole run',
    run: async (ctx) => {
      const keys = [...ctx.http.log.recoveryKeys];
      if (keys.length === 0) throw new SkipCheck('no recovery key was escrowed in this run (the escrow checks did not get that far): nothing to look for');
      const reads = ctx.allExchanges().filter((ex) => ex.sent.method === 'GET' && FLEET_READ.test(ex.sent.path));
      const findings = reads
        .filter((ex) => keys.some((k) => ex.bodyText.includes(k)))
        .map((ex) => findingFor(ex, `GET ${ex.sent.path} returned an escrowed recovery key`, 'recovery keys only from the audited recovery-keys endpoint'));
      return outcomeOf(findings, `${reads.length} fleet reads scanned for ${keys.length} keys`);
    },
  },
  {
    id: 'ESC-2',
    name: 'audited-read',
    level: 'MUST',
    profile: 'escrow',
    description: 'GET recovery-keys needs the admin token, returns the key and an audit record (who, when, which key)',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading escrowed keys');
      const agent = await ctx.agents.fresh('esc2');
      const key = newRecoveryKey();
      await escrowKey(ctx, agent, key);
      const path = `/api/agents/${agent.assetId}/recovery-keys`;
      const findings: Finding[] = [];
      const anon = await ctx.http.send({ method: 'GET', path });
      const fa = expectStatus(anon, [401, 403], `GET ${path} without the admin token`);
      if (fa) findings.push(fa);
      const audits: string[] = [];
      for (let i = 0; i < 2; i++) {
        const ex = await ctx.http.send({ method: 'GET', path, bearer: ctx.settings.adminToken });
        const parsed = validateMessage(RecoveryKeysResponseSchema, ex.json);
        if (ex.status !== 200 || !parsed.ok) {
          findings.push(findingFor(ex, `GET ${path} with the admin token answered ${ex.status}`, '200 with keys and an audit record'));
          break;
        }
        const r = parsed.value;
        const entry = r.keys.find((k) => k.recovery_key === key);
        const problems: string[] = [];
        if (!entry) problems.push('the escrowed key is not among the keys');
        if (entry && entry.drive_letter !== 'C:') problems.push(`drive_letter ${entry.drive_letter}`);
        if (r.audit.asset_id !== agent.assetId) problems.push(`audit.asset_id ${r.audit.asset_id}`);
        if (entry && !r.audit.key_ids.includes(entry.key_id)) problems.push('audit.key_ids does not name the key read');
        if (Math.abs(Date.now() - Date.parse(r.audit.read_at)) > 60_000) problems.push(`audit.read_at ${r.audit.read_at}`);
        if (audits.includes(r.audit.audit_id)) problems.push("the second read returned the first read's audit_id (no new audit record)");
        audits.push(r.audit.audit_id);
        if (problems.length)
          findings.push(
            findingFor(ex, `read ${i + 1}: ${problems.join('; ')}`, 'the key for C:, and a new audit record naming this asset, the key id and the time'),
          );
      }
      return outcomeOf(findings, 'admin-only, key returned, each read audited');
    },
  },
  {
    id: 'ESC-3',
    name: 'escrow-required',
    level: 'SHOULD',
    profile: 'escrow',
    description: 'escrow_required is true while a protected volume has no escrowed key, and not after one was sent',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('esc3');
      const findings: Finding[] = [];
      const first = await escrowKey(ctx, agent, null);
      const r1 = validateMessage(HeartbeatResponseSchema, first.json);
      if (r1.ok && r1.value.escrow_required !== true)
        findings.push(findingFor(first, `a protected volume without an escrowed key got escrow_required ${r1.value.escrow_required}`, 'escrow_required: true'));
      await escrowKey(ctx, agent, newRecoveryKey());
      const third = await escrowKey(ctx, agent, null);
      const r3 = validateMessage(HeartbeatResponseSchema, third.json);
      if (r3.ok && r3.value.escrow_required === true)
        findings.push(findingFor(third, 'after the key was escrowed the server still asks for it', 'escrow_required absent or false'));
      return outcomeOf(findings, 'asked for the key until it was escrowed');
    },
  },
];
