import { limits, protocol } from '@lanet/contracts';
import { DEFAULT_BODY_BUDGET_BYTES } from './http/body-budget.js';
import { DEFAULT_BODY_LIMIT } from './http/read-json-body.js';
import { checkHistoryConfig, defaultHistoryConfig, type HistoryConfig } from './history-config.js';

/** Everything the reference server needs to start; the CLI builds it from flags and LANET_* variables. */
export interface ServerConfig extends HistoryConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** SQLite file path or postgres:// URL (optionally `?schema=NAME`). */
  database: string;
  /** When absent the server generates one on first start and keeps only its hash. */
  enrollmentSecret?: string;
  adminToken?: string;
  /** When set, /metrics needs this token or the admin token; else it is open (route table: "none or admin"). */
  metricsToken?: string;
  /** Where secrets generated on first start are written (mode 0600); default beside the SQLite file or ./data. */
  secretsFile?: string;
  /** Failed enrollment or admin attempts a minute one client address may make, in bursts of two minutes' worth; 0 is no limit. */
  authFailureLimit: number;
  /** FLT-2 threshold in seconds; fractions allowed so test suites can compress time. */
  offlineAfterS: number;
  /** HB-11: what next_heartbeat_in_s and heartbeat_interval_s say. */
  heartbeatIntervalS: number;
  /** AUTH-5 legacy mode: heartbeats without a token are accepted. */
  insecureNoAuth: boolean;
  /** LANET_ESCROW_KEY (hex or base64 of 32 bytes); else the key file is used. */
  escrowKey?: string;
  /** Where a generated escrow key lives (mode 0600); default beside the SQLite file or ./data/escrow.key. */
  escrowKeyFile?: string;
  /** GEN-4 limit on the (inflated) body. */
  bodyLimitBytes: number;
  /** HB-10: heartbeats waiting for a commit beyond which new ones get 503. */
  maxPendingCommits: number;
  /** HB-10 (D4): most inflated body bytes held at once, read or waiting for the ingest thread; past it, 503. */
  bodyBudgetBytes: number;
  /** HB-10, GEN-8: once the oldest heartbeat waiting for its commit has waited this long (ms), new ones get 503. */
  maxCommitWaitMs: number;
  /** Most heartbeats in one transaction (group commit). */
  maxBatch: number;
  /** HB-10: heartbeats a minute one agent may send before it gets 429; 0 is no limit. */
  agentRateLimit: number;
  /**
   * Before opening the port, run the hot path of both threads on throwaway in-memory servers so a fleet arriving at
   * once meets compiled code (warm-up-http.ts, warm-up-ingest.ts); costs 1-3 s of start-up. Off unless asked
   * (`--warm-up`): in PERF-1 runs its effect on the start-up burst stayed inside the run-to-run spread.
   */
  warmUp?: boolean;
}

/** Defaults of everything but the database and secrets. */
export const defaultConfig = {
  host: '127.0.0.1',
  port: 8080,
  database: './data/lanet.db',
  offlineAfterS: protocol.offlineAfterDefaultS,
  heartbeatIntervalS: limits.defaultHeartbeatIntervalS,
  insecureNoAuth: false,
  bodyLimitBytes: DEFAULT_BODY_LIMIT,
  // At ~4,000 commits/s a queue of 4,000 drains in about a second, far inside the agent's 15 s timeout.
  maxPendingCommits: 4000,
  bodyBudgetBytes: DEFAULT_BODY_BUDGET_BYTES,
  // Half the store deadline (8 s): a heartbeat admitted while the queue is younger than this still has the other half
  // for its own commit, and when the queue is older its 503 comes at once instead of after 8 s holding its body.
  maxCommitWaitMs: 4000,
  maxBatch: 256,
  // Off by default: conformance suites, simulators and benchmarks send many heartbeats a second for one agent.
  agentRateLimit: 0,
  // One failed guess a second per address after a burst of 120, instead of thousands a second; a conformance run
  // makes about 30 failed attempts, so it never meets the limit.
  authFailureLimit: 60,
  ...defaultHistoryConfig, // history retention (history-config.ts)
} as const satisfies Omit<ServerConfig, 'enrollmentSecret' | 'adminToken' | 'metricsToken'>;

/** Returns the problems with a config, each saying what to change; empty when it is usable. */
export function checkConfig(c: ServerConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) problems.push(`--port must be an integer 0..65535, got ${c.port}.`);
  if (!(c.offlineAfterS > 0) || !Number.isFinite(c.offlineAfterS))
    problems.push(`--offline-after must be a positive number of seconds, got ${c.offlineAfterS}.`);
  if (!Number.isInteger(c.heartbeatIntervalS) || c.heartbeatIntervalS < limits.minHeartbeatIntervalS || c.heartbeatIntervalS > limits.maxHeartbeatIntervalS) {
    problems.push(
      `--heartbeat-interval must be an integer ${limits.minHeartbeatIntervalS}..${limits.maxHeartbeatIntervalS} (HB-11), got ${c.heartbeatIntervalS}.`,
    );
  }
  for (const [flag, value] of [
    ['--enrollment-secret', c.enrollmentSecret],
    ['--admin-token', c.adminToken],
    ['--metrics-token', c.metricsToken],
  ] as const) {
    if (value !== undefined && value.length < 8)
      problems.push(`${flag} must be at least 8 characters; use a long random value (e.g. \`openssl rand -hex 32\`).`);
  }
  if (!Number.isInteger(c.maxBatch) || c.maxBatch < 1) problems.push(`--max-batch must be a positive integer, got ${c.maxBatch}.`);
  if (!Number.isInteger(c.maxPendingCommits) || c.maxPendingCommits < 0) problems.push(`--max-pending must be an integer >= 0, got ${c.maxPendingCommits}.`);
  if (!Number.isFinite(c.bodyBudgetBytes) || c.bodyBudgetBytes < c.bodyLimitBytes)
    problems.push(
      `--body-budget-mib must be at least the body limit (${c.bodyLimitBytes / 2 ** 20} MiB), or a body at the limit could never be read; got ${c.bodyBudgetBytes / 2 ** 20} MiB.`,
    );
  if (!(c.maxCommitWaitMs > 0) || !Number.isFinite(c.maxCommitWaitMs))
    problems.push(`--max-commit-wait must be a positive number of seconds, got ${c.maxCommitWaitMs / 1000}.`);
  if (!(c.agentRateLimit >= 0) || !Number.isFinite(c.agentRateLimit))
    problems.push(`--agent-rate-limit must be a number of heartbeats a minute >= 0 (0: no limit), got ${c.agentRateLimit}.`);
  if (!(c.authFailureLimit >= 0) || !Number.isFinite(c.authFailureLimit))
    problems.push(`--auth-failure-limit must be a number of failed attempts a minute >= 0 (0: no limit), got ${c.authFailureLimit}.`);
  problems.push(...checkHistoryConfig(c));
  if (c.database.trim() === '') problems.push('--database must be a SQLite file path or a postgres:// URL.');
  return problems;
}
