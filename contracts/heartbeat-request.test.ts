import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HeartbeatRequestSchema, seedHeartbeat, validateMessage } from './index.js';

// The guide's text, kept verbatim in the repository (examples/seed-guide-excerpt.md names its source).
const guidePath = fileURLToPath(new URL('./examples/seed-guide-excerpt.md', import.meta.url));

/** Extracts the guide's example payload exactly as HB-1 prescribes: drop the `// ...` line and its comma, make asset_id a UUID. */
function payloadFromGuide(): unknown {
  const md = readFileSync(guidePath, 'utf8');
  const block = md.split('# Payload size: ~5-8KB per heartbeat\n')[1]!.split('```')[0]!;
  const text = block
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .replace(/,(\s*\])/g, '$1')
    .replace('"uuid-string"', '"3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d"');
  return JSON.parse(text);
}

function errorsOf(value: unknown): string[] {
  const result = validateMessage(HeartbeatRequestSchema, value);
  return result.ok ? [] : result.errors.map((e) => e.path);
}

describe('HeartbeatRequestSchema', () => {
  it('HB-1: accepts the seed guide example payload, taken from the guide itself', () => {
    const payload = payloadFromGuide();
    expect(errorsOf(payload)).toEqual([]);
    expect(payload).toEqual(seedHeartbeat());
  });

  it('HB-1: rejects the guide example with its placeholder asset_id at /asset_id', () => {
    const payload = { ...seedHeartbeat(), asset_id: 'uuid-string' };
    expect(errorsOf(payload)).toEqual(['/asset_id']);
  });

  it('HB-6: accepts naive, Z and offset timestamps; rejects impossible days and other formats', () => {
    for (const ts of ['2025-08-04T12:51:08.123456', '2025-08-04T12:51:08Z', '2025-08-04T14:51:08.1+02:00', '2024-02-29T00:00:00']) {
      expect(errorsOf({ ...seedHeartbeat(), timestamp: ts }), ts).toEqual([]);
    }
    for (const ts of [
      '2025-02-30T00:00:00',
      '2025-13-01T00:00:00',
      '2025-08-04 12:51:08',
      '1754311868',
      '2025-08-04T25:00:00Z',
      '2025-08-04T12:51:60',
      '2025-12-31T23:59:60Z',
      '',
    ]) {
      expect(errorsOf({ ...seedHeartbeat(), timestamp: ts }), ts).toEqual(['/timestamp']);
    }
  });

  it('HB-5: accepts unknown fields at every depth', () => {
    const hb = seedHeartbeat() as unknown as Record<string, any>;
    hb.new_top_level = { nested: [1, 2] };
    hb.status.gpu_usage = 12;
    hb.hardware_inventory.disks[0].temperature_c = 41;
    hb.hardware_inventory.bitlocker.volumes[0].tpm = true;
    hb.software_inventory.installed_programs[0].install_date = '20240101';
    expect(errorsOf(hb)).toEqual([]);
  });

  it('HB-4: accepts a partial heartbeat whose failed sections are absent and named in collection_errors', () => {
    const hb = seedHeartbeat();
    delete hb.hardware_inventory!.bitlocker;
    delete hb.software_inventory;
    hb.collection_errors = [
      { collector: 'bitlocker', error: 'Get-BitLockerVolume timed out after 10 s' },
      { collector: 'programs', error: 'registry read failed' },
    ];
    expect(errorsOf(hb)).toEqual([]);
  });

  it('HB-3: names each offending field by JSON Pointer', () => {
    const hb = seedHeartbeat() as unknown as Record<string, any>;
    hb.status.cpu_usage = 150;
    hb.hardware_inventory.memory.total_gb = -1;
    hb.hardware_inventory.disks[0].health_status = 'Great';
    delete hb.hardware_inventory.system.hostname;
    expect(errorsOf(hb).sort()).toEqual(
      ['/status/cpu_usage', '/hardware_inventory/memory/total_gb', '/hardware_inventory/disks/0/health_status', '/hardware_inventory/system/hostname'].sort(),
    );
  });

  it('GEN-2: a body that is not an object fails at the root pointer', () => {
    for (const body of [[], 'text', 42, null]) expect(errorsOf(body)).toEqual(['']);
  });
});

describe('AgentTimestampSchema leap years (HB-6)', () => {
  it('accepts Feb 29 only in leap years', () => {
    expect(errorsOf({ ...seedHeartbeat(), timestamp: '2000-02-29T00:00:00' })).toEqual([]);
    expect(errorsOf({ ...seedHeartbeat(), timestamp: '1900-02-29T00:00:00' })).toEqual(['/timestamp']);
    expect(errorsOf({ ...seedHeartbeat(), timestamp: '2025-04-31T00:00:00' })).toEqual(['/timestamp']);
  });
});
