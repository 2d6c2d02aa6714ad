import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { getAtPointer, HeartbeatRequestSchema, seedHeartbeat, validateMessage } from '../index.js';
import { applyMutation, heartbeatMutationSpecs, invalidHeartbeatArbitrary, mutationBaseArbitrary, propertySeed } from './index.js';
import type { MutationKind } from './index.js';
import { checksOf, defOf, shapeOf, unwrap } from './zod-introspection.js';

const seed = propertySeed();
console.log('seed', seed, '(replay with LANET_SEED)');

/** The JSON Pointers the validator reports for a payload ([] when it is valid). */
function errorPaths(payload: unknown): string[] {
  const result = validateMessage(HeartbeatRequestSchema, payload);
  return result.ok ? [] : result.errors.map((e) => e.path);
}

const BODY_LIMIT = 256 * 1024;

describe('invalidHeartbeatArbitrary', () => {
  it('HB-3: every mutation fails with exactly one error, at exactly its labelled pointer, in a body under 256 KiB', () => {
    fc.assert(
      fc.property(invalidHeartbeatArbitrary(), (m) => {
        expect(errorPaths(m.payload), m.label).toEqual([m.pointer]);
        expect(Buffer.byteLength(JSON.stringify(m.payload))).toBeLessThan(BODY_LIMIT);
        expect(m.label.startsWith(m.pointer === '' ? '(root)' : m.pointer)).toBe(true);
        expect(m.label.endsWith(`breaks ${m.rule}`)).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('HB-3: every mutation in the catalogue, with every breaking value it offers, fails at exactly its pointer', () => {
    const bases = fc.sample(mutationBaseArbitrary(), { seed, numRuns: 2 });
    const failures: string[] = [];
    for (const spec of heartbeatMutationSpecs()) {
      const variants = Math.max(1, spec.values().length);
      for (const base of bases) {
        for (let pick = 0; pick < variants; pick++) {
          const m = applyMutation(base, spec, pick);
          const paths = errorPaths(m.payload);
          if (paths.length !== 1 || paths[0] !== m.pointer) failures.push(`${m.label}: got ${JSON.stringify(paths)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('labels a mutation with its pointer, value and rule ("/status/cpu_usage = 150 breaks max 100")', () => {
    const spec = heartbeatMutationSpecs().find((s) => s.path.join('/') === 'status/cpu_usage' && s.rule === 'max 100');
    expect(spec).toBeDefined();
    const labels = [0, 1, 2].map((pick) => applyMutation(seedHeartbeat(), spec!, pick).label);
    expect(labels).toContain('/status/cpu_usage = 150 breaks max 100');
    const missing = heartbeatMutationSpecs().find((s) => s.path.join('/') === 'hardware_inventory/system/hostname' && s.kind === 'required')!;
    expect(applyMutation(seedHeartbeat(), missing, 0).label).toBe('/hardware_inventory/system/hostname missing breaks required');
    const disk = heartbeatMutationSpecs().find((s) => s.path.join('/') === 'hardware_inventory/disks/*/total_gb' && s.rule === 'min 0')!;
    expect(applyMutation(seedHeartbeat(), disk, 0).label).toBe('/hardware_inventory/disks/0/total_gb = -1 breaks min 0');
  });

  it('leaves the base payload untouched (fast-check reuses generated values while shrinking)', () => {
    const [base] = fc.sample(mutationBaseArbitrary(), { seed, numRuns: 1 });
    const before = JSON.stringify(base);
    for (const spec of heartbeatMutationSpecs()) applyMutation(base, spec, 1);
    expect(JSON.stringify(base)).toBe(before);
  });

  it("keeps a fixed assetId intact, so a conformance run can post every mutation with that agent's token", () => {
    const assetId = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
    fc.assert(
      fc.property(invalidHeartbeatArbitrary({ assetId }), (m) => {
        if (m.pointer !== '') expect(getAtPointer(m.payload, '/asset_id')).toBe(assetId);
        expect(errorPaths(m.payload)).toEqual([m.pointer]);
      }),
      { seed, numRuns: 150 },
    );
  });
});

/** Every bounded leaf of a schema (a field with a min, max, length, format, refinement or enum), as a '*'-template path. */
function boundedFields(schema: z.ZodType, path: string[] = []): string[] {
  const { core } = unwrap(schema);
  const def = defOf(core);
  if (def.type === 'object') return Object.entries(shapeOf(core)).flatMap(([k, v]) => boundedFields(v, [...path, k]));
  const own = def.type === 'enum' || checksOf(core).length > 0 ? [path.join('/')] : [];
  if (def.type === 'array') return [...own, ...boundedFields(def['element'] as z.ZodType, [...path, '*'])];
  return own;
}

describe('heartbeat mutation catalogue', () => {
  const specs = heartbeatMutationSpecs();
  const has = (path: string, kind: MutationKind, rule?: string): boolean =>
    specs.some((s) => s.path.join('/') === path && s.kind === kind && (rule === undefined || s.rule === rule));

  it('HB-3: breaks every bounded field of HeartbeatRequest past one of its bounds', () => {
    const fields = boundedFields(HeartbeatRequestSchema);
    expect(fields.length).toBeGreaterThan(40);
    const boundKinds: MutationKind[] = ['range', 'integer', 'length', 'items', 'format', 'calendar', 'enum'];
    const uncovered = fields.filter((f) => !specs.some((s) => s.path.join('/') === f && boundKinds.includes(s.kind)));
    expect(uncovered).toEqual([]);
  });

  it('HB-3: covers each case the requirement lists', () => {
    const wanted: Array<[string, MutationKind, string?]> = [
      ['status/cpu_usage', 'range', 'max 100'],
      ['status/memory_usage', 'range', 'min 0'],
      ['hardware_inventory/memory/total_gb', 'range', 'min 0'],
      ['hardware_inventory/disks/*/total_gb', 'range', 'max 1000000'],
      ['hardware_inventory/bitlocker/protected_volumes', 'integer'],
      ['asset_id', 'required'],
      ['timestamp', 'required'],
      ['heartbeat_type', 'required'],
      ['hardware_inventory/system/hostname', 'required'],
      ['hardware_inventory/disks/*/device', 'required'],
      ['asset_id', 'format', 'format uuid'],
      ['timestamp', 'format'],
      ['timestamp', 'calendar'],
      ['hardware_inventory/system/hostname', 'length', 'max length 255'],
      ['software_inventory/installed_programs/*/name', 'length', 'min length 1'],
      ['hardware_inventory/disks', 'items', 'max items 64'],
      ['hardware_inventory/bitlocker/volumes', 'items', 'max items 64'],
      ['software_inventory/installed_programs', 'items', 'max items 2000'],
      ['collection_errors', 'items', 'max items 32'],
      ['hardware_inventory/disks/*/health_status', 'enum'],
      ['status/cpu_usage', 'type'],
      ['hardware_inventory/bitlocker/supported', 'type'],
      ['status', 'type'],
      ['', 'type'],
    ];
    expect(wanted.filter(([path, kind, rule]) => !has(path, kind, rule))).toEqual([]);
  });
});
