import type { ConformanceHttp, Exchange } from '../http/conformance-http.js';
import type { AgentFixtures } from './agent-fixtures.js';

import type { CheckStatus, Level } from '../report/verdict.js';

export type { CheckStatus, Level } from '../report/verdict.js';

/** What an implementation claims: core (GEN, HB), auth (REG, AUTH), fleet (FLT), escrow (ESC). */
export type Profile = 'core' | 'auth' | 'fleet' | 'escrow';

/** Every profile, in report order. */
export const allProfiles: readonly Profile[] = ['core', 'auth', 'fleet', 'escrow'];

/** A request the suite sent, kept so a failure can say what was sent and be replayed with curl. */
export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body as sent (text), when there was one. */
  body?: string;
}

/** One failed expectation: what was sent, what came back, what was expected. */
export interface Finding {
  message: string;
  sent?: SentRequest;
  received?: string;
  expected?: string;
  /** For property checks: the seed that replays this failure and the shrunk counterexample's label. */
  seed?: number;
  /**
   * For transport-level failures (raw sockets, no single exchange to curl, GEN-4 and GEN-8): a standalone Node.js
   * script (ESM text, target URL as its first argument, exit 1 when the failure reproduces) and the likely cause.
   */
  transport?: { script: string; likelyCause: string };
}

/** What a check's run returns. */
export interface CheckOutcome {
  status: CheckStatus;
  /** One line: why it passed, why it was skipped, or the first failure. */
  summary: string;
  findings: Finding[];
}

/** Options every check can read. */
export interface CheckSettings {
  targetUrl: string;
  profiles: ReadonlySet<Profile>;
  enrollmentSecret?: string;
  adminToken?: string;
  /** FLT-2 threshold the target was started with, seconds; undefined when unknown. */
  offlineAfterS?: number;
  maxExamples: number;
  /** Examples for the HB-3 mutation property (defaults to maxExamples). */
  maxMutations: number;
  seed: number;
  /** How long a slow client (GEN-8) may hold a connection before the target must cut it off, seconds. */
  slowClientLimitS: number;
}

/** What a check receives: the target's HTTP client (every response contract-checked) and agent helpers. */
export interface CheckContext {
  settings: CheckSettings;
  http: ConformanceHttp;
  agents: AgentFixtures;
  /** Exchanges of the whole run so far (monitor checks read them). */
  allExchanges: () => readonly Exchange[];
  log: (line: string) => void;
}

/** One conformance check; several checks may share a requirement ID. */
export interface Check {
  /** Requirement ID (GEN-1, HB-3, ...). */
  id: string;
  /** Distinguishes checks of the same requirement, e.g. `HB-3/mutations`. */
  name: string;
  level: Level;
  profile: Profile;
  description: string;
  /** Monitor checks run after every other check and read the whole run's exchanges. */
  phase?: 'main' | 'after';
  /** Profiles besides its own that the check needs (e.g. a core check that reads back through fleet). */
  needs?: Profile[];
  run: (ctx: CheckContext) => Promise<CheckOutcome>;
}

/** Thrown inside a check when a precondition (a step that another requirement covers) failed: the check is skipped, not failed. */
export class SkipCheck extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipCheck';
  }
}

/** Builds a passing outcome. */
export function pass(summary: string): CheckOutcome {
  return { status: 'pass', summary, findings: [] };
}

/** Builds a skipped outcome. */
export function skip(summary: string): CheckOutcome {
  return { status: 'skip', summary, findings: [] };
}

/** Builds an outcome from findings: pass when there are none. */
export function outcomeOf(findings: Finding[], passSummary: string): CheckOutcome {
  if (findings.length === 0) return pass(passSummary);
  const first = findings[0]!;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return { status: 'fail', summary: first.message + more, findings };
}
