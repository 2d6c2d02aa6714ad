/**
 * Packs every package (`npm pack`), installs the tarballs into empty projects in a temporary folder, and checks them
 * the way users would: plain Node imports, a TypeScript file type-checked against the packages, and `npx lanet ...`.
 * Prints the install time and installed size of each project. Too slow for `npm test` (the whole kit compiles
 * better-sqlite3: minutes on two cores), so it is a script:
 *
 *   npx tsx scripts/pack-smoke.ts [--no-build] [--keep] [--node 22,24]
 *
 * --no-build reuses dist/ from the last `npm run build`; --keep leaves the temporary folder; --node also runs the
 * contracts project's checks on those Node versions (`npx node@N`, from the npm registry). Exit 0 when every check
 * passed, 1 otherwise. Only loopback addresses are used (the conformance check starts a reference server).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listParts, repoRoot } from './workspace-parts.js';

interface Outcome {
  project: string;
  check: string;
  ok: boolean;
  detail: string;
}
const outcomes: Outcome[] = [];
const figures: string[] = [];

function run(cmd: string, args: string[], cwd: string, timeoutMs = 600_000): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
  const why = r.error ? `\n(${r.error.message}${r.signal ? `, ${r.signal}` : ''})` : '';
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${why}` };
}

function check(project: string, name: string, cmd: string, args: string[], cwd: string, expect: { status?: number; includes?: string } = {}): void {
  const r = run(cmd, args, cwd);
  const statusOk = r.status === (expect.status ?? 0);
  const textOk = expect.includes === undefined || r.out.includes(expect.includes);
  const ok = statusOk && textOk;
  outcomes.push({ project, check: name, ok, detail: ok ? '' : `exit ${r.status}; output:\n${r.out.slice(0, 2_000)}` });
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${project}: ${name}\n`);
}

function sizeKiB(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeKiB(full) * 1024;
    else if (entry.isFile()) bytes += statSync(full).size;
  }
  return Math.round(bytes / 1024);
}

/** Creates a project depending on `packages` (tarballs; every @lanet dependency pinned to its tarball), installs it, records time and size. */
function installProject(root: string, name: string, packages: string[], tarballs: Map<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const file = (p: string) => `file:${tarballs.get(p)}`;
  const overrides = Object.fromEntries([...tarballs.keys()].filter((p) => !packages.includes(p)).map((p) => [p, file(p)]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module', dependencies: Object.fromEntries(packages.map((p) => [p, file(p)])), overrides }, null, 2),
  );
  const started = Date.now();
  const r = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir, 2_400_000);
  const seconds = (Date.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed:\n${r.out}`);
  const kib = sizeKiB(join(dir, 'node_modules'));
  figures.push(
    `${name.padEnd(12)} ${packages.join(' + ').padEnd(60)} install ${seconds.toFixed(1).padStart(6)} s   node_modules ${(kib / 1024).toFixed(1).padStart(6)} MiB`,
  );
  return dir;
}

function main(): void {
  try {
    smoke();
  } catch (err) {
    outcomes.push({ project: 'setup', check: 'build, pack and install', ok: false, detail: err instanceof Error ? err.message : String(err) });
  }
  process.stdout.write(`\n${figures.join('\n')}\n`);
  const failed = outcomes.filter((o) => !o.ok);
  for (const f of failed) process.stdout.write(`\nFAIL ${f.project}: ${f.check}\n${f.detail}\n`);
  process.stdout.write(`\n${outcomes.length - failed.length} passed, ${failed.length} failed\n`);
  if (process.argv.includes('--keep')) process.stdout.write(`projects kept in ${tempRoot}\n`);
  else if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  process.exitCode = failed.length > 0 ? 1 : 0;
}

let tempRoot: string | undefined;

function smoke(): void {
  const args = process.argv.slice(2);
  const nodeVersions = (args[args.indexOf('--node') + 1] ?? '').split(',').filter((v) => args.includes('--node') && /^\d+$/.test(v));
  if (!args.includes('--no-build')) {
    const built = run('npm', ['run', 'build'], repoRoot, 1_200_000);
    if (built.status !== 0) throw new Error(`npm run build failed:\n${built.out}`);
  }
  const root = mkdtempSync(join(tmpdir(), 'lanet-pack-'));
  tempRoot = root;
  const tarDir = join(root, 'tarballs');
  mkdirSync(tarDir);
  const tarballs = new Map<string, string>();
  for (const part of listParts()) {
    const packed = run('npm', ['pack', '--pack-destination', tarDir, '--json'], part.dir);
    if (packed.status !== 0) throw new Error(`npm pack in ${part.folder} failed:\n${packed.out}`);
    const info = (JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string; files: { path: string }[] }[])[0]!;
    const shipped = info.files.map((f) => f.path);
    const stray = shipped.filter((f) => /\.test\.|(^|\/)(test|bench|test-support|\.ci)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    outcomes.push({
      project: 'pack',
      check: `${part.name}: no tests, benches or TypeScript sources; has LICENSE`,
      ok: stray.length === 0 && shipped.includes('LICENSE'),
      detail: stray.join(', '),
    });
    tarballs.set(part.name, join(tarDir, info.filename));
    figures.push(`tarball      ${info.filename.padEnd(60)} ${shipped.length} files`);
  }
  const seed = join(repoRoot, 'contracts', 'examples', 'seed-heartbeat.json');

  // An agent developer: the contracts alone (plus the `lanet` command they bring); no native build.
  const a = installProject(root, 'contracts', ['@lanet/contracts'], tarballs);
  cpSync(seed, join(a, 'seed.json'));
  check(
    'contracts',
    'no native module installed',
    'node',
    ['-e', "import('node:fs').then(f=>process.exit(f.existsSync('node_modules/better-sqlite3')||f.existsSync('node_modules/pg')?1:0))"],
    a,
  );
  check(
    'contracts',
    "node -e import('@lanet/contracts') validates the seed",
    'node',
    ['-e', "import('@lanet/contracts').then(m=>{if(!m.validateMessage(m.HeartbeatRequestSchema,m.seedHeartbeat()).ok)process.exit(1)})"],
    a,
  );
  check('contracts', 'npx lanet validate seed.json', 'npx', ['--no-install', 'lanet', 'validate', 'seed.json'], a, { includes: 'valid heartbeat' });
  check('contracts', 'npx lanet --version', 'npx', ['--no-install', 'lanet', '--version'], a, { includes: '@lanet/contracts 0.1.0' });
  check('contracts', 'npx lanet mock --help', 'npx', ['--no-install', 'lanet', 'mock', '--help'], a, { includes: 'Usage: lanet mock' });
  check('contracts', 'npx lanet conformance says which package to install', 'npx', ['--no-install', 'lanet', 'conformance', '--list'], a, {
    status: 2,
    includes: 'npm install @lanet/conformance',
  });
  for (const v of nodeVersions) {
    check(
      'contracts',
      `node ${v}: import('@lanet/contracts') and lanet validate`,
      'npx',
      ['-y', `node@${v}`, 'node_modules/@lanet/cli/bin/lanet.js', 'validate', 'seed.json'],
      a,
      { includes: 'valid heartbeat' },
    );
  }
  // The agent developer's own test dependencies, to load the MSW handlers and type-check against the packages.
  const extra = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', 'msw@2.15.0', 'typescript@5.9.3'], a);
  if (extra.status !== 0) throw new Error(`npm install msw typescript failed:\n${extra.out}`);
  check(
    'contracts',
    "node -e import('@lanet/contracts/msw') (MSW handlers)",
    'node',
    [
      '-e',
      "import('@lanet/contracts/msw').then(m=>{const l=m.createLanetHandlers({baseUrl:'http://lanet.test',enrollmentSecret:'secret'});if(!l.handlers.length)process.exit(1)})",
    ],
    a,
  );
  writeFileSync(
    join(a, 'check.ts'),
    [
      "import { HeartbeatRequestSchema, validateMessage, type HeartbeatRequest } from '@lanet/contracts';",
      "import { heartbeatArbitrary } from '@lanet/contracts/arbitraries';",
      "import { createLanetHandlers } from '@lanet/contracts/msw';",
      "const payload: HeartbeatRequest = { asset_id: '6f1c1c2e-3b7a-4c1e-9a51-0c2f3d4e5f60', heartbeat_type: 'partial', timestamp: '2026-12-02T07:00:00Z' };",
      'export const used = [validateMessage(HeartbeatRequestSchema, payload).ok, createLanetHandlers({ baseUrl: "http://lanet.test", enrollmentSecret: "s" }).handlers, heartbeatArbitrary];',
      '// @ts-expect-error heartbeat_type is an enum: the types come from the package, so a wrong value must not compile',
      "export const wrong: HeartbeatRequest = { ...payload, heartbeat_type: 'sometimes' };",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(a, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] },
      files: ['check.ts'],
    }),
  );
  check('contracts', 'a TypeScript file type-checks against the packages (tsc, strict, NodeNext)', 'npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], a);

  // A backend implementer and QA: conformance and simulator, without the reference server's native dependencies.
  const c = installProject(root, 'conformance', ['@lanet/conformance', '@lanet/simulator'], tarballs);
  check(
    'conformance',
    'no better-sqlite3 or pg installed',
    'node',
    ['-e', "import('node:fs').then(f=>process.exit(f.existsSync('node_modules/better-sqlite3')||f.existsSync('node_modules/pg')?1:0))"],
    c,
  );
  check('conformance', 'npx lanet conformance --list', 'npx', ['--no-install', 'lanet', 'conformance', '--list'], c, { includes: 'HB-1' });
  check(
    'conformance',
    'without --target: a clear error naming @lanet/reference-server',
    'npx',
    ['--no-install', 'lanet', 'conformance', '--checks', 'HB-1'],
    c,
    { status: 2, includes: 'install @lanet/reference-server' },
  );

  // The whole kit, reference server included (its native SQLite build is most of the install time).
  const k = installProject(root, 'kit', [...tarballs.keys()], tarballs);
  cpSync(seed, join(k, 'seed.json'));
  check('kit', 'npx lanet --version', 'npx', ['--no-install', 'lanet', '--version'], k, { includes: '@lanet/reference-server 0.1.0' });
  check('kit', 'npx lanet validate seed.json', 'npx', ['--no-install', 'lanet', 'validate', 'seed.json'], k, { includes: 'valid heartbeat' });
  check('kit', 'npx lanet mock --help', 'npx', ['--no-install', 'lanet', 'mock', '--help'], k, { includes: 'Usage: lanet mock' });
  check('kit', 'npx lanet conformance --list', 'npx', ['--no-install', 'lanet', 'conformance', '--list'], k, { includes: 'HB-1' });
  check(
    'kit',
    'npx lanet conformance against the compiled reference server (ingest thread included)',
    'npx',
    ['--no-install', 'lanet', 'conformance', '--checks', 'HB-1,HB-9,REG-1', '--max-examples', '3'],
    k,
    { includes: 'Conformant' },
  );
}

main();
