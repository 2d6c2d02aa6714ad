import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A route registered with a literal path string: express (app.get, app.route, router.post), MSW (http.post). Every part must take paths from contracts/routes.ts,
 * so the spec (which is built from that table) describes every route any backend, mock or client of ours serves.
 */
const REGISTRATION = /\b(?:app|router|http|route)\.(?:get|post|put|patch|delete|all|head|options|route)\(\s*(['"`])([^'"`]*)\1/g;

/** One hand-written route registration: where, and the path it names. */
export interface HandWrittenRoute {
  file: string;
  line: number;
  path: string;
}

/** The hand-written route registrations in one file's text (the dashboard page at `/` is no protocol route). */
export function findHandWrittenRoutes(file: string, text: string): HandWrittenRoute[] {
  const found: HandWrittenRoute[] = [];
  for (const m of text.matchAll(REGISTRATION)) {
    const path = m[2]!;
    if (path === '/' || path === '*' || path.startsWith('/dashboard')) continue;
    found.push({ file, line: text.slice(0, m.index).split('\n').length, path });
  }
  return found;
}

/** Scans the repository's tracked TypeScript sources (tests excluded: they name paths on purpose, as a client would). */
export function scanRepository(root: string): HandWrittenRoute[] {
  const files = [
    ...new Set(
      execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .filter((f) => f && !f.endsWith('.test.ts') && !f.includes('/test/') && !f.startsWith('node_modules/')),
    ),
  ]; // an unmerged file is listed once per stage
  return files.flatMap((f) => {
    try {
      return findHandWrittenRoutes(f, readFileSync(join(root, f), 'utf8'));
    } catch {
      return []; // listed by git but deleted in the working tree
    }
  });
}
