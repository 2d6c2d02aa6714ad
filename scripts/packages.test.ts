import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandTable } from '../cli/command-table.js';
import { runtimeAssets } from './build-package.js';
import { listParts, readPackageJson, repoRoot } from './workspace-parts.js';

// The manifests of the published packages, checked without building or packing (scripts/pack-smoke.ts does that).
const root = readPackageJson(join(repoRoot, 'package.json')) as ReturnType<typeof readPackageJson> & { engines?: { node?: string } };
const parts = listParts();

describe('package manifests', () => {
  it('one package per part, all at the root version, with the same engines and an identical LICENSE', () => {
    expect(parts.map((p) => p.name).sort()).toEqual([
      '@lanet/cli',
      '@lanet/conformance',
      '@lanet/contracts',
      '@lanet/reference-agent',
      '@lanet/reference-server',
      '@lanet/simulator',
    ]);
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    for (const part of parts) {
      const pkg = JSON.parse(readFileSync(join(part.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg.version, part.name).toBe(root.version);
      expect(pkg.engines, part.name).toEqual(root.engines);
      expect(pkg.license, part.name).toBe('MIT');
      expect(pkg.type, part.name).toBe('module');
      expect(readFileSync(join(part.dir, 'LICENSE'), 'utf8'), `${part.folder}/LICENSE`).toBe(license);
    }
  });

  it('every export points at an existing source, and its compiled form at the same path under dist/', () => {
    for (const part of parts) {
      for (const [key, target] of Object.entries(readPackageJson(join(part.dir, 'package.json')).exports ?? {})) {
        if (typeof target === 'string') {
          const shipped = readPackageJson(join(part.dir, 'package.json')).files ?? [];
          expect(
            shipped.some((f) => target === `./${f}` || target.startsWith(`./${f}/`)) || target === './package.json',
            `${part.name} ${key} -> ${target} is in files`,
          ).toBe(true);
          continue;
        }
        const t = target as Record<string, string>;
        const source = t['@lanet/source'];
        expect(source, `${part.name} ${key} has an @lanet/source condition`).toBeDefined();
        expect(existsSync(join(part.dir, source!)), `${part.name} ${key} -> ${source} exists`).toBe(true);
        const base = source!.replace(/^\.\//, '').replace(/\.ts$/, '');
        expect(t, `${part.name} ${key}`).toEqual({ '@lanet/source': source, types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` });
      }
    }
  });

  it('files ships build output and run-time assets only (no tests, benches or TypeScript sources)', () => {
    for (const part of parts) {
      const files = readPackageJson(join(part.dir, 'package.json')).files ?? [];
      expect(files, part.name).toContain('dist');
      for (const f of files) expect(f, `${part.name} files entry`).toMatch(/^(dist|bin\/lanet\.js|spec\/(openapi\.yaml|protocol\.md))$/);
      for (const asset of runtimeAssets[part.folder] ?? []) {
        expect(existsSync(join(part.dir, asset.from)), `${part.folder}: run-time asset ${asset.from} exists`).toBe(true);
        const shippedAs = asset.to ?? join('dist', asset.from);
        expect(
          files.some((f) => shippedAs === f || shippedAs.startsWith(`${f}/`)),
          `${part.folder}: ${shippedAs} is in files`,
        ).toBe(true);
      }
    }
  });

  it("each `lanet` command's module is exported by the package the command table names", () => {
    for (const entry of commandTable) {
      const part = parts.find((p) => p.name === entry.packageName);
      expect(part, entry.name).toBeDefined();
      const subpath = `.${entry.module.slice(entry.packageName.length)}`;
      expect(Object.keys(readPackageJson(join(part!.dir, 'package.json')).exports ?? {}), `lanet ${entry.name}`).toContain(subpath);
    }
  });

  it("@lanet/cli's bin exists, and the reference server's native drivers are only in @lanet/reference-server", () => {
    const cli = JSON.parse(readFileSync(join(repoRoot, 'cli', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(existsSync(join(repoRoot, 'cli', cli.bin.lanet!))).toBe(true);
    for (const part of parts) {
      const deps = Object.keys(readPackageJson(join(part.dir, 'package.json')).dependencies ?? {});
      const native = deps.filter((d) => d === 'better-sqlite3' || d === 'pg');
      expect(native, part.name).toEqual(part.folder === 'reference-server' ? ['better-sqlite3', 'pg'] : []);
      if (part.folder !== 'reference-server') expect(deps, part.name).not.toContain('@lanet/reference-server');
    }
  });
});
