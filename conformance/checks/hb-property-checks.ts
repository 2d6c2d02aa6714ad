import fc from 'fast-check';
import { ProblemSchema, validateMessage } from '@lanet/contracts';
import { heartbeatArbitrary, invalidHeartbeatArbitrary } from './payload-arbitraries.js';
import type { HeartbeatArbitraryOptions } from './payload-arbitraries.js';
import { describeResponse, type Exchange } from '../http/conformance-http.js';
import { outcomeOf, pass, SkipCheck, type Check, type CheckContext, type CheckOutcome, type Finding } from './check-types.js';
import type { TestAgent } from './agent-fixtures.js';
import { isSuccess } from './expect.js';

/** How long a property (examples and shrinking) may take before fast-check stops it and reports what it has. */
const PROPERTY_TIME_LIMIT_MS = 45_000;
/** Parallel seeded runs per property. */
const PROPERTY_LANES = 4;

/** Runs a seeded, shrinking property over HTTP; a failure reports the minimized example's exchange and the seed. */
export async function runHttpProperty<T>(
  ctx: CheckContext,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  send: (value: T) => Promise<Exchange>,
  verdict: (value: T, ex: Exchange) => string | undefined,
  expected: (value: T) => string,
  passSummary: string,
): Promise<CheckOutcome> {
  const seed = ctx.settings.seed;
  // PROPERTY_LANES seeded runs side by side (seed, seed+1, ...): the same --seed replays the same examples, and the
  // target sees concurrent agents-worth of load instead of one request at a time.
  const lanes = Math.min(PROPERTY_LANES, numRuns);
  // A skip (the target stopped answering in time) must not read as a counterexample and start a slow shrink.
  let skipped: SkipCheck | undefined;
  const runs = await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      let last: { value: T; ex: Exchange; problem: string } | undefined;
      const property = fc.asyncProperty(arbitrary, async (value) => {
        if (skipped) return true;
        let ex: Exchange;
        try {
          ex = await send(value);
        } catch (err) {
          if (!(err instanceof SkipCheck)) throw err;
          skipped = err;
          return true;
        }
        const problem = ex.contractErrors[0] ?? verdict(value, ex);
        if (problem !== undefined) last = { value, ex, problem };
        return problem === undefined;
      });
      const laneRuns = Math.floor(numRuns / lanes) + (lane < numRuns % lanes ? 1 : 0);
      const details = await fc.check(property, { seed: seed + lane, numRuns: laneRuns, interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS });
      return { details, last, laneSeed: seed + lane, laneRuns };
    }),
  );
  if (skipped) throw skipped;
  const failed = runs.find((r) => r.details.failed);
  if (!failed) return pass(`${runs.reduce((n, r) => n + r.details.numRuns, 0)} ${passSummary} (seed ${seed})`);
  const { details, laneSeed } = failed;
  const counterexample = details.counterexample?.[0] as T | undefined;
  // Replay the minimized example once so the finding shows exactly its request and answer.
  let shown = failed.last;
  if (counterexample !== undefined) {
    const ex = await send(counterexample);
    const problem = ex.contractErrors[0] ?? verdict(counterexample, ex);
    shown = { value: counterexample, ex, problem: problem ?? `${failed.last?.problem ?? 'failed'} (did not fail again on replay: flaky)` };
  }
  if (!shown)
    return {
      status: 'fail',
      summary: `property failed without a counterexample (seed ${seed})`,
      findings: [{ message: 'the property failed without a counterexample', seed }],
    };
  const finding: Finding = {
    message: `${shown.problem} (minimized after ${details.numShrinks} shrinks; fast-check seed ${laneSeed})`,
    sent: shown.ex.sent,
    received: describeResponse(shown.ex),
    expected: expected(shown.value),
    seed,
  };
  return outcomeOf([finding], '');
}

/** Expectation for an accepted heartbeat: 2xx (HB-1 owns "exactly 200"). */
function acceptedVerdict(_: unknown, ex: Exchange): string | undefined {
  return isSuccess(ex.status) ? undefined : `a valid heartbeat was refused with ${ex.status || 'no answer'}`;
}

/** HB-3's verdict: 400 whose errors name the mutated field's JSON Pointer. */
function rejectedAt(pointer: string, ex: Exchange): string | undefined {
  if (ex.status !== 400) return `an invalid heartbeat (bad ${pointer || '(root)'}) got ${ex.status || 'no answer'}, not 400`;
  const problem = validateMessage(ProblemSchema, ex.json);
  if (!problem.ok) return 'the 400 is not a problem document';
  const paths = (problem.value.errors ?? []).map((e) => e.path);
  if (!paths.includes(pointer)) return `the 400 names ${paths.length ? paths.map((p) => `'${p}'`).join(', ') : 'no errors'}, not '${pointer}'`;
  return undefined;
}

async function agentFor(ctx: CheckContext, label: string): Promise<TestAgent> {
  return ctx.agents.fresh(label);
}

/**
 * A property check that a variant of valid heartbeats (HB-4 partial, HB-5 unknown fields) is accepted; a twentieth of
 * the HB-2 example count, at least 10, is enough for a variant the main property already covers in part.
 */
function acceptedVariantCheck(
  id: string,
  name: string,
  agentLabel: string,
  variant: Pick<HeartbeatArbitraryOptions, 'partial' | 'extras'>,
  description: string,
  expected: string,
  summary: string,
): Check {
  return {
    id,
    name,
    level: 'MUST',
    profile: 'core',
    description,
    run: async (ctx) => {
      const agent = await agentFor(ctx, agentLabel);
      const arb = heartbeatArbitrary({ assetId: agent.assetId, ...variant, programs: { min: 0, max: 60 } });
      return runHttpProperty(
        ctx,
        arb,
        Math.max(10, Math.ceil(ctx.settings.maxExamples / 20)),
        (hb) => ctx.agents.post(agent, hb),
        acceptedVerdict,
        () => expected,
        summary,
      );
    },
  };
}

/** Property-based HB checks: HB-2 acceptance and HB-3 rejection, plus HB-4/HB-5 acceptance over generated payloads. */
export const hbPropertyChecks: Check[] = [
  {
    id: 'HB-2',
    name: 'generated-valid',
    level: 'MUST',
    profile: 'core',
    description: 'N generated valid heartbeats (programs 0..500, unicode, several disks, null domain) are all accepted',
    run: async (ctx) => {
      const agent = await agentFor(ctx, 'hb2');
      const arb = heartbeatArbitrary({ assetId: agent.assetId, partial: 'never', extras: false });
      return runHttpProperty(
        ctx,
        arb,
        ctx.settings.maxExamples,
        (hb) => ctx.agents.post(agent, hb),
        acceptedVerdict,
        () => 'a 2xx: the contract allows this payload',
        'valid heartbeats accepted',
      );
    },
  },
  {
    id: 'HB-3',
    name: 'generated-invalid',
    level: 'MUST',
    profile: 'core',
    description: 'N labelled mutations get 400 with errors naming the mutated field by JSON Pointer',
    run: async (ctx) => {
      const agent = await agentFor(ctx, 'hb3');
      const arb = invalidHeartbeatArbitrary({ assetId: agent.assetId });
      return runHttpProperty(
        ctx,
        arb,
        ctx.settings.maxMutations,
        (m) => ctx.agents.post(agent, m.payload),
        (m, ex) => rejectedAt(m.pointer, ex),
        (m) => `400 problem+json whose errors include { path: '${m.pointer}' } (${m.label}: ${m.rule})`,
        'invalid heartbeats rejected at the right pointer',
      );
    },
  },
  acceptedVariantCheck(
    'HB-4',
    'generated-partial',
    'hb4',
    { partial: 'always', extras: false },
    'generated partial heartbeats (sections absent, named in collection_errors) are accepted',
    'a 2xx: a partial heartbeat is valid (HB-4)',
    'partial heartbeats accepted',
  ),
  acceptedVariantCheck(
    'HB-5',
    'generated-extras',
    'hb5',
    { partial: 'never', extras: true },
    'generated heartbeats with unknown fields at random depths are accepted',
    'a 2xx: unknown fields are ignored (HB-5)',
    'heartbeats with unknown fields accepted',
  ),
];

export { rejectedAt };
