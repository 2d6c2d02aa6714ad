import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seedHeartbeat, type HeartbeatRequest } from '@lanet/contracts';
import { sendHeartbeat } from '../transport/http-transport.js';

const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lanet-agent-mock-'));
const children: ChildProcess[] = [];

/** Starts `lanet <args>` and collects its output; resolves once `ready` matches stdout or stderr. */
function lanet(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [LANET, ...args], { env: { ...process.env, LANET_AGENT_CONFIG_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { child, out: () => out, err: () => err };
}

/** Waits (bounded) until `test` holds. */
async function until(test: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('the reference agent against `lanet mock` (no flag beyond the server and a secret)', () => {
  it('AG-1, HB-1, HB-3: 3 cycles at --interval 10 all accepted (gzip, tokens, Idempotency-Key); an injected invalid payload gets errors naming its pointer', async () => {
    const mock = lanet(['mock', '--port', '0', '--enrollment-secret', 'dev-secret']);
    await until(() => /listening on (http:\/\/\S+)/.test(mock.out()), 'the mock to listen', 30_000);
    const url = /listening on (http:\/\/\S+)/.exec(mock.out())![1]!;
    const agent = lanet(['agent', '--server', url, '--enrollment-secret', 'dev-secret', '--interval', '10', '--startup-delay', '0']);
    const accepted = () =>
      agent
        .err()
        .split('\n')
        .filter((l) => l.includes('"msg":"send accepted"')).length;
    await until(() => accepted() >= 1, 'the first accepted heartbeat', 40_000);

    // Inject one invalid payload on the agent's own wire (gzip, its token, an Idempotency-Key): hostname deleted.
    const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as { asset_id: string; agent_token: string };
    const broken = { ...seedHeartbeat(), asset_id: identity.asset_id, timestamp: new Date().toISOString() } as HeartbeatRequest;
    delete (broken.hardware_inventory!.system as { hostname?: string }).hostname;
    const rejected = await sendHeartbeat(url, identity.agent_token, broken);
    expect(rejected.status).toBe(400);
    expect(rejected.detail).toContain('/hardware_inventory/system/hostname: required');

    await until(() => accepted() >= 3, 'three accepted heartbeats', 40_000);
    agent.child.kill('SIGTERM');
    await until(() => agent.child.exitCode !== null, 'the agent to stop', 10_000);

    // The mock's log: one line per request. Every agent request was accepted; the one 400 was the injected payload.
    const answers = mock
      .err()
      .split('\n')
      .filter((l) => / POST \/api\/agents\//.test(l));
    process.stderr.write(`[lanet mock log]\n${mock.err()}`);
    expect(answers.filter((l) => l.includes('/register gzip -> 201'))).toHaveLength(1);
    expect(answers.filter((l) => l.includes('/heartbeat gzip idempotency-key -> 200')).length).toBeGreaterThanOrEqual(3);
    expect(answers.filter((l) => !/-> (200|201)$/.test(l))).toEqual([expect.stringContaining('/heartbeat gzip idempotency-key -> 400')]);
    expect(mock.err()).toContain('    /hardware_inventory/system/hostname: required: must be a string of 1 to 255 characters');
    // The agent's sends are due on the 10 s grid (AG-1): whole multiples of 10 s apart (a slot that passed during the
    // cold start-up and registration is skipped, never shifted).
    const dueAt = agent
      .err()
      .split('\n')
      .filter((l) => l.includes('"msg":"send accepted"'))
      .map((l) => Date.parse(JSON.parse(l).due_at as string));
    process.stderr.write(`[agent sends] due_at ${dueAt.map((t) => new Date(t).toISOString()).join(', ')}\n`);
    for (let k = 1; k < dueAt.length; k += 1) {
      const gap = dueAt[k]! - dueAt[k - 1]!;
      expect(gap).toBeGreaterThanOrEqual(10_000);
      expect(Math.abs(gap - Math.round(gap / 10_000) * 10_000)).toBeLessThanOrEqual(1);
    }
  }, 90_000);
});
