import { describe, expect, it } from 'vitest';
import { propertySeed } from '../test-support/property-seed.js';
import { runOutage } from './outage-arrivals.js';

describe('a fleet back from a pure network outage (AG-2 escalation, AG-7)', () => {
  it('AG-7: 2,000 agents, link down 10 protocol minutes: arrivals after recovery peak at <= 1.5x the steady rate', () => {
    const seed = propertySeed('AG-7 outage arrivals');
    for (const failure of ['network-error', 'timeout'] as const) {
      const figures = runOutage({ agents: 2000, seed, outageS: 600, afterS: 3600, failure });
      process.stderr.write(
        `[AG-7 outage ${failure}] peak ${Math.max(...figures.windows)} per 150 s window vs steady ${figures.steadyPerWindow}: ${figures.peakRatio.toFixed(2)}x; slowest first delivery ${figures.slowestRecoveryS.toFixed(0)} s after recovery\n`,
      );
      expect(figures.peakRatio).toBeLessThanOrEqual(1.5);
      // Every agent delivered again, within the 30 min cap (plus the 60 s retry) of the link coming back.
      expect(figures.slowestRecoveryS).toBeGreaterThan(0);
      expect(figures.slowestRecoveryS).toBeLessThanOrEqual(1800 + 75);
    }
  });

  it('AG-7: the old rule (retry every 60 s forever) would arrive at ~3x: the measure can fail', () => {
    const seed = propertySeed('AG-7 outage old rule');
    // A cap as small as the retry turns the escalation into a flat 0..60 s retry: the whole fleet lands in one window.
    const figures = runOutage({ agents: 2000, seed, outageS: 600, afterS: 1800, failure: 'network-error', policy: { backoffCapS: 60 } });
    expect(figures.peakRatio).toBeGreaterThan(1.5);
  });
});
