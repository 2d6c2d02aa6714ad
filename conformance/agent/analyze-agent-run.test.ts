import { describe, expect, it } from 'vitest';
import { analyzeAgentRun, type AgentEvent } from './analyze-agent-run.js';
import { retryAfterS, schedule } from './agent-schedule.js';

const I = 4;

interface Misbehaviour {
  /** The seed agent's `sleep(300)` after collection: every send drifts by the collection time (AG-1). */
  driftS?: number;
  retryAfter400?: boolean;
  ignoreRetryAfter?: boolean;
  noReregister?: boolean;
  outageRetryS?: number;
  invalidPayload?: boolean;
}

/** The requests an agent makes against the fault schedule, conforming unless told otherwise. */
function timeline(m: Misbehaviour = {}): AgentEvent[] {
  const events: AgentEvent[] = [{ atS: 0, kind: 'register', fault: 'ok', problems: [] }];
  let token = 'token-1';
  const beat = (atS: number, fault: AgentEvent['fault']) =>
    events.push({
      atS,
      kind: 'heartbeat',
      fault,
      problems: m.invalidPayload ? ['/status/cpu_usage: Too big'] : [],
      token,
      collectionErrors: [],
      sectionsConsistent: true,
    });
  beat(0.5, 'ok');
  const anchor = 0.5 + I;
  schedule.forEach((fault, n) => {
    const t = anchor + n * I + (m.driftS ?? 0) * n;
    beat(t, fault);
    if (fault === 'outage') beat(t + (m.outageRetryS ?? 0.2 * I), 'ok');
    if (fault === 'unavailable') beat(t + (m.ignoreRetryAfter ? 0.2 : retryAfterS(I) + 0.1), 'ok');
    if (fault === 'reject' && m.retryAfter400) beat(t + 0.05, 'ok');
    if (fault === 'unauthorized' && !m.noReregister) {
      events.push({ atS: t + 0.05, kind: 'register', fault: 'ok', problems: [] });
      token = 'token-2';
      beat(t + 0.1, 'ok');
    }
  });
  return events;
}

const statusOf = (events: AgentEvent[]) => Object.fromEntries(analyzeAgentRun(events, I).map((r) => [r.id, r.status]));

describe('analyzeAgentRun', () => {
  it('passes an agent that keeps the grid, retries, honours Retry-After, does not loop on 400 and re-registers', () => {
    expect(statusOf(timeline())).toEqual({
      'HB-2': 'pass',
      'AG-1': 'pass',
      'AG-2': 'pass',
      'AG-3': 'pass',
      'AG-4': 'pass',
      'AG-5': 'skip',
      'AG-6': 'pass',
      'AG-7': 'pass',
    });
  });

  it.each([
    ['AG-1', { driftS: 0.6 }],
    ['AG-2', { outageRetryS: 0.05 }],
    ['AG-3', { ignoreRetryAfter: true }],
    ['AG-4', { retryAfter400: true }],
    ['AG-6', { noReregister: true }],
    ['HB-2', { invalidPayload: true }],
  ] as const)('fails %s alone for the matching misbehaviour', (id, m) => {
    const failed = Object.entries(statusOf(timeline(m)))
      .filter(([, s]) => s === 'fail')
      .map(([k]) => k);
    expect(failed).toEqual([id]);
  });

  it('fails every MUST when the agent never sent a heartbeat', () => {
    const results = analyzeAgentRun([{ atS: 0, kind: 'register', fault: 'ok', problems: [] }], I);
    expect(results.filter((r) => r.level === 'MUST' && r.id.startsWith('AG')).every((r) => r.status === 'fail')).toBe(true);
  });
});
