import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root (this file sits in scripts/). */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** One npm workspace: a top-level folder that is one package. */
export interface Part {
  /** Top-level folder, e.g. `contracts`. */
  folder: string;
  /** Package name, e.g. `@lanet/contracts`. */
  name: string;
  /** Absolute path of the folder. */
  dir: string;
}

/** A package.json as far as these scripts read it. */
export interface PackageJson {
  name: string;
  version: string;
  workspaces?: string[];
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  files?: string[];
}

/** Reads and parses a package.json. */
export function readPackageJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** The workspaces listed in the root package.json, in build order. */
export function listParts(root = repoRoot): Part[] {
  const folders = readPackageJson(join(root, 'package.json')).workspaces ?? [];
  return folders.map((folder) => ({ folder, name: readPackageJson(join(root, folder, 'package.json')).name, dir: join(root, folder) }));
}

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'spec']);

/** Every source file of a part (TypeScript and plain ESM), tests included, build output excluded. */
export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (!SKIPPED_DIRS.has(entry)) out.push(...listSourceFiles(full));
    } else if (SOURCE.test(entry) && !entry.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out.sort();
}

/** A module specifier found in a file, with its position (the text between the quotes). */
export interface FoundImport {
  specifier: string;
  start: number;
  end: number;
}

/** Static imports, re-exports, `import type`, and dynamic `import('literal')` of a file, parsed by the TypeScript compiler. */
export function findImports(text: string): FoundImport[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => {
    // `pos` is where the string literal starts (its quote) on some TypeScript versions and its text on others.
    const start = text.startsWith(f.fileName, f.pos) ? f.pos : text.indexOf(f.fileName, f.pos);
    return { specifier: f.fileName, start, end: start + f.fileName.length };
  });
}

/** The part a path lies in, or undefined when outside every part. */
export function partOf(parts: readonly Part[], file: string): Part | undefined {
  return parts.find((p) => {
    const rel = relative(p.dir, file);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
  });
}

/** `a/b/c.ts` relative to the part, with forward slashes. */
export function partRelative(part: Part, file: string): string {
  return relative(part.dir, file).split(sep).join('/');
}
