import { describe, expect, it } from 'vitest';
import { propertySeed } from '@lanet/contracts/arbitraries';
import { arbitraryInventorySource } from '../agents/agent-inventory.js';
import { parseSimulateOptions } from '../cli/simulate-command.js';
import { simulate } from './simulate.js';

// The fault scenarios against the reference server, time-compressed 1200x (one protocol hour is 3 real seconds).
const seed = propertySeed();
console.log(`fault-scenarios seed ${seed} (LANET_SEED=${seed} reproduces)`);

async function runScenario(scenario: string, agents: number, duration: string) {
  const out: string[] = [];
  const options = parseSimulateOptions(
    {
      agents: String(agents),
      duration,
      interval: '300s',
      timeScale: '1200',
      scenario,
      seed: String(seed),
      threshold: [],
      shard: '1/1',
      connections: '16',
      failOn: 'must',
      progress: false,
    },
    { out: (t) => out.push(t), err: (t) => out.push(t) },
  );
  const outcome = await simulate(options, { inventoryFor: arbitraryInventorySource(seed) });
  const statuses = Object.fromEntries((outcome.report?.checks ?? []).map((c) => [c.requirement, c.status]));
  return { outcome, statuses, text: out.join('') };
}

describe('fault scenarios against the reference server', () => {
  it('outage: connection resets then 503s; retries follow AG-2 and AG-3, every agent recovers, nothing lost (FLT-4)', async () => {
    const { outcome, statuses, text } = await runScenario('outage', 40, '3.2s');
    expect(outcome.exitCode, text).toBe(0);
    expect(statuses).toMatchObject({ 'AG-2': 'pass', 'AG-3': 'pass', 'FLT-4': 'pass' });
    expect(statuses['AG-7']).not.toBe('skip');
    expect(outcome.report!.errors_by_kind['http-503']).toBeGreaterThan(0);
    expect(outcome.report!.lost).toBe(0);
  }, 60_000);

  it('flaky-network: lost answers are retried and stored once (AG-2, HB-7 via FLT-4)', async () => {
    const { outcome, statuses, text } = await runScenario('flaky-network', 30, '1.2s');
    expect(outcome.exitCode, text).toBe(0);
    expect(statuses).toMatchObject({ 'AG-2': 'pass', 'HB-2': 'pass', 'FLT-4': 'pass' });
    expect(outcome.report!.proxy!.droppedResponses).toBeGreaterThan(0);
  }, 60_000);

  it('clock-skew and restart-herd: skew shown and flagged (HB-8), liveness by receive time (FLT-2), the herd is spread (AG-7)', async () => {
    const skew = await runScenario('clock-skew', 24, '2s');
    expect(skew.outcome.exitCode, skew.text).toBe(0);
    expect(skew.statuses).toMatchObject({ 'HB-8': 'pass', 'FLT-2': 'pass', 'AG-1': 'pass', 'FLT-4': 'pass' });
    const herd = await runScenario('restart-herd', 60, '1.5s');
    expect(herd.outcome.exitCode, herd.text).toBe(0);
    expect(herd.statuses).toMatchObject({ 'AG-1': 'pass', 'FLT-4': 'pass' });
    expect(herd.statuses['AG-7']).not.toBe('skip');
  }, 90_000);
});
