import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { protocolDocPath } from '../openapi/write-spec.js';
import { routes } from '../routes.js';
import { protocolDocProblems, syncProtocolDoc } from './protocol-doc.js';
import { levelOf, requirement, requirements } from './requirements.js';

describe('requirement catalogue', () => {
  it('has unique IDs, each family numbered without gaps', () => {
    const ids = requirements.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const family of ['GEN', 'HB', 'REG', 'AUTH', 'FLT', 'ESC', 'AG', 'PERF']) {
      const numbers = ids.filter((id) => id.startsWith(`${family}-`)).map((id) => Number(id.split('-')[1]));
      expect(numbers, family).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it('names only operations of the route table', () => {
    const ops = new Set(routes.map((r) => r.operationId));
    for (const r of requirements) for (const op of r.operations) if (op !== '*') expect(ops.has(op), `${r.id} ${op}`).toBe(true);
  });

  it('reads levels from the catalogue and refuses unknown IDs', () => {
    expect(levelOf('HB-3')).toBe('MUST');
    expect(levelOf('FLT-5')).toBe('SHOULD');
    expect(() => requirement('HB-99')).toThrow(/Unknown requirement ID HB-99/);
  });
});

describe('spec/protocol.md against the catalogue', () => {
  const doc = readFileSync(protocolDocPath, 'utf8');

  it('has one section per ID with its level and profile, and fresh generated tables', () => {
    expect(protocolDocProblems(doc)).toEqual([]);
  });

  it('reports a missing section, a wrong level, an unknown ID and a stale index', () => {
    const broken = doc
      .replace('### GEN-7 · SHOULD · core', '### GEN-7 · MUST · core')
      .replace(/^### HB-11 · SHOULD · core$/m, '### HB-99 · SHOULD · core')
      .replace('| [GEN-1]', '| [GEN-0]');
    const problems = protocolDocProblems(broken);
    expect(problems).toContain('GEN-7: the document says MUST · core, the catalogue SHOULD · core');
    expect(problems.some((p) => p.startsWith('HB-11: 0 sections'))).toBe(true);
    expect(problems.some((p) => p.startsWith('HB-99: a section'))).toBe(true);
    expect(problems.some((p) => p.includes('stale'))).toBe(true);
  });

  it('refuses a document whose generated markers were removed', () => {
    expect(() => syncProtocolDoc('# no markers')).toThrow(/generated:endpoints/);
  });
});
