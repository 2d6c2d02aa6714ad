/**
 * Builds one package (run from its folder, as `npm run build -w @lanet/NAME` does): compiles its TypeScript to
 * dist/ with declarations, then copies the files its code reads at run time to the same place relative to the
 * compiled modules, so `new URL('./x', import.meta.url)` finds them in both the sources and dist/.
 *
 *   npm run build                     # every package, in workspace (dependency) order
 *   npm run build -w @lanet/contracts # one package (its @lanet dependencies must be built first)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** Files (relative to the package folder) the compiled code reads at run time; `to` defaults to dist/ + the same path. */
export const runtimeAssets: Record<string, { from: string; to?: string }[]> = {
  contracts: [
    { from: 'examples/seed-heartbeat.json' },
    // write-spec.ts finds the spec at ../../spec/ from contracts/openapi/ (the repository's spec/); compiled, the same
    // relative path from dist/openapi/ is the package's own spec/ folder, which `files` ships.
    { from: '../spec/openapi.yaml', to: 'spec/openapi.yaml' },
    // The normative protocol text travels with the contracts that implement it.
    { from: '../spec/protocol.md', to: 'spec/protocol.md' },
  ],
  'reference-server': [{ from: 'dashboard/index.html' }],
};

function build(packageDir: string): void {
  const folder = basename(packageDir);
  rmSync(join(packageDir, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit', cwd: packageDir });
  for (const asset of runtimeAssets[folder] ?? []) {
    const source = join(packageDir, asset.from);
    const target = join(packageDir, asset.to ?? join('dist', asset.from));
    if (!existsSync(source)) throw new Error(`${folder}: the run-time asset ${asset.from} does not exist; update runtimeAssets in scripts/build-package.ts.`);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target);
  }
  process.stdout.write(`built ${folder} -> ${folder}/dist\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build(process.cwd());
