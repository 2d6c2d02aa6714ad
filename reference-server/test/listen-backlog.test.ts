import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../start-server.js';
import { startTestServer, type TestServer } from './test-server.js';

describe('D10: the listen backlog holds a fleet connecting at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('listens with a backlog of LISTEN_BACKLOG, as far as net.core.somaxconn allows (ss shows it as Send-Q)', () => {
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const line = execFileSync('ss', ['-ltnH', `sport = :${server.port}`], { encoding: 'utf8' }).trim();
    const sendQ = Number(line.split(/\s+/)[2]);
    console.log(`D10: listen backlog ${sendQ} (asked ${LISTEN_BACKLOG}, somaxconn ${somaxconn}; node's default is 511)`);
    expect(sendQ).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    if (somaxconn > 511) expect(sendQ).toBeGreaterThan(511); // more than node's default wherever the kernel allows it
  });
});
