import { levelOf } from '@lanet/contracts/requirements/requirements';
import { rollUp, type CheckStatus, type Level, type RequirementStatus } from '../report/verdict.js';
import { GRID_TOLERANCE, retryAfterS, schedule, type SlotFault } from './agent-schedule.js';

/** One request the agent made to the mock backend. */
export interface AgentEvent {
  /** Seconds since the agent's first request. */
  atS: number;
  kind: 'register' | 'heartbeat';
  /** What the backend did: its fault, or 'ok'. */
  fault: SlotFault;
  /** Contract problems of the payload (empty when valid). */
  problems: string[];
  /** Token the heartbeat carried. */
  token?: string;
  /** collection_errors the payload listed, and whether their sections were really absent. */
  collectionErrors?: string[];
  sectionsConsistent?: boolean;
}

/** One AG requirement's verdict, in the suite's verdict vocabulary (report/verdict.ts; one judgement per requirement here). */
export interface AgentResult {
  id: string;
  level: Level;
  status: RequirementStatus;
  detail: string;
}

const fmt = (s: number) => `${s.toFixed(2)} s`;

/** Judges AG-1..AG-7 from the requests the agent made, with the agent running at `intervalS`; levels from the catalogue. */
export function analyzeAgentRun(events: readonly AgentEvent[], intervalS: number): AgentResult[] {
  // One judgement per requirement here, rolled up by the same rule as backend conformance (a skip never reads as a pass).
  return judge(events, intervalS).map((r) => ({
    ...r,
    level: levelOf(r.id),
    status: rollUp(r.id, [{ name: r.id, status: r.status as CheckStatus, evidence: r.detail }]),
  }));
}

function judge(events: readonly AgentEvent[], intervalS: number): AgentResult[] {
  const results: AgentResult[] = [];
  const beats = events.filter((e) => e.kind === 'heartbeat');
  const first = beats[0];
  // The grid's anchor is the second heartbeat (the mock's too): the first also carries the start-up delay.
  const second = beats[1];
  const invalid = beats.filter((e) => e.problems.length > 0);
  results.push({
    id: 'HB-2',
    level: 'MUST',
    status: beats.length === 0 ? 'skip' : invalid.length ? 'fail' : 'pass',
    detail:
      beats.length === 0
        ? 'the agent sent no heartbeat'
        : invalid.length
          ? `${invalid.length} of ${beats.length} payloads break the contract: ${invalid[0]!.problems.slice(0, 3).join('; ')}`
          : `${beats.length} payloads, all valid`,
  });
  if (!first || !second) {
    for (const id of ['AG-1', 'AG-2', 'AG-3', 'AG-4', 'AG-5', 'AG-6'])
      results.push({ id, level: 'MUST', status: 'fail', detail: 'the agent sent no heartbeat' });
    results.push({ id: 'AG-7', level: 'SHOULD', status: 'skip', detail: 'no heartbeat' });
    return results;
  }
  const anchor = second.atS;
  const tol = GRID_TOLERANCE * intervalS;
  const rel = (e: AgentEvent) => e.atS - anchor;
  const slotOf = (e: AgentEvent) => Math.round(rel(e) / intervalS);
  const after = (e: AgentEvent) => events.filter((x) => x.atS > e.atS);

  // AG-1: the first send of every slot whose previous slot was healthy lands within ±10 % of the grid.
  const scheduled = beats.filter((e, i) => {
    const s = slotOf(e);
    return i > 1 && slotOf(beats[i - 1]!) !== s && s > 0 && schedule[s - 1] === 'ok' && s < schedule.length;
  });
  // The agent's own start is not visible, so the grid's phase is fitted: the median offset of the scheduled sends
  // (one late anchor on a loaded machine then does not shift every slot). Drift shows as a spread of offsets.
  const offsets = scheduled.map((e) => rel(e) - slotOf(e) * intervalS).sort((a, b) => a - b);
  const phase = offsets.length ? offsets[Math.floor(offsets.length / 2)]! : 0;
  const drifted = scheduled.filter((e) => Math.abs(rel(e) - slotOf(e) * intervalS - phase) > tol);
  results.push({
    id: 'AG-1',
    level: 'MUST',
    status: scheduled.length < 3 ? 'fail' : drifted.length ? 'fail' : 'pass',
    detail:
      scheduled.length < 3
        ? `only ${scheduled.length} scheduled heartbeats arrived`
        : drifted.length
          ? `slot ${slotOf(drifted[0]!)} arrived ${fmt(rel(drifted[0]!) - slotOf(drifted[0]!) * intervalS - phase)} off the grid (allowed ±${fmt(tol)})`
          : `${scheduled.length} scheduled heartbeats within ±${fmt(tol)} of start + n × ${intervalS} s`,
  });

  const firstWith = (fault: SlotFault) => beats.find((e) => e.fault === fault);
  const verdict = (
    id: string,
    level: 'MUST' | 'SHOULD',
    fault: SlotFault,
    judge: (e: AgentEvent, next: AgentEvent[]) => string | undefined,
    passDetail: string,
  ) => {
    const hit = firstWith(fault);
    if (!hit) return results.push({ id, level, status: 'fail', detail: `no heartbeat arrived in the ${fault} slot (slot ${schedule.indexOf(fault)})` });
    const problem = judge(hit, after(hit));
    results.push({ id, level, status: problem ? 'fail' : 'pass', detail: problem ?? passDetail });
  };

  // AG-2: after a network failure the agent retries after ~60 s of 300 (0.2 × interval, with jitter) until it succeeds.
  verdict(
    'AG-2',
    'MUST',
    'outage',
    (hit, next) => {
      const retry = next.find((e) => e.kind === 'heartbeat');
      if (!retry) return 'no retry after the outage';
      const gap = retry.atS - hit.atS;
      if (gap < 0.1 * intervalS) return `retried after ${fmt(gap)}: sooner than 60 s-equivalent (${fmt(0.2 * intervalS)}) minus jitter`;
      if (gap > 0.6 * intervalS) return `retried only after ${fmt(gap)}, expected about ${fmt(0.2 * intervalS)} (60 s of 300)`;
      const success = next.find((e) => e.kind === 'heartbeat' && e.fault === 'ok');
      return success ? undefined : 'never succeeded after the outage';
    },
    'the failed send was retried after about 0.2 × interval and then succeeded',
  );

  // AG-3: a 503 with Retry-After is not retried sooner than Retry-After.
  const ra = retryAfterS(intervalS);
  verdict(
    'AG-3',
    'MUST',
    'unavailable',
    (hit, next) => {
      const retry = next.find((e) => e.kind === 'heartbeat');
      if (!retry) return 'no retry after the 503';
      const gap = retry.atS - hit.atS;
      return gap + 0.05 < ra ? `retried ${fmt(gap)} after a 503 with Retry-After: ${ra}` : undefined;
    },
    `the 503 was retried no sooner than its Retry-After (${ra} s)`,
  );

  // AG-4: a 400 is not retried in a loop: the next send is the next grid slot.
  verdict(
    'AG-4',
    'MUST',
    'reject',
    (hit, next) => {
      const retry = next.find((e) => e.kind === 'heartbeat');
      if (!retry) return 'no heartbeat after the 400';
      return slotOf(retry) === slotOf(hit) ? `sent again ${fmt(retry.atS - hit.atS)} after the 400 (a retry loop)` : undefined;
    },
    'after the 400 the agent waited for its next slot',
  );

  // AG-6: a 401 makes the agent register again, then send with the new token.
  verdict(
    'AG-6',
    'MUST',
    'unauthorized',
    (hit, next) => {
      const reg = next.find((e) => e.kind === 'register');
      if (!reg) return 'no registration after the 401';
      const beat = next.find((e) => e.kind === 'heartbeat' && e.atS > reg.atS);
      if (!beat) return 'no heartbeat after re-registering';
      return beat.token === hit.token ? 'the heartbeat after re-registering still carries the old token' : undefined;
    },
    'registered again after the 401 and sent with the new token',
  );

  // AG-5: only observable when a collector failed: its section absent and named in collection_errors.
  const partial = beats.filter((e) => (e.collectionErrors?.length ?? 0) > 0);
  results.push({
    id: 'AG-5',
    level: 'MUST',
    status: partial.length === 0 ? 'skip' : partial.every((e) => e.sectionsConsistent) ? 'pass' : 'fail',
    detail:
      partial.length === 0
        ? "no collector failed during the run: the backend cannot make one fail (the agent's own tests cover it)"
        : partial.every((e) => e.sectionsConsistent)
          ? `${partial.length} partial heartbeats named their failed collectors`
          : 'a heartbeat listed collection_errors but still carried the section',
  });

  // AG-7 needs many agents to see the spread; one agent shows only that its first send waited at most one interval.
  const register = events.find((e) => e.kind === 'register');
  const delay = register ? first.atS - register.atS : undefined;
  results.push({
    id: 'AG-7',
    level: 'SHOULD',
    status: delay === undefined ? 'skip' : delay <= intervalS + tol ? 'pass' : 'fail',
    detail:
      delay === undefined
        ? 'the agent did not register here'
        : `first heartbeat ${fmt(delay)} after registration (random start-up delay within one interval); the fleet-wide spread is the simulator's check`,
  });
  return results;
}
