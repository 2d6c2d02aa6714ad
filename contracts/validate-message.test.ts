import { describe, expect, it } from 'vitest';
import { HeartbeatRequestSchema } from './heartbeat-request.js';
import { validatorFor } from './message-validators.js';
import { RegisterRequestSchema } from './register.js';
import { seedHeartbeat } from './seed-example.js';
import { formatFieldErrors, validateMessage } from './validate-message.js';

/** The `path: message` lines the heartbeat validator reports after `edit` broke a seed heartbeat. */
function linesAfter(edit: (hb: Record<string, any>) => void): string[] {
  const hb = seedHeartbeat() as Record<string, any>;
  edit(hb);
  const result = validatorFor('heartbeat')(hb);
  return result.ok ? [] : formatFieldErrors(result.errors).split('\n');
}

describe('validation messages that teach (HB-3)', () => {
  it('HB-3: a missing member is "required" at its own pointer, with the rule it must meet', () => {
    expect(linesAfter((hb) => delete hb.hardware_inventory.system.hostname)).toEqual([
      '/hardware_inventory/system/hostname: required: must be a string of 1 to 255 characters',
    ]);
    // A deleted asset_id is missing, not malformed.
    expect(linesAfter((hb) => delete hb.asset_id)).toEqual(['/asset_id: required: must be a UUID (8-4-4-4-12 hex digits)']);
  });

  it('HB-3: each message names the rule and its range or format, and what was received', () => {
    expect(linesAfter((hb) => (hb.status.cpu_usage = 150))).toEqual(['/status/cpu_usage: must be a number from 0 to 100 (got 150)']);
    expect(linesAfter((hb) => (hb.status.memory_usage = '67'))).toEqual([
      '/status/memory_usage: must be a number from 0 to 100 (got a string of 2 characters)',
    ]);
    expect(linesAfter((hb) => (hb.asset_id = 'uuid-string'))).toEqual(['/asset_id: must be a UUID (8-4-4-4-12 hex digits)']);
    expect(linesAfter((hb) => (hb.timestamp = 'yesterday'))).toEqual([
      '/timestamp: must be an RFC 3339 date-time on a real calendar day (offset optional, read as UTC)',
    ]);
    expect(linesAfter((hb) => (hb.hardware_inventory.bitlocker.protected_volumes = 1.5))).toEqual([
      '/hardware_inventory/bitlocker/protected_volumes: must be a whole number from 0 to 64 (got 1.5)',
    ]);
    expect(linesAfter((hb) => (hb.hardware_inventory.system.domain = 5))).toEqual([
      '/hardware_inventory/system/domain: must be a string of 1 to 255 characters, or null (got 5)',
    ]);
    expect(linesAfter((hb) => (hb.hardware_inventory.disks[0].health_status = 'Bad'))).toEqual([
      '/hardware_inventory/disks/0/health_status: must be one of "Healthy", "Warning", "Unhealthy", "Critical", "Unknown"',
    ]);
    expect(linesAfter((hb) => (hb.software_inventory.installed_programs = {}))).toEqual([
      '/software_inventory/installed_programs: must be an array of at most 2000 items (got an object)',
    ]);
    expect(linesAfter((hb) => (hb.hardware_inventory.bitlocker.supported = 'yes'))).toEqual([
      '/hardware_inventory/bitlocker/supported: must be true or false (got a string of 3 characters)',
    ]);
  });

  it('HB-3: a body that is not an object says so at the root pointer', () => {
    const result = validateMessage(HeartbeatRequestSchema, [1, 2]);
    expect(result.ok ? [] : result.errors).toEqual([{ path: '', message: 'must be a JSON object (got an array of 2 items)' }]);
  });

  it('AUTH-4: messages never echo a string the agent sent (it may be a secret)', () => {
    const secret = 'enrol-secret-' + 'x'.repeat(300);
    const result = validateMessage(RegisterRequestSchema, { hardware_fingerprint: secret, hostname: secret });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('enrol-secret');
  });

  it('a valid heartbeat has no messages at all (the check can pass)', () => {
    expect(linesAfter(() => {})).toEqual([]);
  });
});
