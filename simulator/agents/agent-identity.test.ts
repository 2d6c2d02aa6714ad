import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../engine/seeded-random.js';
import { agentIdentity } from './agent-identity.js';

describe('agent identities (REG-3: a seed and an index name one machine)', () => {
  it('seed 100 agent 0 is not seed 101 agent 1 (issue 11: the seed was XOR-ed with the index before mixing)', () => {
    expect(agentIdentity(100, 0).hardwareFingerprint).not.toBe(agentIdentity(101, 1).hardwareFingerprint);
    expect(deriveSeed(100, 0, 0x1d, 0)).not.toBe(deriveSeed(101, 1, 0x1d, 0));
  });

  it('every (seed, index) of neighbouring seeds and indexes gives its own fingerprint, and the same one again', () => {
    const seen = new Map<string, string>();
    for (let seed = 0; seed < 64; seed++) {
      for (let index = 0; index < 64; index++) {
        const fp = agentIdentity(seed, index).hardwareFingerprint;
        expect(seen.get(fp), `seed ${seed} index ${index}`).toBeUndefined();
        seen.set(fp, `${seed}/${index}`);
      }
    }
    expect(agentIdentity(7, 3)).toEqual(agentIdentity(7, 3));
  });
});
