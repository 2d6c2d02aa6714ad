import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultMockOptions, startMock } from '@lanet/contracts/cli/mock-run';
import { runConformance } from '../runner/run-conformance.js';

/** The checks that make sense against a stateless mock (conformance/README.md, "Against a stateless mock"). */
const MOCK_CHECKS = ['HB-1', 'HB-2', 'HB-5', 'HB-6', 'HB-11', 'GEN-3', 'REG-1'];

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('the suite against `lanet mock` (Prism on spec/openapi.yaml)', () => {
  it(`passes the stateless checks ${MOCK_CHECKS.join(', ')}`, async () => {
    const mock = await startMock({ ...defaultMockOptions, port: 0, verbose: 'silent' });
    try {
      // Prism accepts any bearer, so the auth profile's registration yields the spec's example identity to send with.
      const run = await runConformance({
        target: mock.url, profiles: ['core', 'auth'], enrollmentSecret: 'any-secret-prism-accepts', checks: MOCK_CHECKS,
        maxExamples: 40, seed: 11, failOn: 'should', reports: [], reportDir: '/tmp/lanet-conformance-prism', slowClientLimitS: 20, out: sink(), err: sink(),
      });
      expect(run.requirements.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
      expect(run.exitCode).toBe(0);
    } finally {
      await mock.stop();
    }
  }, 120_000);
});
