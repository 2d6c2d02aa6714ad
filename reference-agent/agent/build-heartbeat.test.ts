import { describe, expect, it, vi } from 'vitest';
import { HeartbeatRequestSchema } from '@lanet/contracts';
import type { CollectionRun } from '../collectors/run-collectors.js';
import { sendRecoveryKeys } from '../wire/heartbeat-wire.js';
import { buildHeartbeat, recoveryKeysFingerprint } from './build-heartbeat.js';

// The wire module's ESC-3 rule, passed through a spy: the test sees that buildHeartbeat asks it (one rule, issue 13).
vi.mock('../wire/heartbeat-wire.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../wire/heartbeat-wire.js')>();
  return { ...original, sendRecoveryKeys: vi.fn(original.sendRecoveryKeys) };
});

const ASSET = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const NOW = new Date('2026-01-05T09:00:00.000Z');
const KEY = '123456-234567-345678-456789-567890-678901-789012-890123';

function run(overrides: Partial<CollectionRun> = {}): CollectionRun {
  return {
    sections: {
      status: { cpu_usage: 10, memory_usage: 50, disk_usage: 40, status: 'online' },
      bitlocker: {
        supported: true,
        protected_volumes: 1,
        volumes: [{ drive_letter: 'C:', protection_status: 'Protected', encryption_method: 'XTS-AES-256', recovery_key: KEY }],
      },
      software: { agent_version: '0.1.0', installed_programs: [{ name: 'Git', version: '2.47.1' }] },
    },
    errors: [],
    timings: [{ collector: 'metrics', ms: 1000, outcome: 'ok' }],
    ...overrides,
  };
}

describe('buildHeartbeat', () => {
  it('HB-1: builds a contract-valid full heartbeat with an RFC 3339 timestamp', () => {
    const { heartbeat } = buildHeartbeat(run(), ASSET, { now: NOW, includeRecoveryKeys: false });
    expect(HeartbeatRequestSchema.safeParse(heartbeat).success).toBe(true);
    expect(heartbeat).toMatchObject({ asset_id: ASSET, heartbeat_type: 'full', timestamp: '2026-01-05T09:00:00.000Z' });
  });

  it('HB-4 and AG-5: a failed collector leaves its section out, is named, and makes the heartbeat partial', () => {
    const { heartbeat } = buildHeartbeat(
      run({
        sections: { status: run().sections.status },
        errors: [{ collector: 'programs', error: 'timed out after 30000 ms' }],
        timings: [{ collector: 'programs', ms: 30000, outcome: 'timeout' }],
      }),
      ASSET,
      { now: NOW, includeRecoveryKeys: false },
    );
    expect(heartbeat.heartbeat_type).toBe('partial');
    expect(heartbeat.software_inventory).toBeUndefined();
    expect(heartbeat.hardware_inventory).toBeUndefined();
    expect(heartbeat.collection_errors).toEqual([{ collector: 'programs', error: 'timed out after 30000 ms' }]);
  });

  it('ESC-3: keys go when never escrowed or changed, stay out when the server has them, and go when it asks', () => {
    const first = buildHeartbeat(run(), ASSET, { now: NOW, includeRecoveryKeys: false });
    expect(first.keysIncluded).toBe(true);
    expect(first.heartbeat.hardware_inventory?.bitlocker?.volumes[0]?.recovery_key).toBe(KEY);
    const escrowed = recoveryKeysFingerprint(run().sections.bitlocker)!;
    const same = buildHeartbeat(run(), ASSET, { now: NOW, includeRecoveryKeys: false, escrowedKeysSha256: escrowed });
    expect(same.keysIncluded).toBe(false);
    expect(same.heartbeat.hardware_inventory?.bitlocker?.volumes[0]).not.toHaveProperty('recovery_key');
    const asked = buildHeartbeat(run(), ASSET, { now: NOW, includeRecoveryKeys: true, escrowedKeysSha256: escrowed });
    expect(asked.keysIncluded).toBe(true);
    const rotated = run();
    rotated.sections.bitlocker!.volumes[0]!.recovery_key = '999999-234567-345678-456789-567890-678901-789012-890123';
    expect(buildHeartbeat(rotated, ASSET, { now: NOW, includeRecoveryKeys: false, escrowedKeysSha256: escrowed }).keysIncluded).toBe(true);
  });

  it("ESC-3: the decision is the wire module's sendRecoveryKeys (the simulator uses the same one), for every state", () => {
    const spy = vi.mocked(sendRecoveryKeys);
    const escrowed = recoveryKeysFingerprint(run().sections.bitlocker)!;
    for (const haveKeys of [true, false])
      for (const changedSinceEscrow of [true, false])
        for (const serverAsked of [true, false]) {
          const sections = run().sections;
          if (!haveKeys) delete sections.bitlocker!.volumes[0]!.recovery_key;
          spy.mockClear();
          const built = buildHeartbeat(run({ sections }), ASSET, {
            now: NOW,
            includeRecoveryKeys: serverAsked,
            ...(changedSinceEscrow ? {} : { escrowedKeysSha256: escrowed }),
          });
          const state = { haveKeys, changedSinceEscrow, serverAsked };
          // Without keys, "changed" is moot: the rule sends nothing whatever it says.
          expect(spy, JSON.stringify(state)).toHaveBeenCalledWith(haveKeys ? state : expect.objectContaining({ haveKeys, serverAsked }));
          expect(built.keysIncluded, JSON.stringify(state)).toBe(sendRecoveryKeys(state));
          expect(built.heartbeat.hardware_inventory?.bitlocker?.volumes[0]?.recovery_key !== undefined).toBe(built.keysIncluded);
        }
  });
});
