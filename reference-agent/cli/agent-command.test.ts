import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLanetHandlers } from '@lanet/contracts/msw';
import { HeartbeatRequestSchema, validateMessage } from '@lanet/contracts';
import { run } from './agent-command.js';

const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const BASE = 'http://lanet-cli.test';
const lanet = createLanetHandlers({ baseUrl: BASE, enrollmentSecret: 'cli-secret' });
const mock = setupServer(...lanet.handlers);
let dir: string;
const saved = process.env.LANET_AGENT_CONFIG_DIR;
beforeAll(() => mock.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => mock.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanet-agent-cli-'));
  process.env.LANET_AGENT_CONFIG_DIR = dir;
  lanet.reset();
});
afterEach(() => {
  if (saved === undefined) delete process.env.LANET_AGENT_CONFIG_DIR;
  else process.env.LANET_AGENT_CONFIG_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('lanet agent (smoke: the real CLI)', () => {
  it('--once --dry-run prints only a contract-valid payload of this machine on stdout; logs go to stderr', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [LANET, 'agent', '--once', '--dry-run'],
        { env: { ...process.env, LANET_AGENT_CONFIG_DIR: dir }, timeout: 60_000 },
        (_e, out, err) => resolve({ code: child.exitCode, stdout: out, stderr: err }),
      );
    });
    expect(code).toBe(0);
    const verdict = validateMessage(HeartbeatRequestSchema, JSON.parse(stdout));
    expect(verdict.ok).toBe(true);
    const hb = verdict.ok ? verdict.value : undefined;
    expect(hb?.hardware_inventory?.system?.hostname).toBe(os.hostname());
    expect(hb?.hardware_inventory?.memory?.total_gb).toBeCloseTo(os.totalmem() / 1024 ** 3, 0);
    expect(hb?.hardware_inventory?.disks?.length).toBeGreaterThan(0);
    expect(hb?.collection_errors?.map((e) => e.collector)).toContain('bitlocker');
    expect(stderr).toContain('dry run: payload validated against the contract, not sent');
    expect(stderr).toMatch(/"bytes_gzip":\d+/);
  }, 60_000);
});

describe('run() in-process', () => {
  it('--once registers and sends one heartbeat (exit 0); a rejected one exits 1', async () => {
    expect(await run({ once: true, server: BASE, enrollmentSecret: 'cli-secret', logLevel: 'silent' })).toBe(0);
    expect(lanet.requests.map((r) => [r.path, r.valid])).toEqual([
      ['/api/agents/register', true],
      ['/api/agents/heartbeat', true],
    ]);
    lanet.fail({ status: 400 });
    expect(await run({ once: true, server: BASE, enrollmentSecret: 'cli-secret', logLevel: 'silent' })).toBe(1);
    expect(lanet.requests.filter((r) => r.path === '/api/agents/register')).toHaveLength(1); // the identity was kept
  }, 30_000);

  it('usage problems exit 2: --dry-run without --once, no server, a bad setting', async () => {
    expect(await run({ dryRun: true, logLevel: 'silent' })).toBe(2);
    expect(await run({ once: true, logLevel: 'silent' })).toBe(2);
    expect(await run({ once: true, server: 'not a url', logLevel: 'silent' })).toBe(2);
  });
});

describe('developmentPolicy', () => {
  it('the --interval override compresses the whole retry policy and ignores HB-11 steering', async () => {
    const { developmentPolicy } = await import('./agent-command.js');
    expect(developmentPolicy(5)).toEqual({ intervalS: 5, ignoreServerInterval: true, retryDelayS: 1, retryJitterS: 0.25, backoffBaseS: 1, backoffCapS: 30 });
  });
});

describe('lanet agent install-service (command routing)', () => {
  it("options after the subcommand reach it, not the agent's own --server; files land in --output-dir", async () => {
    const { createCommand } = await import('./agent-command.js');
    const { readFileSync } = await import('node:fs');
    const out = join(dir, 'service');
    await createCommand().parseAsync(['install-service', '--server', 'https://lanet.example.com', '--enrollment-secret', 's3', '--output-dir', out], {
      from: 'user',
    });
    expect(process.exitCode ?? 0).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8'))).toEqual({ server: 'https://lanet.example.com', enrollment_secret: 's3' });
    expect(readFileSync(join(out, 'lanet-agent.xml'), 'utf8')).toContain('<argument>C:\\ProgramData\\LANET\\agent</argument>');
  });
});
