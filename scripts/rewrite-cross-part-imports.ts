/**
 * Codemod: every relative import that crosses from one part (workspace) into another becomes a package import
 * (`../../contracts/index.js` -> `@lanet/contracts`), and the target package's `exports` gains the subpath it needs,
 * so compiled packages resolve each other once installed. Idempotent: a second run changes nothing.
 *
 *   npx tsx scripts/rewrite-cross-part-imports.ts           # rewrite in place, list what changed
 *   npx tsx scripts/rewrite-cross-part-imports.ts --check   # exit 1 if anything would change (CI, after a merge)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findImports, listParts, listSourceFiles, partOf, partRelative, readPackageJson, repoRoot, type Part } from './workspace-parts.js';

/** One export entry in the shape every package uses: TypeScript source in the repository, compiled JS when installed. */
export function exportEntry(sourcePath: string): Record<string, string> {
  const base = sourcePath.replace(/\.ts$/, '');
  return { '@lanet/source': `./${sourcePath}`, types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` };
}

/** Maps a file of `target` to its package specifier and export key, or explains why it cannot. */
export function packageSpecifier(target: Part, relPath: string): { specifier: string; key: string; sourcePath: string } | { error: string } {
  const sourcePath = relPath.replace(/\.js$/, '.ts');
  if (!sourcePath.endsWith('.ts')) return { error: `only .js specifiers of TypeScript modules can become package imports (got ${relPath})` };
  const withoutExt = sourcePath.slice(0, -'.ts'.length);
  const subpath = withoutExt === 'index' ? '' : withoutExt.replace(/\/index$/, '');
  return { specifier: subpath === '' ? target.name : `${target.name}/${subpath}`, key: subpath === '' ? '.' : `./${subpath}`, sourcePath };
}

/** Orders exports: `.` first, then subpaths alphabetically, `./package.json` last (stable, so reruns are no-ops). */
function orderExports(exportsMap: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(exportsMap).sort((a, b) => {
    const rank = (k: string) => (k === '.' ? 0 : k === './package.json' ? 2 : 1);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  return Object.fromEntries(keys.map((k) => [k, exportsMap[k]]));
}

interface Result {
  changedFiles: string[];
  addedExports: string[];
  problems: string[];
}

/** Runs the codemod over the repository at `root`; writes only when `write` is true. */
export function rewriteCrossPartImports(root: string, write: boolean): Result {
  const parts = listParts(root);
  const result: Result = { changedFiles: [], addedExports: [], problems: [] };
  const exportsByPart = new Map(parts.map((p) => [p.folder, { ...(readPackageJson(join(p.dir, 'package.json')).exports ?? {}) }]));
  const touchedParts = new Set<string>();
  for (const part of parts) {
    for (const file of listSourceFiles(part.dir)) {
      const text = readFileSync(file, 'utf8');
      let out = '';
      let last = 0;
      for (const found of findImports(text, file)) {
        if (!found.specifier.startsWith('.')) continue;
        const targetFile = resolve(dirname(file), found.specifier);
        const target = partOf(parts, targetFile);
        if (!target || target === part) continue;
        const mapped = packageSpecifier(target, partRelative(target, targetFile));
        if ('error' in mapped) {
          result.problems.push(`${partRelative(part, file)} (${part.folder}): ${mapped.error}`);
          continue;
        }
        if (!existsSync(join(target.dir, mapped.sourcePath))) {
          result.problems.push(
            `${part.folder}/${partRelative(part, file)}: '${found.specifier}' points at ${target.folder}/${mapped.sourcePath}, which does not exist`,
          );
          continue;
        }
        out += text.slice(last, found.start) + mapped.specifier;
        last = found.end;
        const exportsMap = exportsByPart.get(target.folder)!;
        if (!(mapped.key in exportsMap)) {
          exportsMap[mapped.key] = exportEntry(mapped.sourcePath);
          result.addedExports.push(`${target.name} ${mapped.key}`);
          touchedParts.add(target.folder);
        }
      }
      if (last === 0) continue;
      out += text.slice(last);
      result.changedFiles.push(`${part.folder}/${partRelative(part, file)}`);
      if (write) writeFileSync(file, out);
    }
  }
  if (write) {
    for (const part of parts.filter((p) => touchedParts.has(p.folder))) {
      const file = join(part.dir, 'package.json');
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      pkg.exports = orderExports(exportsByPart.get(part.folder)!);
      writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    }
  }
  return result;
}

function main(): void {
  const check = process.argv.includes('--check');
  const result = rewriteCrossPartImports(repoRoot, !check);
  for (const f of result.changedFiles) process.stdout.write(`${check ? 'would rewrite' : 'rewrote'} ${f}\n`);
  for (const e of result.addedExports) process.stdout.write(`${check ? 'would export' : 'exported'} ${e}\n`);
  for (const p of result.problems) process.stderr.write(`cannot rewrite: ${p}\n`);
  const pending = result.changedFiles.length + result.addedExports.length;
  process.stdout.write(`${result.changedFiles.length} file(s), ${result.addedExports.length} export(s) ${check ? 'to change' : 'changed'}.\n`);
  if (result.problems.length > 0 || (check && pending > 0)) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(repoRoot, 'scripts/rewrite-cross-part-imports.ts')) main();
