import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { pathOf } from '@lanet/contracts';
import { compiledChecksSource } from './compiled-checks.js';

/** Where the single-file agent is written, relative to the kit's root. */
export const agentBundlePath = fileURLToPath(new URL('../../dist/agent/lanet-agent.mjs', import.meta.url));

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Marks the kit's contract modules free of side effects: they only build zod schemas, so the fleet, escrow and spec
 * schemas the agent never uses are dropped instead of being built at start-up (each costs heap, PERF-3).
 */
const contractsArePure: Plugin = {
  name: 'contracts-are-pure',
  setup(b) {
    const inContracts = (file: string) => file.split(sep).includes('contracts') && !file.includes(`${sep}node_modules${sep}`);
    // The package import from the agent, and the relative imports between the contracts' own modules.
    b.onResolve({ filter: /^(@lanet\/contracts|\.)/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (!args.path.startsWith('@lanet/contracts') && !inContracts(args.importer)) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      return resolved.errors.length > 0 || !inContracts(resolved.path) ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * Replaces, in the bundle only, the two modules that would load zod at run time (PERF-3): the agent's checks become
 * the same table precompiled to plain JavaScript (compiled-checks.ts), and the route paths become two strings.
 */
const noZodAtRunTime: Plugin = {
  name: 'no-zod-at-run-time',
  setup(b) {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    b.onResolve({ filter: /(^|\/)agent-checks\.js$/ }, () => ({ path: 'agent-checks', namespace: 'lanet-compiled' }));
    b.onResolve({ filter: /(^|\/)agent-routes\.js$/ }, () => ({ path: 'agent-routes', namespace: 'lanet-compiled' }));
    b.onLoad({ filter: /^agent-checks$/, namespace: 'lanet-compiled' }, () => ({ contents: compiledChecksSource(), loader: 'js', resolveDir: root }));
    b.onLoad({ filter: /^agent-routes$/, namespace: 'lanet-compiled' }, () => ({
      contents: `export const HEARTBEAT_PATH = ${JSON.stringify(pathOf('postHeartbeat'))};\nexport const REGISTER_PATH = ${JSON.stringify(pathOf('registerAgent'))};\n`,
      loader: 'js',
    }));
  },
};

/**
 * Bundles the reference agent into one ES module for Node 20 (PERF-3: no tsx, no TypeScript compiler, no dev
 * dependencies and no other kit file at run time). CommonJS dependencies (pino, systeminformation) call `require`
 * for Node's built-ins, which an ES module lacks: the banner gives them one.
 */
export async function buildAgent(outfile = agentBundlePath): Promise<{ outfile: string; bytes: number }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./agent-main.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    // Package imports (@lanet/contracts) resolve to the TypeScript sources, as in the rest of the dev loop.
    conditions: ['@lanet/source'],
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
    // LANET_BUNDLE_META=file.json writes esbuild's metafile, to see what each module adds (https://esbuild.github.io/analyze/).
    metafile: process.env.LANET_BUNDLE_META !== undefined,
    plugins: [noZodAtRunTime, contractsArePure],
    // Every use of the global fetch becomes light-fetch.ts's, over node:http (Node's undici fetch costs ~9 MB).
    inject: [fileURLToPath(new URL('./light-fetch.ts', import.meta.url))],
    define: { __LANET_AGENT_VERSION__: JSON.stringify(version) },
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __lanetRequire } from 'node:module'; const require = __lanetRequire(import.meta.url);" },
  });
  if (result.metafile) writeFileSync(process.env.LANET_BUNDLE_META!, JSON.stringify(result.metafile));
  // V8 keeps a script's source in memory, as Latin-1 when every character fits, else as UTF-16 at twice the size:
  // one character above U+00FF (esbuild leaves regular expression literals as written) costs ~1 MB of RSS.
  const source = readFileSync(outfile, 'utf8');
  const wide = /[^\u0000-\u00ff]/.exec(source);
  if (wide) {
    const around = source.slice(Math.max(0, wide.index - 40), wide.index + 10);
    throw new Error(
      `The bundle holds U+${wide[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(around)}: write it as a \\u escape in the source, so V8 keeps the agent's source as Latin-1 (PERF-3).`,
    );
  }
  return { outfile, bytes: statSync(outfile).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await buildAgent(process.argv[2] ?? agentBundlePath);
  process.stdout.write(`wrote ${outfile} (${(bytes / 1024).toFixed(0)} KiB): run it with node 20+, e.g. node ${outfile} --once --dry-run\n`);
}
