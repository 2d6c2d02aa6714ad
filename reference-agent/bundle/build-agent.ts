import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

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
    b.onResolve({ filter: /contracts\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * Bundles the reference agent into one ES module for Node 20 (PERF-3: no tsx, no TypeScript compiler, no dev
 * dependencies and no other kit file at run time). CommonJS dependencies (pino, systeminformation) call `require`
 * for Node's built-ins, which an ES module lacks: the banner gives them one.
 */
export async function buildAgent(outfile = agentBundlePath): Promise<{ outfile: string; bytes: number }> {
  await build({
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
    plugins: [contractsArePure],
    // Every use of the global fetch becomes light-fetch.ts's, over node:http (Node's undici fetch costs ~9 MB).
    inject: [fileURLToPath(new URL('./light-fetch.ts', import.meta.url))],
    define: { __LANET_AGENT_VERSION__: JSON.stringify(version) },
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __lanetRequire } from 'node:module'; const require = __lanetRequire(import.meta.url);" },
  });
  return { outfile, bytes: statSync(outfile).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await buildAgent(process.argv[2] ?? agentBundlePath);
  process.stdout.write(`wrote ${outfile} (${(bytes / 1024).toFixed(0)} KiB): run it with node 20+, e.g. node ${outfile} --once --dry-run\n`);
}
