import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findImports, listParts, listSourceFiles, partOf, partRelative, readPackageJson } from './workspace-parts.js';

/** What one part may import, read from the README's layout table. */
export interface LayoutRule {
  /** Part folders (and optional sub-folder: `reference-agent scheduler`) its shipped code may import. */
  imports: { folder: string; under?: string }[];
  /** Extra parts its tests and benches may import. */
  testImports: { folder: string; under?: string }[];
}

function parseAllowed(cell: string): { folder: string; under?: string }[] {
  const text = cell.replace(/`/g, '').trim();
  if (text === '-' || text === '' || text.startsWith('nothing')) return [];
  return text.split(',').map((item) => {
    const [folder, under] = item.trim().split(/\s+/);
    return under ? { folder: folder!.replace(/\/$/, ''), under } : { folder: folder!.replace(/\/$/, '') };
  });
}

/** Reads the `## Layout` table of README.md: folder, package, what it holds, may import, its tests and benches may also import. */
export function readLayoutRules(readme: string): Map<string, LayoutRule> {
  const section = readme.split(/^## Layout\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const rules = new Map<string, LayoutRule>();
  for (const line of section.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const folder = /^`([a-z-]+)\/`$/.exec(cells[0] ?? '')?.[1];
    if (!folder || cells.length < 5) continue;
    rules.set(folder, { imports: parseAllowed(cells[3]!), testImports: parseAllowed(cells[4]!) });
  }
  return rules;
}

/** Files that are not shipped: tests, test helpers, benches, the agent's bundle build (its own devDependencies), fixtures and plain-JS dev entries (what tsconfig.build.json leaves out). */
export function isDevOnly(relPath: string): boolean {
  return /\.test\.ts$/.test(relPath) || /(^|\/)(test|test-support|bench|bundle|fixtures)\//.test(relPath) || /\.(mjs|js)$/.test(relPath);
}

const builtins = new Set(builtinModules);

/** `express` from `express`, `@scope/x` from `@scope/x/sub`, undefined for node built-ins. */
function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]!)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function allowed(list: { folder: string; under?: string }[], folder: string, subpath: string): boolean {
  return list.some((a) => a.folder === folder && (a.under === undefined || subpath === a.under || subpath.startsWith(`${a.under}/`)));
}

/** Finds every cycle in a directed graph (each reported once, as the path around it). */
export function findCycles(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/**
 * Checks every import of every part against the layout: no relative import into another part (a package import
 * instead, so installed packages resolve), only the @lanet packages the README allows (and only subpaths they
 * export), every third-party package declared where it is imported, and no cycle between parts or between modules.
 * Returns the violations, each saying what to change.
 */
export function checkLayout(root: string): string[] {
  const parts = listParts(root);
  const rules = readLayoutRules(readFileSync(join(root, 'README.md'), 'utf8'));
  const rootPkg = readPackageJson(join(root, 'package.json'));
  const byName = new Map(parts.map((p) => [p.name, p]));
  const problems: string[] = [];
  const partGraph = new Map<string, Set<string>>(parts.map((p) => [p.folder, new Set<string>()]));
  const moduleGraph = new Map<string, Set<string>>();
  for (const part of parts) {
    const rule = rules.get(part.folder);
    if (!rule) {
      problems.push(`${part.folder}/ has no row in README.md's layout table: add one saying what it may import.`);
      continue;
    }
    const pkg = readPackageJson(join(part.dir, 'package.json'));
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const devDeclared = new Set([...declared, ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(rootPkg.devDependencies ?? {})]);
    for (const file of listSourceFiles(part.dir)) {
      const rel = partRelative(part, file);
      const where = `${part.folder}/${rel}`;
      const devOnly = isDevOnly(rel);
      const edges = new Set<string>();
      for (const { specifier, typeOnly } of findImports(readFileSync(file, 'utf8'), file)) {
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          const targetPart = partOf(parts, target);
          if (targetPart !== part) {
            problems.push(
              `${where}: '${specifier}' reaches outside ${part.folder}/ by a relative path; import the package instead (npm run rewrite-imports does it).`,
            );
          } else if (/\.js$/.test(specifier) && !typeOnly) {
            edges.add(`${part.folder}/${partRelative(part, target).replace(/\.js$/, '.ts')}`);
          }
          continue;
        }
        const name = packageNameOf(specifier);
        if (name === undefined) continue;
        const target = byName.get(name);
        if (target) {
          if (target === part) continue;
          const subpath = specifier.slice(name.length + 1);
          const ok = allowed(rule.imports, target.folder, subpath) || (devOnly && allowed(rule.testImports, target.folder, subpath));
          if (!ok)
            problems.push(
              `${where}: imports '${specifier}', but README.md's layout table does not let ${part.folder}/ import ${target.folder}/${subpath ? ` ${subpath}` : ''}${devOnly ? ' (not even from tests)' : ''}.`,
            );
          const exportsMap = readPackageJson(join(target.dir, 'package.json')).exports ?? {};
          if (!(`./${subpath}` in exportsMap) && !(subpath === '' && '.' in exportsMap)) {
            problems.push(`${where}: '${specifier}' is not in ${name}'s package.json exports; add it (npm run rewrite-imports adds the ones it rewrites).`);
          }
          if (!devOnly && !declared.has(name)) problems.push(`${where}: imports ${name}, which ${part.folder}/package.json does not list in dependencies.`);
          partGraph.get(part.folder)!.add(target.folder);
          continue;
        }
        if (!(devOnly ? devDeclared : declared).has(name)) {
          problems.push(
            `${where}: imports '${name}', which is not in ${devOnly ? `${part.folder}/package.json or the root devDependencies` : `${part.folder}/package.json dependencies (npm install ${name} -w ${part.name})`}.`,
          );
        }
      }
      moduleGraph.set(`${part.folder}/${rel.replace(/\.js$/, '.ts')}`, edges);
    }
  }
  for (const cycle of findCycles(partGraph)) problems.push(`the parts import each other in a cycle: ${cycle.join(' -> ')}.`);
  for (const cycle of findCycles(moduleGraph))
    problems.push(`modules import each other in a cycle: ${cycle.join(' -> ')}; move what both need into a third module.`);
  return problems;
}
