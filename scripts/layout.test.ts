import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayout, findCycles, readLayoutRules } from './layout-rules.js';
import { repoRoot } from './workspace-parts.js';
import { rewriteCrossPartImports } from './rewrite-cross-part-imports.js';

describe('the repository follows its layout (README.md "Layout")', () => {
  it('no import crosses a part boundary the table forbids, no cycle, every dependency declared', () => {
    expect(checkLayout(repoRoot)).toEqual([]);
  }, 120_000); // parses every source file: generous for a loaded two-core machine

  it('the import codemod has nothing left to rewrite', () => {
    const result = rewriteCrossPartImports(repoRoot, false);
    expect(result.problems).toEqual([]);
    expect(result.changedFiles).toEqual([]);
    expect(result.addedExports).toEqual([]);
  }, 120_000);

  it('reads the table: simulator may import the reference-agent scheduler only; reference-server tests may import cli', () => {
    const rules = readLayoutRules(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
    expect(rules.get('simulator')?.imports).toContainEqual({ folder: 'reference-agent', under: 'scheduler' });
    expect(rules.get('contracts')?.imports).toEqual([]);
    expect(rules.get('reference-server')?.testImports).toEqual([{ folder: 'cli' }]);
  });
});

// A miniature repository with two parts, to show each rule fails when broken.
let fixture: string | undefined;
afterEach(() => {
  if (fixture) rmSync(fixture, { recursive: true, force: true });
  fixture = undefined;
});

function miniRepo(files: Record<string, string>): string {
  fixture = mkdtempSync(join(tmpdir(), 'lanet-layout-'));
  const base: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'mini', workspaces: ['contracts', 'agent'], devDependencies: { vitest: '4' } }),
    'README.md': [
      '## Layout',
      '',
      '| folder | package | what | may import | tests may also import |',
      '| --- | --- | --- | --- | --- |',
      '| `contracts/` | `@lanet/contracts` | schemas | nothing of ours | - |',
      '| `agent/` | `@lanet/agent` | agent | contracts | - |',
      '',
      '## Next',
    ].join('\n'),
    'contracts/package.json': JSON.stringify({ name: '@lanet/contracts', exports: { '.': {} }, dependencies: { zod: '4' } }),
    'agent/package.json': JSON.stringify({ name: '@lanet/agent', exports: { '.': {} }, dependencies: { '@lanet/contracts': '0.1.0' } }),
    'contracts/index.ts': "import { z } from 'zod';\nexport const s = z.string();\n",
    'agent/index.ts': "import { s } from '@lanet/contracts';\nexport const t = s;\n",
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  }
  return fixture;
}

describe('checkLayout fails on each kind of violation', () => {
  it('passes the well-formed miniature', () => {
    expect(checkLayout(miniRepo({}))).toEqual([]);
  });

  it('an import the table does not allow (contracts -> agent)', () => {
    const problems = checkLayout(miniRepo({ 'contracts/extra.ts': "export { t } from '@lanet/agent';\n" }));
    expect(problems.join('\n')).toMatch(/contracts\/extra\.ts: imports '@lanet\/agent', but README\.md's layout table does not let contracts\/ import agent\//);
  });

  it('a relative import into another part', () => {
    const problems = checkLayout(miniRepo({ 'agent/other.ts': "export { s } from '../contracts/index.js';\n" }));
    expect(problems.join('\n')).toMatch(/agent\/other\.ts: '\.\.\/contracts\/index\.js' reaches outside agent\/ by a relative path/);
  });

  it('a package dependency the part does not declare, and a subpath the target does not export', () => {
    const problems = checkLayout(
      miniRepo({ 'agent/net.ts': "import express from 'express';\nimport { s } from '@lanet/contracts/hidden';\nexport const u = [express, s];\n" }),
    );
    expect(problems.join('\n')).toMatch(/agent\/net\.ts: imports 'express', which is not in agent\/package\.json dependencies/);
    expect(problems.join('\n')).toMatch(/'@lanet\/contracts\/hidden' is not in @lanet\/contracts's package\.json exports/);
  });

  it('a cycle between modules (type-only imports excepted: they are erased)', () => {
    const problems = checkLayout(
      miniRepo({
        'agent/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'agent/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
        'agent/c.ts': "import type { D } from './d.js';\nexport type C = D;\n",
        'agent/d.ts': "import type { C } from './c.js';\nexport type D = C | 1;\n",
      }),
    );
    expect(problems).toEqual(['modules import each other in a cycle: agent/a.ts -> agent/b.ts -> agent/a.ts; move what both need into a third module.']);
  });

  it('a part with no row in the table', () => {
    const problems = checkLayout(
      miniRepo({
        'package.json': JSON.stringify({ name: 'mini', workspaces: ['contracts', 'agent', 'extra'] }),
        'extra/package.json': JSON.stringify({ name: '@lanet/extra' }),
      }),
    );
    expect(problems).toContain("extra/ has no row in README.md's layout table: add one saying what it may import.");
  });
});

describe('findCycles', () => {
  it('finds a cycle between parts and none in a tree', () => {
    expect(
      findCycles(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
          ['c', new Set(['a'])],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      findCycles(
        new Map([
          ['a', new Set(['b', 'c'])],
          ['b', new Set(['c'])],
          ['c', new Set<string>()],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('the codemod', () => {
  it('rewrites a relative cross-part import to the package and exports the subpath, and a second run changes nothing', () => {
    const root = miniRepo({
      'agent/deep.ts': "import { s } from '../contracts/index.js';\nimport { v } from '../contracts/sub/values.js';\nexport const w = [s, v];\n",
      'contracts/sub/values.ts': 'export const v = 1;\n',
    });
    const first = rewriteCrossPartImports(root, true);
    expect(first.changedFiles).toEqual(['agent/deep.ts']);
    expect(first.addedExports).toEqual(['@lanet/contracts ./sub/values']);
    expect(readFileSync(join(root, 'agent/deep.ts'), 'utf8')).toBe(
      "import { s } from '@lanet/contracts';\nimport { v } from '@lanet/contracts/sub/values';\nexport const w = [s, v];\n",
    );
    const second = rewriteCrossPartImports(root, true);
    expect(second.changedFiles).toEqual([]);
    expect(second.addedExports).toEqual([]);
  });
});
