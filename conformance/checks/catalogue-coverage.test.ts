import { backendProfiles, requirements } from '@lanet/contracts';
import { describe, expect, it } from 'vitest';
import { allChecks } from './index.js';

// The drift check between the requirement catalogue (contracts/requirements), spec/protocol.md (checked against the
// catalogue by `npm run spec:check`) and this suite: an ID with no check must say why it is not checkable over HTTP.
describe('conformance checks against the requirement catalogue', () => {
  const byId = new Map(requirements.map((r) => [r.id, r]));

  it('every check names a catalogued requirement, with its level and profile', () => {
    for (const check of allChecks) {
      const r = byId.get(check.id);
      expect(r, `${check.id}/${check.name}`).toBeDefined();
      expect([check.level, check.profile], `${check.id}/${check.name}`).toEqual([r!.level, r!.profile]);
    }
  });

  it('every requirement the catalogue says the suite judges has a check', () => {
    const checked = new Set(allChecks.map((c) => c.id));
    const missing = requirements.filter((r) => r.judgedBy.includes('conformance') && !checked.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('a backend requirement without a check says why it is not checkable over HTTP', () => {
    const checked = new Set(allChecks.map((c) => c.id));
    const silent = requirements
      .filter((r) => (backendProfiles as readonly string[]).includes(r.profile) && !checked.has(r.id) && !r.notCheckableOverHttp)
      .map((r) => r.id);
    expect(silent).toEqual([]);
  });
});
