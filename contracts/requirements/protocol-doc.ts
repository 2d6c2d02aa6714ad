import { routes } from '../routes.js';
import { requirementIdsOf, requirements } from './requirements.js';

/** The generated blocks of spec/protocol.md, by marker name. */
const blocks = {
  endpoints: () => [
    '| operation | method and path | credential | profile | requirements |',
    '| --- | --- | --- | --- | --- |',
    ...routes.map(
      (r) =>
        `| \`${r.operationId}\` | \`${r.method.toUpperCase()} ${r.path}\` | ${r.security.join(' or ')} | ${r.profile} | ${requirementIdsOf(r.operationId).join(', ')} |`,
    ),
  ],
  index: () => [
    '| ID | level | profile | rule | judged by |',
    '| --- | --- | --- | --- | --- |',
    ...requirements.map(
      (r) => `| [${r.id}](#${anchorOf(r.id, r.level, r.profile)}) | ${r.level} | ${r.profile} | ${r.rule.replaceAll('|', '\\|')} | ${r.judgedBy.join(', ')} |`,
    ),
  ],
} as const;

/** GitHub's anchor of a `### ID · LEVEL · profile` heading. */
function anchorOf(id: string, level: string, profile: string): string {
  return `${id}--${level}--${profile}`.toLowerCase();
}

/** Rewrites every generated block of the protocol document from the catalogue and the route table. */
export function syncProtocolDoc(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(blocks)) {
    const re = new RegExp(`(<!-- generated:${name}:start[^\\n]*-->\\n)[\\s\\S]*?(<!-- generated:${name}:end -->)`);
    if (!re.test(out)) throw new Error(`spec/protocol.md has no generated:${name} block; restore its start and end markers.`);
    out = out.replace(re, (_, start: string, end: string) => `${start}${render().join('\n')}\n${end}`);
  }
  return out;
}

/**
 * What the document and the catalogue disagree on: every ID needs one `### ID · LEVEL · profile` section with the
 * catalogue's level and profile, and no section may name an ID the catalogue lacks.
 */
export function protocolDocProblems(text: string): string[] {
  const problems: string[] = [];
  const sections = [...text.matchAll(/^### ([A-Z]+-\d+) · (MUST|SHOULD) · ([a-z]+)$/gm)].map((m) => ({ id: m[1]!, level: m[2]!, profile: m[3]! }));
  for (const r of requirements) {
    const own = sections.filter((s) => s.id === r.id);
    if (own.length !== 1) problems.push(`${r.id}: ${own.length} sections in spec/protocol.md, expected one "### ${r.id} · ${r.level} · ${r.profile}"`);
    else if (own[0]!.level !== r.level || own[0]!.profile !== r.profile)
      problems.push(`${r.id}: the document says ${own[0]!.level} · ${own[0]!.profile}, the catalogue ${r.level} · ${r.profile}`);
  }
  const known = new Set(requirements.map((r) => r.id));
  for (const s of sections) if (!known.has(s.id)) problems.push(`${s.id}: a section in spec/protocol.md, but not in contracts/requirements/requirements.ts`);
  if (syncProtocolDoc(text) !== text) problems.push('the generated tables of spec/protocol.md are stale: run `npm run spec`');
  return problems;
}
