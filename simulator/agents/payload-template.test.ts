import { describe, expect, it } from 'vitest';
import { HeartbeatRequestSchema, seedSizedHeartbeat, validateMessage } from '@lanet/contracts';
import { createRandom } from '../engine/seeded-random.js';
import { PayloadTemplate } from './payload-template.js';

const seed = Number(process.env.LANET_SEED ?? Date.now() % 2_147_483_647);

describe('PayloadTemplate', () => {
  it('patched bodies equal the drifted object and stay valid against the contract (HB-2) over many beats', () => {
    console.log(`payload-template seed ${seed} (LANET_SEED=${seed} reproduces)`);
    const original = seedSizedHeartbeat();
    const template = new PayloadTemplate(structuredClone(original));
    const first = JSON.parse(template.body(original.timestamp)) as unknown;
    expect(first).toEqual(original);
    const random = createRandom(seed);
    let changedRest = 0;
    let previous = '';
    for (let beat = 0; beat < 500; beat++) {
      template.drift(random);
      const ts = new Date(Date.UTC(2026, 0, 1, 0, 0, beat)).toISOString();
      const body = template.body(ts);
      const parsed = JSON.parse(body) as Record<string, unknown>;
      expect(parsed.timestamp).toBe(ts);
      expect(parsed.status).toEqual(template.currentStatus);
      const result = validateMessage(HeartbeatRequestSchema, parsed);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      const rest = body.slice(body.indexOf('"hardware_inventory"'));
      if (previous && rest !== previous) changedRest++;
      previous = rest;
    }
    // Drift of disks/programs is "now and then": some, but far fewer than every beat.
    expect(changedRest).toBeGreaterThan(0);
    expect(changedRest).toBeLessThan(50);
  });

  it('handles a heartbeat with no status and no inventory sections (HB-4 partial)', () => {
    const template = new PayloadTemplate({ asset_id: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', heartbeat_type: 'partial', timestamp: 'x' });
    const body = template.body('2026-01-01T00:00:00Z');
    expect(JSON.parse(body)).toEqual({ asset_id: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', heartbeat_type: 'partial', timestamp: '2026-01-01T00:00:00Z' });
  });

  it('ESC-3: the body leaves the recovery keys out unless asked, and says whether there are any', () => {
    const hb = seedSizedHeartbeat();
    const volumes = hb.hardware_inventory!.bitlocker!.volumes;
    expect(volumes.some((v) => v.recovery_key !== undefined)).toBe(true);
    const template = new PayloadTemplate(structuredClone(hb));
    expect(template.hasRecoveryKeys).toBe(true);
    const withKeys = JSON.parse(template.body(hb.timestamp, true)) as typeof hb;
    const withoutKeys = JSON.parse(template.body(hb.timestamp, false)) as typeof hb;
    expect(withKeys).toEqual(hb);
    expect(withoutKeys.hardware_inventory!.bitlocker!.volumes.map((v) => v.recovery_key)).toEqual(volumes.map(() => undefined));
    const noKeys = new PayloadTemplate({ asset_id: hb.asset_id, heartbeat_type: 'full', timestamp: hb.timestamp });
    expect(noKeys.hasRecoveryKeys).toBe(false);
  });
});
