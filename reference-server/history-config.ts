/**
 * The history retention policy of the reference server (issue 12, D4): how long and how much heartbeat history each
 * agent keeps. Kept apart from server-config.ts so the policy's flags, defaults and checks live in one place.
 */
import type { RetentionOptions } from './ingest/history-pruner.js';

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/** Retention settings of ServerConfig; 0 turns a limit off. */
export interface HistoryConfig {
  /** Heartbeats received longer ago than this many days are deleted (fractions allowed). */
  historyMaxAgeDays: number;
  /** Heartbeats kept per agent, newest first. */
  historyMaxCount: number;
  /** Stored payload bytes kept per agent (the budget of one agent's history), newest first. */
  historyMaxBytes: number;
  /** Rows one pruning step looks at, at most (bounds how long a step holds the store). */
  historyPruneStepRows: number;
  /** How often the age sweep and the scan for agents over budget start. */
  historySweepIntervalMs: number;
}

/**
 * Defaults: 30 days; 10,000 heartbeats, so an agent on the 300 s default interval (8,640 in 30 days, retries
 * included) keeps its 30 days; 64 MiB, so a seed-sized agent (6.7 KB, ~55 MiB in 30 days) keeps them too, and a
 * flooding token is held to 64 MiB instead of filling the disk.
 */
export const defaultHistoryConfig = {
  historyMaxAgeDays: 30,
  historyMaxCount: 10_000,
  historyMaxBytes: 64 * MIB,
  historyPruneStepRows: 500,
  historySweepIntervalMs: 60_000,
} as const satisfies HistoryConfig;

/** Problems with the retention settings, each saying what to change. */
export function checkHistoryConfig(c: HistoryConfig): string[] {
  const problems: string[] = [];
  if (!(c.historyMaxAgeDays >= 0) || !Number.isFinite(c.historyMaxAgeDays))
    problems.push(`--history-max-age must be a number of days >= 0 (0: keep forever), got ${c.historyMaxAgeDays}.`);
  if (!Number.isInteger(c.historyMaxCount) || c.historyMaxCount < 0)
    problems.push(`--history-max-count must be an integer >= 0 (0: no limit), got ${c.historyMaxCount}.`);
  // A budget below one heartbeat is allowed: the agent then keeps its latest heartbeat alone (FLT-3).
  if (!Number.isInteger(c.historyMaxBytes) || c.historyMaxBytes < 0)
    problems.push(`--history-max-bytes must be a size >= 0 such as 67108864 or 64MiB (0: no limit), got ${c.historyMaxBytes}.`);
  if (!Number.isInteger(c.historyPruneStepRows) || c.historyPruneStepRows < 1)
    problems.push(`historyPruneStepRows must be a positive integer, got ${c.historyPruneStepRows}.`);
  if (!(c.historySweepIntervalMs > 0)) problems.push(`historySweepIntervalMs must be positive, got ${c.historySweepIntervalMs}.`);
  return problems;
}

/** The pruner's options from the config (0 becomes Infinity: no limit). */
export function retentionOptions(c: HistoryConfig): RetentionOptions {
  const limit = (v: number) => (v > 0 ? v : Infinity);
  return {
    maxAgeMs: limit(c.historyMaxAgeDays * DAY_MS),
    maxCount: limit(c.historyMaxCount),
    maxBytes: limit(c.historyMaxBytes),
    stepRows: c.historyPruneStepRows,
    sweepIntervalMs: c.historySweepIntervalMs,
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: MIB, mib: MIB, g: 1024 * MIB, gib: 1024 * MIB };

/** Parses a byte size: `67108864`, `64MiB`, `64M`, `512KiB`, `1.5GiB` (1024-based, as the spec counts); NaN if unreadable. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : Number.NaN;
}
