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
  /** `import type`/`export type` (or every named binding `type`): erased when compiled, so no run-time edge. */
  typeOnly: boolean;
}

/** Static imports, re-exports and dynamic `import('literal')` of a file, parsed by the TypeScript compiler. */
export function findImports(text: string, fileName = 'file.ts'): FoundImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: FoundImport[] = [];
  const add = (literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    const start = literal.getStart(source) + 1;
    found.push({ specifier: literal.text, start, end: start + literal.text.length, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
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
