import { describe, expect, it } from 'vitest';
import { propertySeed } from '@lanet/contracts/arbitraries';
import { runOutage } from '@lanet/reference-agent/scheduler/outage-arrivals';
import { arbitraryInventorySource } from '../agents/agent-inventory.js';
import { parseSimulateOptions } from '../cli/simulate-command.js';
import { simulate } from './simulate.js';

// The fault scenarios against the reference server, time-compressed 1200x (one protocol hour is 3 real seconds).
const seed = propertySeed();
console.log(`fault-scenarios seed ${seed} (LANET_SEED=${seed} reproduces)`);

async function runScenario(scenario: string, agents: number, duration: string, timeScale = '1200') {
  const out: string[] = [];
  const options = parseSimulateOptions(
    {
      agents: String(agents),
      duration,
      interval: '300s',
      timeScale,
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

  it('network-outage: the link is cut 10 protocol minutes (no HTTP answer); AG-2 escalates, arrivals after it stay <= 1.5x (AG-7)', async () => {
    const agents = 200;
    // 300x (200 heartbeats/s): at 1200x a busy machine's second of lag is 20 protocol minutes, longer than the cut.
    const { outcome, statuses, text } = await runScenario('network-outage', agents, '11.5s', '300');
    expect(outcome.exitCode, text).toBe(0);
    expect(statuses).toMatchObject({ 'AG-2': 'pass', 'AG-7': 'pass', 'FLT-4': 'pass' });
    const report = outcome.report!;
    // A pure network outage: resets only, never an HTTP answer from the proxy.
    expect(report.proxy!.resets).toBeGreaterThan(0);
    expect(report.proxy!.unavailableAnswers).toBe(0);
    expect(Object.keys(report.errors_by_kind).some((k) => k.startsWith('http-'))).toBe(false);
    expect(report.lost).toBe(0);
    const ag2 = report.checks.find((c) => c.requirement === 'AG-2')!;
    // Repeated failures escalated past the 60 s window (the new AG-2), and every agent delivered after the restore.
    expect(ag2.evidence).toMatch(new RegExp(`[1-9]\\d* of their retries escalated`));
    expect(ag2.evidence).toContain(`${agents}/${agents} agents delivered`);
    const ag7 = report.checks.find((c) => c.requirement === 'AG-7')!;
    const ratio = Number(/: ([\d.]+)x over/.exec(ag7.evidence)?.[1]);
    // The scheduler alone on a fake clock (reference-agent/scheduler/outage-arrivals.ts), same fleet size and cut.
    const fake = runOutage({ agents, seed, outageS: 600, afterS: 1800, failure: 'network-error' });
    console.log(`network-outage: simulator peak ${ratio.toFixed(2)}x steady, fake-clock scheduler ${fake.peakRatio.toFixed(2)}x (${agents} agents)`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThanOrEqual(1.5);
    expect(Math.abs(ratio - fake.peakRatio)).toBeLessThan(0.45);
  }, 120_000);

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
