import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAgentConformance } from './run-agent-conformance.js';

const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('lanet conformance agent against the reference agent', () => {
  it('the reference agent at a 4 s interval passes AG-1..AG-7 through outage, 503, 400, 401 and a slow answer', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'lanet-agent-conf-'));
    let agent: ChildProcess | undefined;
    try {
      const run = await runAgentConformance({
        host: '127.0.0.1', port: 0, intervalS: 4, failOn: 'should', timeoutS: 120, out: sink(), err: sink(),
        onListening: (url, secret) => {
          agent = spawn(process.execPath, [LANET, 'agent', '--server', url, '--enrollment-secret', secret, '--interval', '4', '--startup-delay', '0', '--config-dir', configDir, '--log-level', 'silent'], { stdio: 'ignore' });
        },
      });
      const notPassed = run.results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.detail}`);
      expect(notPassed).toEqual([]);
      expect(run.exitCode).toBe(0);
    } finally {
      agent?.kill('SIGTERM');
      rmSync(configDir, { recursive: true, force: true });
    }
  }, 150_000);

  it('exits 2 when no agent comes', async () => {
    const run = await runAgentConformance({ host: '127.0.0.1', port: 0, intervalS: 1, failOn: 'must', timeoutS: 1, out: sink(), err: sink() });
    expect(run.exitCode).toBe(2);
  });
});
