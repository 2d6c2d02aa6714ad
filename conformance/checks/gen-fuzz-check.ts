import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { seedHeartbeat } from '@lanet/contracts';
import type { RequestSpec } from '../http/conformance-http.js';
import { outcomeOf, type Check, type CheckContext, type Finding } from './check-types.js';
import { findingFor } from './expect.js';

/** A small seeded PRNG (mulberry32) so a fuzz run replays exactly from `--seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRANGE_VALUES: unknown[] = [
  null,
  true,
  -1,
  1e308,
  -0,
  'x'.repeat(5000),
  '\u0000',
  '\ud83d\ude00',
  [],
  {},
  [[[[[]]]]],
  { a: { b: { c: null } } },
  '💥'.repeat(300),
  12345678901234567890,
];

/** Replaces the value at a random path of the seed heartbeat with a strange value (type confusion; keys stay). */
function typeConfusion(random: () => number, assetId: string): string {
  const hb = seedHeartbeat() as unknown as Record<string, unknown>;
  hb['asset_id'] = assetId;
  let node: Record<string, unknown> = hb;
  for (let depth = 0; depth < 4; depth++) {
    const keys = Object.keys(node);
    const key = keys[Math.floor(random() * keys.length)]!;
    const child = node[key];
    if (child !== null && typeof child === 'object' && random() < 0.6) {
      node = child as Record<string, unknown>;
      continue;
    }
    node[key] = STRANGE_VALUES[Math.floor(random() * STRANGE_VALUES.length)];
    break;
  }
  return JSON.stringify(hb);
}

function randomBytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** The malformed inputs: fixed hard cases, then seeded random bytes and type confusion. */
function fuzzInputs(
  ctx: CheckContext,
  random: () => number,
  assetId: string,
  token: string | undefined,
  count: number,
): Array<{ label: string; spec: RequestSpec }> {
  type Input = { label: string; spec: RequestSpec };
  const json = { 'content-type': 'application/json' };
  const hb = (body: string | Buffer, label: string, headers: Record<string, string> = json): Input => ({
    label,
    spec: { method: 'POST', path: '/api/agents/heartbeat', body, headers, bearer: token },
  });
  const inputs: Input[] = [
    hb(
      Buffer.concat([Buffer.from(`{"asset_id":"${assetId}","heartbeat_type":"full","timestamp":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      'invalid UTF-8 inside a string',
    ),
    hb(`{"asset_id":"${assetId}\u0000","heartbeat_type":"full"}`, 'a NUL character in the asset id'),
    hb('['.repeat(100_000), '100,000 nested arrays'),
    hb('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), '20,000 nested objects'),
    hb(
      `{"asset_id":"${assetId}","heartbeat_type":"full","timestamp":"2025-08-04T12:51:08","status":{"cpu_usage":1${'0'.repeat(50_000)},"memory_usage":1,"disk_usage":1,"status":"online"}}`,
      'a 50,000-digit number',
    ),
    hb(
      `{"asset_id":"${assetId}","heartbeat_type":"full","timestamp":"2025-08-04T12:51:08","hardware_inventory":{"system":{"hostname":"\\ud800","platform":"p","processor":"","architecture":"64bit"}}}`,
      'a lone surrogate escape',
    ),
    hb(`\ufeff${JSON.stringify({ ...seedHeartbeat(), asset_id: assetId })}`, 'a byte-order mark before the JSON'),
    hb(`{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`, '20,000 keys'),
    hb(
      `{"asset_id":"${assetId}","asset_id":"${randomUUID()}","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}`,
      'duplicate keys and prototype keys',
    ),
    hb('{}', 'valid JSON with a UTF-16 charset', { 'content-type': 'application/json; charset=utf-16' }),
    hb('not gzip at all', 'a corrupt gzip body', { ...json, 'content-encoding': 'gzip' }),
    hb(gzipSync('{"a":1}').subarray(0, 10), 'a truncated gzip body', { ...json, 'content-encoding': 'gzip' }),
    hb('{}', 'an unknown Content-Encoding', { ...json, 'content-encoding': 'br, x-unknown' }),
    hb('{}', 'a malformed Content-Type', { 'content-type': 'application/json; ; ;=' }),
    { label: 'an 8 KB bearer token', spec: { method: 'POST', path: '/api/agents/heartbeat', body: '{}', headers: json, bearer: 'A'.repeat(8_000) } },
    { label: 'a Basic credential', spec: { method: 'POST', path: '/api/agents/heartbeat', body: '{}', headers: { ...json, authorization: 'Basic Og==' } } },
    {
      label: 'an empty Bearer credential',
      spec: { method: 'POST', path: '/api/agents/heartbeat', body: '{}', headers: { ...json, authorization: 'Bearer ' } },
    },
    { label: 'OPTIONS on the heartbeat path', spec: { method: 'OPTIONS', path: '/api/agents/heartbeat' } },
    { label: 'PATCH on the heartbeat path', spec: { method: 'PATCH', path: '/api/agents/heartbeat', body: '{}', headers: json } },
  ];
  // Fleet and escrow paths only when those profiles are claimed: a probe never leaves the claimed profiles.
  const admin = ctx.settings.adminToken;
  const paths = [
    ...(ctx.settings.profiles.has('fleet')
      ? [
          '/api/agents/%ZZ',
          '/api/agents/not-a-uuid',
          `/api/agents/${assetId}/heartbeats?limit=-1`,
          `/api/agents/${assetId}/heartbeats?limit=abc&cursor=%00%ff`,
          `/api/agents/${assetId}/heartbeats?limit=99999999999999999999`,
          `/api/agents/${assetId}/heartbeats?cursor=${'z'.repeat(4000)}`,
          '/api/agents?status=%ZZ&limit=-5',
          '/api/agents?limit=0&cursor=%00&q=%ff%fe',
        ]
      : []),
    ...(ctx.settings.profiles.has('escrow') ? [`/api/agents/${'9'.repeat(300)}/recovery-keys`] : []),
  ];
  for (const path of paths) {
    // Judged here for 5xx only; the shape of a 200 from the fleet list is FLT-1's (one bug, one red requirement).
    inputs.push({
      label: `GET ${path.slice(0, 80)}`,
      spec: { method: 'GET', path, bearer: admin, ...(path.startsWith('/api/agents?') ? { contractOwner: 'FLT-1' } : {}) },
    });
  }
  if (ctx.agents.authenticated) {
    inputs.push({
      label: 'a registration with a 1 MB hostname',
      spec: {
        method: 'POST',
        path: '/api/agents/register',
        json: { hardware_fingerprint: 'f'.repeat(64), hostname: 'h'.repeat(1_000_000) },
        bearer: ctx.settings.enrollmentSecret,
      },
    });
    inputs.push({
      label: 'a registration whose fingerprint is an object',
      spec: { method: 'POST', path: '/api/agents/register', json: { hardware_fingerprint: { $gt: '' }, hostname: 'x' }, bearer: ctx.settings.enrollmentSecret },
    });
  }
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) inputs.push(hb(randomBytes(random, 1 + Math.floor(random() * 2048)), `random bytes #${i}`));
    else inputs.push(hb(typeConfusion(random, assetId), `type confusion #${i}`));
  }
  return inputs;
}

/** GEN-6: malformed input never gets a 5xx, and the server keeps serving. */
export const genFuzzCheck: Check = {
  id: 'GEN-6',
  name: 'malformed-input',
  level: 'MUST',
  profile: 'core',
  description: 'malformed bodies, headers and paths (seeded fuzz) never get a 5xx; the server keeps serving',
  run: async (ctx) => {
    const agent = await ctx.agents.fresh('gen6');
    const random = seededRandom(ctx.settings.seed ^ 0x6e6);
    const inputs = fuzzInputs(ctx, random, agent.assetId, agent.token, Math.max(10, Math.ceil(ctx.settings.maxExamples / 10)));
    const findings: Finding[] = [];
    for (const { label, spec } of inputs) {
      const ex = await ctx.http.send(spec);
      if (ex.status >= 500 || ex.status === 0) {
        findings.push({
          ...findingFor(ex, `${label}: got ${ex.status || 'no answer'}`, 'a 4xx problem (never a 5xx, never a dropped connection)'),
          seed: ctx.settings.seed,
        });
      }
    }
    const health = await ctx.http.send({ method: 'GET', path: '/healthz' });
    if (health.status !== 200) findings.push(findingFor(health, 'after the fuzz the server no longer answers GET /healthz with 200', 'HTTP 200'));
    return outcomeOf(findings, `${inputs.length} malformed requests, no 5xx, still serving`);
  },
};
