import { describe, expect, it } from 'vitest';
import { seedHeartbeat } from '../../contracts/index.js';
import { clockSkewSeconds, isPartial, parseAgentTimestamp, redactRecoveryKeys } from './heartbeat-facts.js';

describe('heartbeat facts', () => {
  it('reads a naive timestamp as UTC and honours offsets (HB-6)', () => {
    expect(parseAgentTimestamp('2025-08-04T12:51:08.123456')).toBe(Date.UTC(2025, 7, 4, 12, 51, 8, 123));
    expect(parseAgentTimestamp('2025-08-04T14:51:08+02:00')).toBe(Date.UTC(2025, 7, 4, 12, 51, 8));
    expect(parseAgentTimestamp('0099-03-01T00:00:00Z')).toBe(new Date('0099-03-01T00:00:00Z').getTime());
    expect(Number.isNaN(parseAgentTimestamp('yesterday'))).toBe(true);
  });

  it('records skew as agent minus server, clamped (HB-8)', () => {
    const received = Date.UTC(2025, 7, 4, 12, 0, 0);
    expect(clockSkewSeconds('2025-08-04T12:10:00Z', received)).toBe(600);
    expect(clockSkewSeconds('2025-08-04T11:59:59.500Z', received)).toBe(-0.5);
    expect(clockSkewSeconds('9999-01-01T00:00:00Z', received)).toBe(315_576_000);
  });

  it('marks a heartbeat partial when a section is missing or a collector failed (HB-4)', () => {
    const hb = seedHeartbeat();
    expect(isPartial(hb)).toBe(false);
    expect(isPartial({ ...hb, collection_errors: [{ collector: 'bitlocker', error: 'timeout' }] })).toBe(true);
    expect(isPartial({ ...hb, collection_errors: [{ collector: 'bitlocker', error: 'timed out', kind: 'timeout' }] })).toBe(true);
    // HB-4: a collector that cannot apply on this host (BitLocker on Linux) leaves nothing missing.
    expect(isPartial({ ...hb, collection_errors: [{ collector: 'bitlocker', error: 'not on Linux', kind: 'unsupported' }] })).toBe(false);
    const { software_inventory: _s, ...noSoftware } = hb;
    expect(isPartial(noSoftware)).toBe(true);
  });

  it('removes every recovery_key at any depth and refuses absurd nesting', () => {
    const body: Record<string, unknown> = { a: [{ recovery_key: 'x', keep: 1 }], recovery_key: 'y', b: { c: { recovery_key: 'z' } } };
    expect(redactRecoveryKeys(body)).toEqual({ removed: 3, members: 7 });
    expect(JSON.stringify(body)).toBe('{"a":[{"keep":1}],"b":{"c":{}}}');
    let deep: unknown = {};
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => redactRecoveryKeys({ deep })).toThrow(/nests deeper/);
  });
});
