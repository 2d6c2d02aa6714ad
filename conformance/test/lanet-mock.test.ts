import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultMockOptions, startMock } from '@lanet/contracts/cli/mock-run';
import { runConformance } from '../runner/run-conformance.js';

/** The checks that make sense against a stateless mock (conformance/README.md, "Against a stateless mock"). */
const MOCK_CHECKS = ['HB-1', 'HB-2', 'HB-5', 'HB-6', 'HB-11', 'GEN-3', 'REG-1'];

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('the suite against `lanet mock` (the contract-driven mock of the agent endpoints)', () => {
  it(`passes the stateless checks ${MOCK_CHECKS.join(', ')}`, async () => {
    const mock = await startMock({ ...defaultMockOptions, port: 0, verbose: 'silent' });
    try {
      // The mock accepts any enrollment secret unless told one, and issues real tokens it then checks.
      const run = await runConformance({
        target: mock.url,
        profiles: ['core', 'auth'],
        enrollmentSecret: 'any-secret-the-mock-accepts',
        checks: MOCK_CHECKS,
        maxExamples: 40,
        seed: 11,
        failOn: 'should',
        reports: [],
        reportDir: '/tmp/lanet-conformance-mock',
        slowClientLimitS: 20,
        out: sink(),
        err: sink(),
      });
      // HB-6's read-back (naive timestamps read as UTC) needs the fleet profile, which a mock does not have: partial, never pass.
      expect(run.requirements.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}`)).toEqual(['HB-6: partial']);
      expect(run.requirements.find((r) => r.id === 'HB-6')?.detail).toMatch(/naive-read-as-utc: SKIPPED, needs the fleet profile/);
      expect(run.exitCode).toBe(0);
    } finally {
      await mock.stop();
    }
  }, 120_000);
});
