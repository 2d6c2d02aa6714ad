import { describe, expect, it } from 'vitest';
import { checkVerdict, gateExitCode, isGating, rollUp } from './verdict.js';

describe('verdicts', () => {
  it('a requirement passes only when every check it owns ran and passed', () => {
    const [v] = rollUp([checkVerdict('HB-7', 'retry', 'pass', 'stored once'), checkVerdict('HB-7', 'read-back', 'pass', '1 row')]);
    expect(v).toMatchObject({ requirement: 'HB-7', level: 'MUST', status: 'pass', checks: { pass: 2, fail: 0, skip: 0 } });
  });

  it('a requirement with a skipped check is partial, never pass, and says why', () => {
    const [v] = rollUp([checkVerdict('HB-7', 'retry', 'pass', '200 twice'), checkVerdict('HB-7', 'read-back', 'skip', 'profile fleet not claimed')]);
    expect(v?.status).toBe('partial');
    expect(v?.summary).toContain('profile fleet not claimed');
  });

  it('all skipped is skip; any failure is fail whatever else passed', () => {
    expect(rollUp([checkVerdict('GEN-1', 'probes', 'skip', 'precondition failed')])[0]?.status).toBe('skip');
    const [v] = rollUp([
      checkVerdict('GEN-1', 'a', 'pass', 'ok'),
      checkVerdict('GEN-1', 'b', 'fail', '500 on a missing field'),
      checkVerdict('GEN-1', 'c', 'skip', 'x'),
    ]);
    expect(v).toMatchObject({ status: 'fail', summary: 'b: 500 on a missing field' });
  });

  it('a pass needs evidence: an empty one is refused', () => {
    expect(() => checkVerdict('HB-1', 'seed', 'pass', '')).toThrow();
  });

  it('one gating rule: MUST failures gate, SHOULD only with failOnShould, partial and skip never', () => {
    expect(isGating({ level: 'MUST', status: 'fail' }, false)).toBe(true);
    expect(isGating({ level: 'SHOULD', status: 'fail' }, false)).toBe(false);
    expect(isGating({ level: 'SHOULD', status: 'fail' }, true)).toBe(true);
    expect(isGating({ level: 'MUST', status: 'partial' }, true)).toBe(false);
    expect(
      gateExitCode(
        [
          { level: 'SHOULD', status: 'fail' },
          { level: 'MUST', status: 'pass' },
        ],
        false,
      ),
    ).toBe(0);
    expect(gateExitCode([{ level: 'MUST', status: 'fail' }], false)).toBe(1);
  });
});
