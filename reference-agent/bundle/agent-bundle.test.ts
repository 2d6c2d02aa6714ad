import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { HeartbeatRequestSchema, validateMessage } from '@lanet/contracts';
import { AGENT_NODE_FLAGS } from '../service/winsw-definition.js';
import { buildAgent } from './build-agent.js';

// The bundle is written to a temporary folder with no node_modules above it: it must run on its own (no tsx, no kit).
const dir = mkdtempSync(join(tmpdir(), 'lanet-agent-bundle-'));
const bundle = join(dir, 'lanet-agent.mjs');
beforeAll(async () => {
  await buildAgent(bundle);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBundle(args: string[], configDir: string, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...AGENT_NODE_FLAGS, bundle, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, LANET_AGENT_CONFIG_DIR: configDir }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('the single-file agent (npm run build:agent)', () => {
  it('PERF-3: --once --dry-run prints a contract-valid payload of this machine, from one file with no kit beside it', async () => {
    const { code, stdout, stderr } = await runBundle(['--once', '--dry-run'], join(dir, 'dry'));
    expect(code).toBe(0);
    expect(validateMessage(HeartbeatRequestSchema, JSON.parse(stdout)).ok).toBe(true);
    const log = JSON.parse(stderr.trim().split('\n').at(-1)!) as { msg: string; rss_mb: number; cpu_ms: number };
    expect(log.msg).toContain('dry run');
    // PERF-3: the checks are precompiled (compiled-checks.ts); zod, ~6 MB of RSS once loaded, is not in the file.
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/\$ZodType|ZodError/);
    process.stderr.write(`[bundle dry run] rss_mb ${log.rss_mb}, cpu_ms ${log.cpu_ms}\n`);
  }, 60_000);

  it('AG-1, REG-1: registers with a reference server and has 3 heartbeats accepted at a 2 s interval', async () => {
    const server = await spawnReferenceServer({ enrollmentSecret: 'bundle-secret', adminToken: 'bundle-admin-token-0123456789abcdef0123' });
    const configDir = join(dir, 'loop');
    try {
      const agent = spawn(
        process.execPath,
        [...AGENT_NODE_FLAGS, bundle, '--server', server.url, '--enrollment-secret', 'bundle-secret', '--interval', '2', '--startup-delay', '0'],
        {
          cwd: dir,
          env: { PATH: process.env.PATH, LANET_AGENT_CONFIG_DIR: configDir },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let err = '';
      agent.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const accepted = () => err.split('\n').filter((l) => l.includes('"msg":"send accepted"')).length;
      const deadline = Date.now() + 45_000;
      while (accepted() < 3 && Date.now() < deadline && agent.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
      expect(accepted()).toBeGreaterThanOrEqual(3);
      expect(err).toContain('"msg":"registered"');
      expect(err).toContain('"msg":"agent stopped"');
      const identity = JSON.parse(readFileSync(join(configDir, 'identity.json'), 'utf8')) as { asset_id: string };
      const history = (await (
        await fetch(`${server.url}/api/agents/${identity.asset_id}/heartbeats`, {
          headers: { Authorization: 'Bearer bundle-admin-token-0123456789abcdef0123' },
        })
      ).json()) as { items: unknown[] };
      expect(history.items.length).toBe(accepted());
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('install-service --output-dir from the bundle: the service runs this file with the lean node flags', async () => {
    const out = join(dir, 'service');
    const { code } = await runBundle(
      ['install-service', '--server', 'https://lanet.example.com', '--enrollment-secret', 's', '--output-dir', out],
      join(dir, 'svc'),
    );
    expect(code).toBe(0);
    const xml = readFileSync(join(out, 'lanet-agent.xml'), 'utf8');
    expect(xml).toContain(
      '<argument>--max-semi-space-size=1</argument>\n  <argument>--lite-mode</argument>\n  <argument>--no-expose-wasm</argument>\n  <argument>--expose-gc</argument>\n  <argument>C:\\Program Files\\LANET\\lanet-agent.mjs</argument>\n  <argument>--config-dir</argument>',
    );
    expect(xml).not.toContain('<argument>agent</argument>');
    // Lite mode's WebAssembly warning would be the first line of every service log: the flags keep stderr to JSON.
    const { stderr } = await runBundle(['--once', '--dry-run'], join(dir, 'svc'));
    expect(stderr.split('\n')[0]).toMatch(/^\{/);
  }, 60_000);

  it('a usage error exits 2 with the reason', async () => {
    const { code, stderr } = await runBundle(['--dry-run'], join(dir, 'usage'));
    expect(code).toBe(2);
    expect(stderr).toContain('--dry-run needs --once');
  }, 60_000);
});
