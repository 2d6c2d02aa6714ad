import type { SchedulerPolicy } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { AgentClock } from '../engine/agent-clock.js';
import type { RunHooks } from '../engine/run-config.js';
import { createRandom, deriveSeed } from '../engine/seeded-random.js';
import type { FaultProxy } from '../transport/fault-proxy.js';

/** The scenarios `--scenario` accepts (plus `all`). */
export const scenarioNames = ['steady', 'restart-herd', 'outage', 'network-outage', 'flaky-network', 'invalid-mix', 'clock-skew'] as const;

/** One scenario name. */
export type ScenarioName = (typeof scenarioNames)[number];

/** What a scenario needs to set itself up. */
export interface ScenarioContext {
  agents: number;
  intervalS: number;
  seed: number;
  policy: SchedulerPolicy;
  proxy: FaultProxy | undefined;
  /** Injected invalid payloads (invalid-mix); undefined when unavailable. */
  invalidBeat?: RunHooks['invalidBeat'];
}

/** A scenario set up for one run: its hooks and what the checks need to know. */
export interface ScenarioSetup {
  hooks: RunHooks;
  /** Agents whose service stops mid-run (FLT-2). */
  stopped: Set<number>;
  clockOf?: (agent: number) => AgentClock | undefined;
  /** Protocol ms the outage ends (AG-2 recovery, AG-7). */
  restoredAtMs?: number;
  /** Retry-After the outage's 503s carry (AG-3). */
  retryAfterS?: number;
  /** Protocol ms the fleet restarts (AG-7). */
  restartAtMs?: number;
  /** What the scenario does to the fleet or the network, and when (protocol ms; from == to is a moment): the report shades these. */
  faults?: FaultWindow[];
}

/** A fault window of a scenario, for the report's charts. */
export interface FaultWindow {
  fromMs: number;
  toMs: number;
  label: string;
}

/** A scenario: what it does, what it checks, and how long it must run. */
export interface ScenarioDef {
  name: ScenarioName;
  summary: string;
  needsProxy: boolean;
  /** Requirement IDs of its checks. */
  checks: readonly string[];
  /** Shortest useful run, protocol seconds. */
  minDurationS(ctx: { intervalS: number; policy: SchedulerPolicy }): number;
  setup(ctx: ScenarioContext): ScenarioSetup;
}

/** Agents whose service stops: about 1 %, at least 1, at most 10 (keeps the PERF-1 load at ~99.5 %). */
function stoppedAgents(agents: number): Set<number> {
  const count = Math.max(1, Math.min(10, Math.floor(agents / 100)));
  const step = Math.max(1, Math.floor(agents / count));
  return new Set(Array.from({ length: count }, (_, k) => Math.min(agents - 1, k * step + Math.floor(step / 2))));
}

/** The report's label for the moment agents stop. */
function stopLabel(count: number): string {
  return count === 1 ? '1 agent stops' : `${count} agents stop`;
}

/** The network-outage scenario's cut, protocol seconds (issue 14: a pure network outage of 10 protocol minutes). */
const networkOutageS = 600;

/** FLT-2 needs a stopped agent to be silent for offline_after (2 intervals by default) before the run ends. */
const stopAfterIntervals = 1;

/** Every scenario, by name. */
export const scenarios: Record<ScenarioName, ScenarioDef> = {
  steady: {
    name: 'steady',
    summary: 'the fleet beats on its schedule; a few agents stop for good (FLT-2)',
    needsProxy: false,
    checks: ['HB-2', 'AG-1', 'FLT-2', 'FLT-4', 'PERF-1'],
    minDurationS: ({ intervalS }) => 4 * intervalS,
    setup: ({ agents, intervalS }) => {
      const stopped = stoppedAgents(agents);
      const stopAtMs = stopAfterIntervals * intervalS * 1000;
      return {
        stopped,
        hooks: { stopAt: (a) => (stopped.has(a) ? stopAtMs : undefined) },
        faults: [{ fromMs: stopAtMs, toMs: stopAtMs, label: stopLabel(stopped.size) }],
      };
    },
  },
  'restart-herd': {
    name: 'restart-herd',
    summary: 'the whole fleet restarts at once after three intervals (AG-7 start-up spread)',
    needsProxy: false,
    checks: ['AG-7', 'AG-1', 'FLT-4'],
    minDurationS: ({ intervalS }) => 5 * intervalS,
    setup: ({ intervalS }) => {
      const restartAtMs = 3 * intervalS * 1000;
      return {
        stopped: new Set(),
        hooks: { restartAt: restartAtMs },
        restartAtMs,
        faults: [{ fromMs: restartAtMs, toMs: restartAtMs, label: 'whole fleet restarts' }],
      };
    },
  },
  outage: {
    name: 'outage',
    summary: 'the proxy cuts the target off for 5 min (connection resets), then answers 503 for 10 min, then restores it',
    needsProxy: true,
    checks: ['AG-2', 'AG-3', 'AG-7', 'FLT-4'],
    minDurationS: ({ intervalS, policy }) => 2 * intervalS + 900 + policy.backoffCapS + policy.retryJitterS + intervalS,
    setup: ({ intervalS, proxy }) => {
      const cutAt = 2 * intervalS * 1000;
      const unavailableAt = cutAt + 300_000;
      const restoredAtMs = unavailableAt + 600_000;
      const retryAfterS = 60;
      let phase = 0;
      const onTick = (t: number) => {
        // Phases only move forward: pass -> cut -> 503 -> pass.
        if (phase === 0 && t >= cutAt) (phase = 1), proxy!.setMode({ kind: 'cut' });
        if (phase === 1 && t >= unavailableAt) (phase = 2), proxy!.setMode({ kind: 'unavailable', retryAfterS });
        if (phase === 2 && t >= restoredAtMs) (phase = 3), proxy!.setMode({ kind: 'pass' });
      };
      const faults = [
        { fromMs: cutAt, toMs: unavailableAt, label: 'connections reset' },
        { fromMs: unavailableAt, toMs: restoredAtMs, label: `503, Retry-After ${retryAfterS} s` },
      ];
      return { stopped: new Set(), hooks: { onTick }, restoredAtMs, retryAfterS, faults };
    },
  },
  'network-outage': {
    name: 'network-outage',
    summary: 'the proxy cuts the link for 10 min (every connection reset, no HTTP answer at all), then restores it',
    needsProxy: true,
    checks: ['AG-2', 'AG-7', 'FLT-4'],
    // The cut, then long enough after it for the slowest AG-3 backoff (cap + jitter) and one more interval.
    minDurationS: ({ intervalS, policy }) => 2 * intervalS + networkOutageS + policy.backoffCapS + policy.retryJitterS + intervalS,
    setup: ({ intervalS, proxy }) => {
      // AG-2 (2026-12-02): the first failed send retries after 60 s, later ones back off as AG-3 does, so the fleet
      // comes back spread out; AG-7's check then reads the arrival peak after the restore against the steady rate.
      const cutAt = 2 * intervalS * 1000;
      const restoredAtMs = cutAt + networkOutageS * 1000;
      let phase = 0;
      const onTick = (t: number) => {
        if (phase === 0 && t >= cutAt) (phase = 1), proxy!.setMode({ kind: 'cut' });
        if (phase === 1 && t >= restoredAtMs) (phase = 2), proxy!.setMode({ kind: 'pass' });
      };
      return {
        stopped: new Set(),
        hooks: { onTick },
        restoredAtMs,
        faults: [{ fromMs: cutAt, toMs: restoredAtMs, label: `link cut ${networkOutageS / 60} min (no answer)` }],
      };
    },
  },
  'flaky-network': {
    name: 'flaky-network',
    summary: 'the proxy resets 5 % of requests before the target and loses 5 % of answers after it stored them (HB-7)',
    needsProxy: true,
    checks: ['AG-2', 'HB-2', 'FLT-4'],
    minDurationS: ({ intervalS }) => 4 * intervalS,
    setup: ({ proxy }) => {
      let started = false;
      const onTick = () => {
        if (!started) (started = true), proxy!.setMode({ kind: 'flaky', dropRequest: 0.05, dropResponse: 0.05 });
      };
      return { stopped: new Set(), hooks: { onTick }, faults: [{ fromMs: 0, toMs: Number.POSITIVE_INFINITY, label: '5 % requests reset, 5 % answers lost' }] };
    },
  },
  'invalid-mix': {
    name: 'invalid-mix',
    summary: '10 % of beats are property-generated invalid payloads, each breaking one rule at one JSON Pointer',
    needsProxy: false,
    checks: ['HB-2', 'HB-3', 'FLT-4'],
    minDurationS: ({ intervalS }) => 3 * intervalS,
    setup: ({ invalidBeat }) => ({
      stopped: new Set(),
      hooks: invalidBeat ? { invalidBeat } : {},
      faults: [{ fromMs: 0, toMs: Number.POSITIVE_INFINITY, label: '10 % of beats invalid' }],
    }),
  },
  'clock-skew': {
    name: 'clock-skew',
    summary: 'agents with skewed clocks (minutes to hours), naive timestamps and up to 25 s of collection delay; a few stop',
    needsProxy: false,
    checks: ['HB-8', 'FLT-2', 'AG-1', 'HB-2', 'FLT-4'],
    minDurationS: ({ intervalS }) => 4 * intervalS,
    setup: ({ agents, intervalS, seed }) => {
      const stopped = stoppedAgents(agents);
      const clocks = Array.from({ length: agents }, (_, a): AgentClock => {
        const r = createRandom(deriveSeed(seed, a, 0xc1));
        const kind = a % 4;
        const sign = r() < 0.5 ? -1 : 1;
        if (kind === 0) return { skewMs: sign * Math.round(r() * 120_000), naive: false }; // within 2 min: not flagged
        if (kind === 1) return { skewMs: sign * Math.round(600_000 + r() * 6_600_000), naive: false }; // 10 min..2 h: flagged
        if (kind === 2) return { skewMs: 0, naive: true }; // the deployed agent's naive form (HB-6)
        return { skewMs: 0, naive: false };
      });
      const jitterRandom = createRandom(deriveSeed(seed, 0x71));
      const clockOf = (a: number) => clocks[a];
      const stopAtMs = stopAfterIntervals * intervalS * 1000;
      return {
        stopped,
        clockOf,
        faults: [{ fromMs: stopAtMs, toMs: stopAtMs, label: stopLabel(stopped.size) }],
        hooks: {
          clockOf,
          stopAt: (a) => (stopped.has(a) ? stopAfterIntervals * intervalS * 1000 : undefined),
          // Late only: a send before its slot would make the fixed-rate grid serve the same slot twice.
          jitterMs: () => jitterRandom() * 25_000,
        },
      };
    },
  },
};
