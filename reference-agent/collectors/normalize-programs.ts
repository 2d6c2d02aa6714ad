import { limits, type InstalledProgram } from '@lanet/contracts';
import { compareNames } from './name-order.js';

/** A program as a collector read it, before cleaning: any field may be missing or blank. */
export interface RawProgram {
  name?: string | null;
  version?: string | null;
  publisher?: string | null;
}

/** The program list as sent: all of them, deduplicated and sorted, cut at the contract's limit with a flag. */
export interface ProgramList {
  installed_programs: InstalledProgram[];
  installed_programs_truncated: boolean;
  /** How many distinct programs the machine has, before the cut. */
  total: number;
}

function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** Trims, drops control characters and clips to `max`; blank becomes null. */
function clean(value: string | null | undefined, max: number): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const text = value
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : clip(text, max);
}

/**
 * Every installed program, once: entries without a name are dropped (registry SystemComponent leftovers), the same
 * name and version seen twice (HKLM and WOW6432Node, or HKCU) count once, the list is sorted by name then version,
 * and cut at limits.programsMax with installed_programs_truncated: true (the seed cut at 50 and lost the rest).
 */
export function normalizePrograms(raw: readonly RawProgram[]): ProgramList {
  const byKey = new Map<string, InstalledProgram>();
  for (const entry of raw) {
    const name = clean(entry.name, limits.programNameMax);
    if (name === null) continue;
    const version = clean(entry.version, limits.programVersionMax);
    const publisher = clean(entry.publisher, limits.publisherMax);
    const key = `${name.toLowerCase()}\u0000${(version ?? '').toLowerCase()}`;
    const seen = byKey.get(key);
    if (seen) {
      // The first spelling wins; a later copy only fills a missing publisher.
      if (seen.publisher === undefined && publisher !== null) seen.publisher = publisher;
      continue;
    }
    byKey.set(key, { name, version, ...(publisher !== null ? { publisher } : {}) });
  }
  const all = [...byKey.values()].sort((a, b) => compareNames(a.name, b.name) || compareNames(a.version ?? '', b.version ?? ''));
  return {
    installed_programs: all.slice(0, limits.programsMax),
    installed_programs_truncated: all.length > limits.programsMax,
    total: all.length,
  };
}
