import fc from 'fast-check';
import { heartbeatArbitrary as contractHeartbeatArbitrary } from '../../contracts/arbitraries/heartbeat-arbitrary.js';
import type { HeartbeatRequest } from '../../contracts/index.js';

// The contracts' generators are the single source of payloads; this file only adapts them for the checks.

/** A labelled invalid heartbeat: invalid at exactly `pointer`. */
export interface InvalidHeartbeat {
  payload: unknown;
  pointer: string;
  rule: string;
  label: string;
}

/** Valid heartbeats (HB-2, HB-4, HB-5), from contracts/arbitraries. */
export const heartbeatArbitrary = contractHeartbeatArbitrary;

type Mutation = { pointer: string; rule: string; label: string; applies: (hb: any) => boolean; apply: (hb: any, v: number) => void };

const mutations: Mutation[] = [
  { pointer: '/status/cpu_usage', rule: 'maximum 100', label: 'cpu_usage above 100', applies: (hb) => hb.status !== undefined, apply: (hb, v) => { hb.status.cpu_usage = 100.01 + v; } },
  { pointer: '/status/memory_usage', rule: 'minimum 0', label: 'memory_usage negative', applies: (hb) => hb.status !== undefined, apply: (hb, v) => { hb.status.memory_usage = -0.01 - v; } },
  { pointer: '/asset_id', rule: 'uuid', label: 'malformed asset_id', applies: () => true, apply: (hb, v) => { hb.asset_id = `not-a-uuid-${v}`; } },
  { pointer: '/timestamp', rule: 'date-time', label: 'malformed timestamp', applies: () => true, apply: (hb, v) => { hb.timestamp = `2025-13-${String(1 + (v % 28)).padStart(2, '0')}T00:00:00`; } },
  { pointer: '/heartbeat_type', rule: 'required', label: 'missing heartbeat_type', applies: () => true, apply: (hb) => { delete hb.heartbeat_type; } },
  { pointer: '/hardware_inventory/memory/total_gb', rule: 'minimum 0', label: 'negative memory size', applies: (hb) => hb.hardware_inventory?.memory !== undefined, apply: (hb, v) => { hb.hardware_inventory.memory.total_gb = -1 - v; } },
  { pointer: '/hardware_inventory/system/hostname', rule: 'maxLength 255', label: 'hostname too long', applies: (hb) => hb.hardware_inventory?.system !== undefined, apply: (hb, v) => { hb.hardware_inventory.system.hostname = 'h'.repeat(256 + v); } },
  { pointer: '/hardware_inventory/system/platform', rule: 'type string', label: 'platform not a string', applies: (hb) => hb.hardware_inventory?.system !== undefined, apply: (hb, v) => { hb.hardware_inventory.system.platform = v; } },
];

/** Labelled invalid heartbeats (HB-3), each invalid at exactly one JSON Pointer. */
export function invalidHeartbeatArbitrary(options: { assetId?: string } = {}): fc.Arbitrary<InvalidHeartbeat> {
  return fc
    .tuple(contractHeartbeatArbitrary({ assetId: options.assetId, partial: 'never', extras: false, programs: { min: 0, max: 30 } }), fc.constantFrom(...mutations), fc.nat({ max: 1000 }))
    .filter(([hb, m]) => m.applies(hb))
    .map(([hb, m, v]) => {
      const payload = structuredClone(hb) as HeartbeatRequest;
      m.apply(payload, v);
      return { payload, pointer: m.pointer, rule: m.rule, label: m.label };
    });
}
