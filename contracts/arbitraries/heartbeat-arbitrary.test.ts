import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AgentTimestampSchema, HeartbeatRequestSchema, validateMessage } from '../index.js';
import type { HeartbeatRequest } from '../index.js';
import { agentTimestampArbitrary, heartbeatArbitrary, MAX_GENERATED_BYTES, propertySeed } from './index.js';
import { daysInMonth } from './timestamps.js';
import { defOf, shapeOf, unwrap } from './zod-introspection.js';

const seed = propertySeed();
console.log('seed', seed, '(replay with LANET_SEED)');
const runs = { seed, numRuns: 200 };
const lighterRuns = { seed, numRuns: 100 };

/** Every key path whose key the contract's object shapes do not name (HB-5 extras), found by walking schema and value together. */
function unknownKeyPaths(schema: z.ZodType, value: unknown, path = ''): string[] {
  const { core } = unwrap(schema);
  const def = defOf(core);
  if (def.type === 'array' && Array.isArray(value)) return value.flatMap((v, i) => unknownKeyPaths(def['element'] as z.ZodType, v, `${path}/${i}`));
  if (def.type !== 'object' || value === null || typeof value !== 'object') return [];
  const shape = shapeOf(core);
  return Object.entries(value).flatMap(([k, v]) => (k in shape ? unknownKeyPaths(shape[k]!, v, `${path}/${k}`) : [`${path}/${k}`]));
}

/** Deep equality with Object.is on scalars: what FLT-3 round-trip equality needs, and much faster than toEqual on 500 programs. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** used <= total and percent = used/total*100 (one decimal), for every usage block present. */
function usageIsConsistent(u: { total_gb: number; used_gb?: number | undefined; usage_percent?: number | undefined }): boolean {
  if (u.used_gb === undefined || u.usage_percent === undefined) return true;
  if (u.used_gb > u.total_gb) return false;
  const expected = u.total_gb === 0 ? 0 : (u.used_gb / u.total_gb) * 100;
  return Math.abs(expected - u.usage_percent) <= 0.05 + 1e-9;
}

describe('heartbeatArbitrary', () => {
  it('HB-1, HB-2: every generated heartbeat passes the contract, survives JSON unchanged and stays under 200 KiB', () => {
    fc.assert(
      fc.property(heartbeatArbitrary(), (hb) => {
        const result = validateMessage(HeartbeatRequestSchema, hb);
        expect(result.ok ? [] : result.errors).toEqual([]);
        const json = JSON.stringify(hb);
        expect(sameJson(JSON.parse(json), hb)).toBe(true);
        expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_GENERATED_BYTES);
      }),
      runs,
    );
  });

  it('keeps the numbers consistent: used <= total, percent = used/total*100, protected_volumes counted, domain xor workgroup', () => {
    fc.assert(
      fc.property(heartbeatArbitrary({ extras: false, programs: { min: 0, max: 5 } }), (hb) => {
        const hw = hb.hardware_inventory;
        if (hw?.memory) {
          expect(usageIsConsistent(hw.memory)).toBe(true);
          expect(hw.memory.available_gb).toBeCloseTo(hw.memory.total_gb - hw.memory.used_gb, 1);
          if (hb.status) expect(hb.status.memory_usage).toBe(hw.memory.usage_percent);
        }
        if (hw?.disk) {
          expect(usageIsConsistent(hw.disk)).toBe(true);
          if (hb.status) expect(hb.status.disk_usage).toBe(hw.disk.usage_percent);
        }
        for (const disk of hw?.disks ?? []) expect(usageIsConsistent(disk)).toBe(true);
        if (hw?.bitlocker) {
          const protectedCount = hw.bitlocker.volumes.filter((v) => v.protection_status === 'Protected').length;
          expect(hw.bitlocker.protected_volumes).toBe(protectedCount);
          if (!hw.bitlocker.supported) expect(hw.bitlocker.volumes).toEqual([]);
        }
        if (hw?.system) expect([hw.system.domain, hw.system.workgroup].filter((v) => v === null)).toHaveLength(1);
      }),
      runs,
    );
  });

  it("HB-4: partial 'always' drops sections and names each failed collector; 'never' sends every section", () => {
    fc.assert(
      fc.property(heartbeatArbitrary({ partial: 'always', extras: false, programs: { min: 0, max: 5 } }), (hb) => {
        expect(hb.collection_errors?.length ?? 0).toBeGreaterThan(0);
        const present = [
          hb.status,
          hb.hardware_inventory?.system,
          hb.hardware_inventory?.memory,
          hb.hardware_inventory?.disk,
          hb.hardware_inventory?.disks,
          hb.hardware_inventory?.bitlocker,
          hb.software_inventory?.installed_programs,
        ];
        expect(present.some((s) => s === undefined)).toBe(true);
      }),
      lighterRuns,
    );
    fc.assert(
      fc.property(heartbeatArbitrary({ partial: 'never', programs: { min: 0, max: 5 } }), (hb) => {
        expect(hb.collection_errors).toBeUndefined();
        expect(hb.heartbeat_type).toBe('full');
        const hw = hb.hardware_inventory;
        expect([hb.status, hw?.system, hw?.memory, hw?.disk, hw?.disks, hw?.bitlocker, hb.software_inventory?.installed_programs]).not.toContain(undefined);
      }),
      lighterRuns,
    );
  });

  it('HB-5: extras=false sends only contract fields; by default unknown fields appear, some below the top level', () => {
    fc.assert(
      fc.property(heartbeatArbitrary({ extras: false, programs: { min: 0, max: 20 } }), (hb) => {
        expect(unknownKeyPaths(HeartbeatRequestSchema, hb)).toEqual([]);
      }),
      runs,
    );
    const paths = fc
      .sample(heartbeatArbitrary({ programs: { min: 0, max: 20 } }), { seed, numRuns: 100 })
      .flatMap((hb) => unknownKeyPaths(HeartbeatRequestSchema, hb));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.some((p) => p.split('/').length > 3)).toBe(true);
  });

  it('honours assetId and the programs range', () => {
    const assetId = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
    fc.assert(
      fc.property(heartbeatArbitrary({ assetId, programs: { min: 3, max: 7 }, partial: 'never' }), (hb) => {
        expect(hb.asset_id).toBe(assetId);
        const n = hb.software_inventory?.installed_programs?.length ?? -1;
        expect(n).toBeGreaterThanOrEqual(3);
        expect(n).toBeLessThanOrEqual(7);
      }),
      lighterRuns,
    );
  });

  it('refuses options that would generate invalid heartbeats, saying which and why', () => {
    expect(() => heartbeatArbitrary({ assetId: 'uuid-string' })).toThrow(/assetId 'uuid-string' is not a UUID/);
    expect(() => heartbeatArbitrary({ programs: { min: 0, max: 2001 } })).toThrow(/max <= 2000/);
    expect(() => heartbeatArbitrary({ programs: { min: 5, max: 4 } })).toThrow(/0 <= min <= max/);
  });

  it('HB-2: has real variety over many runs (Windows 10/11/Server, Intel/AMD/ARM, bus types, BitLocker states, unicode, 0..500 programs, timestamp forms)', () => {
    const samples: HeartbeatRequest[] = fc.sample(heartbeatArbitrary({ partial: 'never', extras: false }), { seed, numRuns: 300 });
    const platforms = samples.map((hb) => hb.hardware_inventory!.system!.platform).join('\n');
    for (const build of ['10.0.19045', '10.0.22631', '10.0.20348', 'Server']) expect(platforms).toContain(build);
    const processors = samples.map((hb) => hb.hardware_inventory!.system!.processor).join('\n');
    for (const vendor of ['Intel', 'AMD', 'ARMv8']) expect(processors).toContain(vendor);
    const buses = new Set(samples.flatMap((hb) => hb.hardware_inventory!.disks!.map((d) => d.interface_type)));
    for (const bus of ['NVMe', 'SATA', 'USB', 'SAS']) expect(buses).toContain(bus);
    expect(samples.some((hb) => hb.hardware_inventory!.disks!.length >= 2)).toBe(true);
    const bitlocker = samples.map((hb) => hb.hardware_inventory!.bitlocker!);
    expect(bitlocker.some((b) => !b.supported)).toBe(true);
    expect(bitlocker.some((b) => b.volumes.some((v) => v.protection_status === 'Protected'))).toBe(true);
    expect(bitlocker.some((b) => b.supported && b.volumes.every((v) => v.protection_status !== 'Protected'))).toBe(true);
    expect(bitlocker.some((b) => b.volumes.some((v) => typeof v.recovery_key === 'string'))).toBe(true);
    expect(samples.some((hb) => hb.hardware_inventory!.system!.domain === null)).toBe(true);
    expect(samples.some((hb) => hb.hardware_inventory!.system!.workgroup === null)).toBe(true);
    const names = samples.flatMap((hb) => hb.software_inventory!.installed_programs!.map((p) => p.name)).join('\n');
    for (const script of [/[\u4e00-\u9fff]/u, /[\u00c0-\u017f]/u, /\p{Extended_Pictographic}/u]) expect(names).toMatch(script);
    const counts = samples.map((hb) => hb.software_inventory!.installed_programs!.length);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThanOrEqual(500);
    const stamps = samples.map((hb) => hb.timestamp);
    expect(stamps.some((t) => /T\d\d:\d\d:\d\d(\.\d+)?$/i.test(t))).toBe(true);
    expect(stamps.some((t) => /z$/i.test(t))).toBe(true);
    expect(stamps.some((t) => /[+-]\d\d:\d\d$/.test(t))).toBe(true);
  });
});

describe('agentTimestampArbitrary', () => {
  it('HB-6: every naive, Z and offset timestamp passes AgentTimestampSchema and names a real day', () => {
    fc.assert(
      fc.property(agentTimestampArbitrary(), (ts) => {
        expect(AgentTimestampSchema.safeParse(ts).success).toBe(true);
        const [y, m, d] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
        expect(d).toBeLessThanOrEqual(daysInMonth(y, m));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('knows leap years', () => {
    expect([daysInMonth(2024, 2), daysInMonth(2025, 2), daysInMonth(2100, 2), daysInMonth(2000, 2), daysInMonth(2025, 4)]).toEqual([29, 28, 28, 29, 30]);
  });
});

describe('test helpers', () => {
  it('sameJson tells a -0 or a dropped undefined from a faithful round trip', () => {
    expect(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: -0 }, JSON.parse(JSON.stringify({ a: -0 })))).toBe(false);
    expect(sameJson({ a: undefined }, JSON.parse(JSON.stringify({ a: undefined })))).toBe(false);
  });
});
