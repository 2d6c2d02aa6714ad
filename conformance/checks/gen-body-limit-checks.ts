import { gzipSync } from 'node:zlib';
import { limits, seedHeartbeat, type HeartbeatRequest } from '@lanet/contracts';
import { streamBody } from '../http/raw-socket.js';
import { outcomeOf, type Check, type Finding } from './check-types.js';
import { expectStatus } from './expect.js';
import type { TestAgent } from './agent-fixtures.js';

/** GEN-4: the smallest limit a server may have; a body this size must never get 413. */
const MIN_LIMIT = 256 * 1024;
/** GEN-4: the largest limit a server may have; a body past this must get 413. */
const MAX_LIMIT = 4 * 1024 * 1024;

/** A valid heartbeat whose JSON is just under 256 KiB: many long program names (within the contract's limits). */
export function nearMinLimitHeartbeat(assetId: string, timestamp: string): HeartbeatRequest {
  const hb = seedHeartbeat();
  hb.asset_id = assetId;
  hb.timestamp = timestamp;
  const programs: Array<{ name: string; version: string; publisher: string }> = [];
  const base = JSON.stringify(hb).length;
  let size = base;
  for (let i = 0; size < MIN_LIMIT - 2_000 && programs.length < limits.programsMax; i++) {
    const p = { name: `Conformance Padding Program ${i} `.padEnd(200, 'x'), version: `1.0.${i}`, publisher: 'LANET conformance suite' };
    programs.push(p);
    size += JSON.stringify(p).length + 1;
  }
  hb.software_inventory = { ...hb.software_inventory, installed_programs: programs };
  return hb;
}

function requestHead(baseUrl: string, agent: TestAgent, extra: string): string {
  const host = new URL(baseUrl).host;
  return `POST /api/agents/heartbeat HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${agent.token ? `Authorization: Bearer ${agent.token}\r\n` : ''}${extra}\r\n`;
}

function oversizeFinding(what: string, r: { status: number; head: string; bytesSent: number; elapsedMs: number; error?: string }): Finding | undefined {
  if (r.status === 413) return undefined;
  return {
    message: `${what}: expected 413 before the whole body was read, got ${r.status || 'no answer'} after ${r.bytesSent} bytes and ${Math.round(r.elapsedMs)} ms`,
    received: r.head || r.error || '(nothing)',
    expected: 'HTTP 413 problem+json, sent without reading the whole body (the limit is at most 4 MiB)',
  };
}

/** GEN-4 and GEN-5: the body limit, streamed and gzip-inflated. */
export const genBodyLimitChecks: Check[] = [
  {
    id: 'GEN-4', name: 'body-limit', level: 'MUST', profile: 'core',
    description: 'bodies past the limit (declared, chunked) get 413 without being buffered whole; 256 KiB is accepted',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen4');
      const findings: Finding[] = [];
      // A valid ~254 KiB heartbeat: below every allowed limit, so it must be accepted.
      const big = nearMinLimitHeartbeat(agent.assetId, new Date().toISOString());
      const ok = await ctx.agents.post(agent, big);
      const f = expectStatus(ok, [200, 201, 202, 204], `a valid ${JSON.stringify(big).length}-byte heartbeat (the limit is at least 256 KiB)`);
      if (f) findings.push({ ...f, sent: { ...f.sent!, body: `<${JSON.stringify(big).length}-byte heartbeat: ${big.software_inventory?.installed_programs?.length} programs with 200-character names>` } });
      // Declared 64 MiB, only part sent: a streaming server answers 413 at once.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const declared = await streamBody(ctx.http.baseUrl, requestHead(ctx.http.baseUrl, agent, `Content-Length: ${64 * 1024 * 1024}\r\n`), chunk, MAX_LIMIT + 2 * 1024 * 1024, 10_000);
      const f2 = oversizeFinding('a body declaring Content-Length 64 MiB', declared);
      if (f2) findings.push(f2);
      // Chunked with no length: the server must count as it reads.
      const frame = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
      const chunked = await streamBody(ctx.http.baseUrl, requestHead(ctx.http.baseUrl, agent, 'Transfer-Encoding: chunked\r\n'), frame, MAX_LIMIT + 4 * 1024 * 1024, 10_000);
      const f3 = oversizeFinding('a chunked body of 8 MiB', chunked);
      if (f3) findings.push(f3);
      return outcomeOf(findings, `254 KiB accepted; 64 MiB declared -> 413 after ${declared.bytesSent} bytes; chunked -> 413 after ${chunked.bytesSent} bytes`);
    },
  },
  {
    id: 'GEN-5', name: 'gzip', level: 'SHOULD', profile: 'core',
    description: 'a gzip request body is accepted; a gzip bomb (inflating past the limit) gets 413',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen5');
      const findings: Finding[] = [];
      const hb = ctx.agents.heartbeat(agent);
      const ex = await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', body: gzipSync(JSON.stringify(hb)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bearer: agent.token });
      const f = expectStatus(ex, [200, 201, 202, 204], 'a gzip-compressed valid heartbeat');
      if (f) findings.push({ ...f, sent: { ...f.sent!, body: JSON.stringify(hb) } });
      const bomb = gzipSync(`{"asset_id":"${agent.assetId}","padding":"${' '.repeat(MAX_LIMIT * 4)}"}`);
      const ex2 = await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', body: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bearer: agent.token });
      const f2 = expectStatus(ex2, [413], `a ${bomb.length}-byte gzip body inflating to 16 MiB`);
      if (f2) findings.push({ ...f2, sent: { ...f2.sent!, body: '<gzip of {"asset_id":..., "padding": 16 MiB of spaces}>' } });
      return outcomeOf(findings, `gzip accepted; a ${bomb.length}-byte gzip bomb got 413`);
    },
  },
];
