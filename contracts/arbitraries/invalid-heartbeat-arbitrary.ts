import fc from 'fast-check';
import { HeartbeatRequestSchema, toJsonPointer } from '../index.js';
import { buildHeartbeatArbitrary } from './heartbeat-arbitrary.js';
import { mutationSpecs } from './mutation-catalog.js';
import type { MutationSpec } from './mutation-catalog.js';

/** An invalid payload that breaks exactly one rule at exactly one JSON Pointer, with a label naming both. */
export interface LabelledMutation {
  payload: unknown;
  /** RFC 6901 pointer of the broken field ("" is the body); the validator must report exactly this path (HB-3). */
  pointer: string;
  /** The rule broken: "max 100", "required", "max items 2000", "format uuid", ... */
  rule: string;
  /** "/status/cpu_usage = 150 breaks max 100" */
  label: string;
}

let heartbeatSpecs: MutationSpec[] | undefined;

/** Every single-rule mutation of HeartbeatRequest (computed once from the schema). */
export function heartbeatMutationSpecs(): readonly MutationSpec[] {
  heartbeatSpecs ??= mutationSpecs(HeartbeatRequestSchema);
  return heartbeatSpecs;
}

/** A short, readable rendering of a breaking value for labels (long strings and lists abbreviated). */
export function previewValue(value: unknown): string {
  if (Array.isArray(value) && value.length > 3) return `[${value.length} items]`;
  if (typeof value === 'string' && value.length > 24) {
    const chars = Array.from(value);
    return `${JSON.stringify(chars.slice(0, 12).join(''))}… (${chars.length} chars)`;
  }
  return JSON.stringify(value);
}

/** Applies one mutation to a copy of `base`: '*' picks an existing element by `pick`; returns the payload and concrete path. */
export function applyMutation(base: unknown, spec: MutationSpec, pick: number): LabelledMutation {
  const payload: unknown = structuredClone(base);
  const concrete: Array<string | number> = [];
  let parent: unknown = payload;
  const keys = spec.path;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const last = i === keys.length - 1;
    if (key === '*') {
      if (!Array.isArray(parent) || parent.length === 0)
        throw new Error(
          `applyMutation: ${toJsonPointer(concrete)} is not a non-empty array in the base payload, so '${spec.rule}' cannot be applied below it.`,
        );
      concrete.push(pick % parent.length);
    } else {
      concrete.push(key);
    }
    if (last) break;
    parent = (parent as Record<string | number, unknown>)[concrete[concrete.length - 1]!];
    if (parent === null || typeof parent !== 'object')
      throw new Error(`applyMutation: ${toJsonPointer(concrete)} is absent in the base payload; the base must hold every section.`);
  }
  const pointer = toJsonPointer(concrete);
  if (spec.kind === 'required') {
    delete (parent as Record<string, unknown>)[concrete[concrete.length - 1] as string];
    return { payload, pointer, rule: spec.rule, label: `${pointer} missing breaks required` };
  }
  const values = spec.values();
  const value = values[pick % values.length];
  if (concrete.length === 0) return { payload: value, pointer, rule: spec.rule, label: `(root) = ${previewValue(value)} breaks ${spec.rule}` };
  (parent as Record<string | number, unknown>)[concrete[concrete.length - 1]!] = value;
  return { payload, pointer, rule: spec.rule, label: `${pointer} = ${previewValue(value)} breaks ${spec.rule}` };
}

/** The complete valid heartbeat mutations start from: every section present, every list non-empty, unknown fields included. */
export function mutationBaseArbitrary(assetId?: string): fc.Arbitrary<unknown> {
  return buildHeartbeatArbitrary({ complete: true, programs: { min: 1, max: 25 }, ...(assetId === undefined ? {} : { assetId }) });
}

/**
 * An invalid heartbeat breaking exactly one rule at exactly one JSON Pointer (HB-3): out-of-range percent,
 * negative or above-max size, wrong type, missing required field (body or section), malformed asset_id,
 * malformed or impossible timestamp, strings and arrays past their limits, bad enum values. Every bounded field of
 * HeartbeatRequest has mutations, chosen uniformly. Payloads stay under 256 KiB.
 */
export function invalidHeartbeatArbitrary(options: { assetId?: string } = {}): fc.Arbitrary<LabelledMutation> {
  let specs = heartbeatMutationSpecs();
  // With a fixed asset id the caller authenticates as that agent, so asset_id itself is left intact.
  if (options.assetId !== undefined) specs = specs.filter((s) => s.path[0] !== 'asset_id');
  return fc.tuple(mutationBaseArbitrary(options.assetId), fc.constantFrom(...specs), fc.nat()).map(([base, spec, pick]) => applyMutation(base, spec, pick));
}
