import { gzipSync } from 'node:zlib';
import { limits, protocol, seedHeartbeat, type HeartbeatRequest } from '@lanet/contracts';
import { paddedHeartbeat } from './spelling-checks.js';
import { uploadScript } from '../http/huge-upload.js';
import { streamBody } from '../http/raw-socket.js';
import { outcomeOf, type Check, type Finding } from './check-types.js';
import { expectStatus } from './expect.js';
import type { TestAgent } from './agent-fixtures.js';

/** GEN-4: the smallest limit a server may have; a body this size must never get 413. */
const MIN_LIMIT = protocol.bodyLimitMinBytes;
/** GEN-4: the largest limit a server may have; a body past this must get 413. */
const MAX_LIMIT = protocol.bodyLimitMaxBytes;

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

/** Why a GEN-4 body-limit probe usually fails, named in the report next to its replay script. */
const GEN4_CAUSE =
  'the server reads (buffers) the body before checking its size: a streaming server counts bytes as they arrive and answers 413 at its limit (256 KiB..4 MiB); after the 413 it must keep draining the body or close cleanly, or the client loses the answer (ECONNRESET)';

function oversizeFinding(
  what: string,
  head: string,
  r: { status: number; head: string; bytesSent: number; elapsedMs: number; error?: string },
): Finding | undefined {
  if (r.status === 413) return undefined;
  return {
    message: `${what}: expected 413 before the whole body was read, got ${r.status || 'no answer'} after ${r.bytesSent} bytes and ${Math.round(r.elapsedMs)} ms${r.error ? ` (${r.error})` : ''}`,
    received: r.head || r.error || '(nothing)',
    expected: 'HTTP 413 problem+json, sent without reading the whole body (the limit is at most 4 MiB)',
    transport: { script: uploadScript(head, what, [413], false), likelyCause: GEN4_CAUSE },
  };
}

/** GEN-4 and GEN-5: the body limit, streamed and gzip-inflated. */
export const genBodyLimitChecks: Check[] = [
  {
    id: 'GEN-4',
    name: 'body-limit',
    level: 'MUST',
    profile: 'core',
    description: 'bodies past the limit (declared, chunked) get 413 without being buffered whole; 256 KiB is accepted',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen4');
      const findings: Finding[] = [];
      // A valid ~254 KiB heartbeat: below every allowed limit, so it must be accepted.
      const big = nearMinLimitHeartbeat(agent.assetId, new Date().toISOString());
      const ok = await ctx.agents.post(agent, big);
      const f = expectStatus(ok, [200, 201, 202, 204], `a valid ${JSON.stringify(big).length}-byte heartbeat (the limit is at least 256 KiB)`);
      if (f)
        findings.push({
          ...f,
          sent: {
            ...f.sent!,
            body: `<${JSON.stringify(big).length}-byte heartbeat: ${big.software_inventory?.installed_programs?.length} programs with 200-character names>`,
          },
        });
      // Both edges of the allowed range: exactly 256 KiB must be accepted, one byte over 4 MiB must get 413.
      const edge = paddedHeartbeat(ctx.agents.heartbeat(agent), MIN_LIMIT);
      const atMin = await ctx.agents.post(agent, edge);
      const fe = expectStatus(atMin, [200, 201, 202, 204], `a valid heartbeat of exactly ${MIN_LIMIT} bytes (256 KiB: every limit allows it)`);
      if (fe) findings.push(fe);
      const over = await ctx.agents.post(agent, paddedHeartbeat(ctx.agents.heartbeat(agent), MAX_LIMIT + 1));
      const fo = expectStatus(over, [413], `a valid heartbeat of ${MAX_LIMIT + 1} bytes (4 MiB + 1: past every limit)`);
      if (fo) findings.push(fo);
      // Declared 64 MiB, only part sent: a streaming server answers 413 at once.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const declaredHead = requestHead(ctx.http.baseUrl, agent, `Content-Length: ${64 * 1024 * 1024}\r\n`);
      const declared = await streamBody(ctx.http.baseUrl, declaredHead, chunk, MAX_LIMIT + 2 * 1024 * 1024, 10_000);
      const f2 = oversizeFinding('a body declaring Content-Length 64 MiB', declaredHead, declared);
      if (f2) findings.push(f2);
      // Chunked with no length: the server must count as it reads.
      const frame = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
      const chunkedHead = requestHead(ctx.http.baseUrl, agent, 'Transfer-Encoding: chunked\r\n');
      const chunked = await streamBody(ctx.http.baseUrl, chunkedHead, frame, MAX_LIMIT + 4 * 1024 * 1024, 10_000);
      const f3 = oversizeFinding('a chunked body of 8 MiB', `${chunkedHead}4000000\r\n`, chunked);
      if (f3) findings.push(f3);
      return outcomeOf(
        findings,
        `254 KiB and exactly 256 KiB accepted; 4 MiB + 1 -> 413; 64 MiB declared -> 413 after ${declared.bytesSent} bytes; chunked -> 413 after ${chunked.bytesSent} bytes`,
      );
    },
  },
  {
    id: 'GEN-5',
    name: 'gzip',
    level: 'SHOULD',
    profile: 'core',
    description: 'a gzip request body is accepted; a gzip bomb (inflating past the limit) gets 413',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen5');
      const findings: Finding[] = [];
      const hb = ctx.agents.heartbeat(agent);
      const ex = await ctx.http.send({
        method: 'POST',
        path: '/api/agents/heartbeat',
        body: gzipSync(JSON.stringify(hb)),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        bearer: agent.token,
      });
      const f = expectStatus(ex, [200, 201, 202, 204], 'a gzip-compressed valid heartbeat');
      if (f) findings.push({ ...f, sent: { ...f.sent!, body: JSON.stringify(hb) } });
      const bomb = gzipSync(`{"asset_id":"${agent.assetId}","padding":"${' '.repeat(MAX_LIMIT * 4)}"}`);
      const ex2 = await ctx.http.send({
        method: 'POST',
        path: '/api/agents/heartbeat',
        body: bomb,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        bearer: agent.token,
      });
      const f2 = expectStatus(ex2, [413], `a ${bomb.length}-byte gzip body inflating to 16 MiB`);
      if (f2) findings.push({ ...f2, sent: { ...f2.sent!, body: '<gzip of {"asset_id":..., "padding": 16 MiB of spaces}>' } });
      return outcomeOf(findings, `gzip accepted; a ${bomb.length}-byte gzip bomb got 413`);
    },
  },
];
