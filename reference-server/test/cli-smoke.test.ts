import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HeartbeatResponseSchema, seedHeartbeat } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { newTestSchema } from './postgres-schema.js';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET } from './test-server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('lanet server through its public CLI', () => {
  it('cli/spawn-reference-server.ts starts it on SQLite and on a PostgreSQL ?schema=, and SIGTERM stops it cleanly', async () => {
    const schema = newTestSchema();
    try {
      for (const database of [undefined, schema.url]) {
        const server = await spawnReferenceServer({
          enrollmentSecret: TEST_ENROLLMENT_SECRET,
          adminToken: TEST_ADMIN_TOKEN,
          offlineAfterS: 0.5,
          database,
          env: { LANET_ESCROW_KEY: 'cd'.repeat(32) },
        });
        const agent = await enroll(server.url);
        expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
        await new Promise((r) => setTimeout(r, 700));
        const fleet = await call(`${server.url}/api/agents`, { token: TEST_ADMIN_TOKEN });
        expect(fleet.body.agents[0].status).toBe('offline'); // --offline-after 0.5 took effect
        const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
        await server.stop();
        expect(await exited).toBe(0);
      }
    } finally {
      await schema.drop();
    }
  });

  it('refuses bad flags with exit 2 and a message saying what to change', async () => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(REPO, 'bin/lanet.js'), 'server', '--port', '0', '--heartbeat-interval', '5', '--database', ':memory:'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--heartbeat-interval must be an integer 60\.\.3600/);
  });

  it('`npm start` on a fresh clone serves the dashboard and accepts the seed payload from an enrolled agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-clone-'));
    const clone = join(dir, 'kit');
    try {
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${REPO}`, clone]);
      // No network here: the clone uses this checkout's installed packages, as `npm ci` would have produced.
      symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
      // Nothing configured: no LANET_* but the port (8080 may be taken on a shared machine).
      const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LANET_')));
      env.LANET_PORT = '0';
      const child = spawn('npm', ['start', '--silent'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no 'listening on' line; stderr:\n${stderr}`)), 30_000);
        child.stdout.on('data', (d) => {
          stdout += String(d);
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      try {
        expect(stdout.trim().split('\n')).toEqual([`listening on ${url}`]);
        // D7: the generated secrets are in a 0600 file that stderr names, never on stderr itself.
        const file = /are in (\S+) \(mode 0600/.exec(stderr)?.[1];
        expect(file, stderr).toBeTruthy();
        const path = join(clone, file!);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const text = readFileSync(path, 'utf8');
        const secret = /^LANET_ENROLLMENT_SECRET=(\S+)$/m.exec(text)?.[1];
        const admin = /^LANET_ADMIN_TOKEN=(\S+)$/m.exec(text)?.[1];
        expect(secret && admin, text).toBeTruthy();
        expect(stderr).not.toContain(secret!);
        expect(stderr).not.toContain(admin!);
        expect(statSync(join(clone, 'data')).mode & 0o777).toBe(0o700); // D8
        expect(statSync(join(clone, 'data', 'lanet.db')).mode & 0o777).toBe(0o600);
        const page = await call(`${url}/`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('LANET fleet');
        const reg = await call(`${url}/api/agents/register`, {
          method: 'POST',
          token: secret,
          json: { hardware_fingerprint: 'sha256:fresh-clone-machine-0001', hostname: 'computer-name' },
        });
        expect(reg.status).toBe(201);
        const hb = seedHeartbeat();
        hb.asset_id = reg.body.asset_id;
        const r = await postHeartbeat(url, reg.body.agent_token, hb);
        expect(r.status).toBe(200);
        HeartbeatResponseSchema.parse(r.body);
        const fleet = await call(`${url}/api/agents`, { token: admin });
        expect(fleet.body.agents.map((a: { status: string }) => a.status)).toEqual(['online']);
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
