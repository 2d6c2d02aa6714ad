import { limits, type HeartbeatRequest } from '@lanet/contracts';
import { HttpProblem } from '../http/problem.js';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$/;

/** Epoch ms of an agent timestamp (HB-6): a naive value is read as UTC; a leap second ":60" counts as the next second. */
export function parseAgentTimestamp(value: string): number {
  const m = TIMESTAMP.exec(value);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC maps years 0..99 to 1900..1999; fix the year explicitly.
  const date = new Date(utc);
  date.setUTCFullYear(Number(y));
  let t = date.getTime();
  if (offset && offset !== 'Z' && offset !== 'z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    t -= sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
  }
  return t;
}

/** Agent clock minus server receive time in seconds, clamped to the contract's bound (HB-8). */
export function clockSkewSeconds(agentTimestamp: string, receivedAtMs: number): number {
  const agentMs = parseAgentTimestamp(agentTimestamp);
  if (Number.isNaN(agentMs)) return 0;
  const skew = (agentMs - receivedAtMs) / 1000;
  return Math.max(-limits.clockSkewMaxS, Math.min(limits.clockSkewMaxS, Math.round(skew * 1000) / 1000));
}

/** HB-4: partial when the agent says so, lists failed collectors (not those that cannot apply here), or left out a whole section. */
export function isPartial(hb: HeartbeatRequest): boolean {
  return (
    hb.heartbeat_type === 'partial' ||
    (hb.collection_errors ?? []).some((e) => e.kind !== 'unsupported') ||
    hb.status === undefined ||
    hb.hardware_inventory === undefined ||
    hb.software_inventory === undefined
  );
}

/** Deepest nesting accepted in a payload: far above the contract's 4 levels, low enough to walk without recursion limits. */
export const MAX_DEPTH = 64;

/** What redactRecoveryKeys saw: members removed, and members the parsed value held before (duplicates collapsed). */
export interface RedactionCount {
  removed: number;
  members: number;
}

/**
 * Removes every `recovery_key`, at any depth, from the body as received (FLT-3, ESC-1), in place and without recursion
 * (unknown fields may nest deeply, GEN-6); a body nested past MAX_DEPTH gets 400. Counts what it removed and every member
 * it saw, so the caller can compare with the members the text spells (a duplicate makes the text spell more).
 */
export function redactRecoveryKeys(root: Record<string, unknown>): RedactionCount {
  let removed = 0;
  let members = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_DEPTH) {
      throw new HttpProblem(
        400,
        'too-deep',
        'Body nested too deeply',
        `The body nests deeper than ${MAX_DEPTH} levels; send the heartbeat as the contract describes.`,
      );
    }
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
      continue;
    }
    const obj = node as Record<string, unknown>;
    const keys = Object.keys(obj);
    members += keys.length;
    // Children first, a recovery_key's own value included, so `members` counts every member the text spells.
    for (const key of keys) {
      const child = obj[key];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
    if (Object.hasOwn(obj, 'recovery_key')) {
      delete obj.recovery_key;
      removed++;
    }
  }
  return { removed, members };
}
