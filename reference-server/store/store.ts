/** Rows and operations every storage back end of the reference server provides (SQLite and PostgreSQL). */

/** One registered agent as the fleet view needs it; times are epoch milliseconds of the server clock (HB-8). */
export interface AgentRow {
  assetId: string;
  hostname: string | null;
  registeredAtMs: number;
  lastSeenAtMs: number | null;
  partial: boolean;
  clockSkewS: number | null;
}

/** FLT-5: what the fleet list can be sorted by. */
export type FleetSortField = 'hostname' | 'last_seen';

/** FLT-5: one page of the fleet list: filters, order and the keyset position after which the page starts. */
export interface AgentPageQuery {
  /** Rows to return (the caller asks one more than the page to learn whether another page follows). */
  limit: number;
  sort: FleetSortField;
  descending: boolean;
  /** The last row of the previous page: its asset id, and its sort key when the cursor carried it (else it is looked up). */
  after?: { key?: string | number; assetId: string };
  status?: 'online' | 'offline' | 'never_seen';
  /** Case-insensitive substring of the hostname. */
  search?: string;
  /** Agents last seen at or after this server time (ms) are online (FLT-2). */
  onlineSinceMs: number;
}

/** An agent row of a fleet page, with the sort key the database computed (the next cursor is built from it). */
export interface AgentPageRow extends AgentRow {
  sortKey: string | number;
}

/** FLT-5: the whole fleet by status. */
export interface FleetCounts {
  total: number;
  online: number;
  offline: number;
  never_seen: number;
}

/** An agent plus its latest stored payload (redacted JSON text, FLT-3). */
export interface AgentDetailRow extends AgentRow {
  latestPayloadJson: string | null;
}

/** One stored heartbeat (FLT-4); `payloadJson` is the body as received with every recovery_key removed. */
export interface HeartbeatRow {
  id: number;
  receivedAtMs: number;
  partial: boolean;
  clockSkewS: number;
  payloadJson: string;
}

/** A recovery key encrypted under the escrow key (ESC-1); `digest` is a keyed hash that deduplicates re-sends. */
export interface EscrowWrite {
  keyId: string;
  driveLetter: string;
  ciphertext: string;
  digest: string;
}

/** One heartbeat to commit, with everything computed before the transaction. */
export interface HeartbeatWrite {
  assetId: string;
  /** The agent's timestamp exactly as sent: (asset_id, timestamp) identifies a retry (HB-7). */
  timestampRaw: string;
  idempotencyKey: string | null;
  receivedAtMs: number;
  partial: boolean;
  clockSkewS: number;
  payloadJson: string;
  hostname: string | null;
  escrow: EscrowWrite[];
  /** Drive letters reported Protected: without an escrowed key for one of them the server asks for it (ESC-3). */
  protectedDrives: string[];
}

/** What the commit of one heartbeat produced. */
export interface HeartbeatWriteResult {
  /** The original receive time when this was a retry (HB-7), else the write's own. */
  receivedAtMs: number;
  duplicate: boolean;
  escrowRequired: boolean;
  /** The agent's retained history after this commit (absent for a retry): the pruner compares it with the policy. */
  history?: HistoryUsage;
}

/** What an agent's retained history holds: heartbeats, and their stored payload in UTF-8 bytes. */
export interface HistoryUsage {
  count: number;
  bytes: number;
}

/** Per-agent history limits; Infinity is no limit. The latest heartbeat is kept whatever they say (FLT-3). */
export interface HistoryLimits {
  maxCount: number;
  maxBytes: number;
}

/** A place in the (received_at, id) order of all heartbeats: where the next step of an age sweep starts. */
export type HistoryPosition = [receivedAtMs: number, id: number];

/** What one bounded pruning step did. */
export interface PruneStep {
  deletedRows: number;
  deletedBytes: number;
  /** The step stopped at its row bound with work left: call again. */
  more: boolean;
  /** Age sweeps only: where the next step starts (the last row this step looked at). */
  next?: HistoryPosition;
}

/** Input of a registration (REG-1, REG-3). */
export interface RegisterInput {
  fingerprint: string;
  hostname: string;
  tokenHash: string;
  /** Used only when the fingerprint is new. */
  newAssetId: string;
  nowMs: number;
}

/** One escrowed key row, still encrypted. */
export interface EscrowRow {
  keyId: string;
  driveLetter: string;
  ciphertext: string;
  escrowedAtMs: number;
}

/** An audit record of one escrow read (ESC-2). */
export interface EscrowAudit {
  auditId: string;
  actor: string;
  readAtMs: number;
  assetId: string;
}

/** The storage contract; both implementations pass the same test suite (store.test.ts). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Reads a server setting (generated secret hashes). */
  getSetting(name: string): Promise<string | undefined>;
  /** Stores a setting unless present; returns the value in force. */
  putSettingIfAbsent(name: string, value: string): Promise<string>;
  /** Creates or re-enrolls an agent; returns its asset id and the token hash it replaced (REG-3). */
  registerAgent(input: RegisterInput): Promise<{ assetId: string; replacedTokenHash: string | null }>;
  /** The asset id a token hash belongs to (AUTH-1). */
  findAssetByTokenHash(tokenHash: string): Promise<string | undefined>;
  /** Creates an agent known only by its asset id (legacy mode, AUTH-5); no-op if it exists. */
  ensureLegacyAgent(assetId: string, nowMs: number): Promise<void>;
  /** Commits several heartbeats in one transaction (group commit); results in input order (HB-7, HB-9). */
  writeHeartbeats(batch: readonly HeartbeatWrite[]): Promise<HeartbeatWriteResult[]>;
  listAgents(): Promise<AgentRow[]>;
  /** FLT-5: one keyset page of the fleet list. */
  listAgentPage(query: AgentPageQuery): Promise<AgentPageRow[]>;
  /** FLT-5: how many agents the query's filters match over all pages (its limit and cursor are ignored). */
  countAgentPage(query: AgentPageQuery): Promise<number>;
  /** FLT-5: the whole fleet by status, agents seen at or after `onlineSinceMs` being online. */
  countAgents(onlineSinceMs: number): Promise<FleetCounts>;
  getAgent(assetId: string): Promise<AgentDetailRow | undefined>;
  /** Newest first, ids below `beforeId` when given. */
  listHeartbeats(assetId: string, limit: number, beforeId?: number): Promise<HeartbeatRow[]>;
  /** Ids and payload sizes in UTF-8 bytes, newest first, ids below `beforeId`: a history page's budget, without payloads (GEN-6). */
  heartbeatSizes(assetId: string, limit: number, beforeId?: number): Promise<Array<[id: number, bytes: number]>>;
  /**
   * Retention, age: one step of a sweep in (received_at, id) order from `after`, deleting at most `maxRows` heartbeats
   * received before `cutoffMs`; an agent's latest heartbeat is never deleted (FLT-3).
   */
  pruneExpired(cutoffMs: number, maxRows: number, after?: HistoryPosition): Promise<PruneStep>;
  /** Retention, count and bytes: deletes at most `maxRows` of the agent's oldest heartbeats while it is over `limits`; never its latest. */
  pruneAgentHistory(assetId: string, limits: HistoryLimits, maxRows: number): Promise<PruneStep>;
  /** Up to `max` agents whose retained history is over `limits` (found after a restart or a policy change). */
  agentsOverHistoryLimits(limits: HistoryLimits, max: number): Promise<string[]>;
  /** What the agent's retained history holds, or undefined for an unknown agent. */
  historyUsage(assetId: string): Promise<HistoryUsage | undefined>;
  /** Reads the escrowed keys and writes the audit record in one transaction (ESC-2). */
  readEscrow(audit: EscrowAudit): Promise<{ keys: EscrowRow[] }>;
  /** Throws when the database is unreachable (/readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Setting holding the enrollment secret's hash when the server generated it (stored hashed, AUTH-4). */
export const SETTING_ENROLLMENT_HASH = 'enrollment_secret_sha256';
/** Setting holding the admin token's hash when the server generated it. */
export const SETTING_ADMIN_HASH = 'admin_token_sha256';
