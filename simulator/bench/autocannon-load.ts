import autocannon from 'autocannon';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { heartbeatHeaders, idempotencyKey } from '@lanet/reference-agent/wire/heartbeat-wire';

/** An enrolled identity the autocannon load posts as. */
export interface EnrolledAgent {
  assetId: string;
  token: string;
}

/** Figures of one autocannon run. */
export interface AutocannonFigures {
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  okPerS: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The benchmark's yardstick: autocannon posting the same seed-sized heartbeat (~6.7 KB) the simulator sends, with a
 * unique (asset_id, timestamp) per request so none is an HB-7 retry, at `connections` for `durationS`. Loopback only.
 * It sends the agent's headers (wire policy, uncompressed like the simulator's saturation rounds), Idempotency-Key
 * included: without it the server skipped the heartbeats_idem insert for autocannon's requests only, so the two load
 * generators were measured against different work per request.
 */
export async function autocannonLoad(url: string, agents: readonly EnrolledAgent[], connections: number, durationS: number): Promise<AutocannonFigures> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`Refusing to load ${url}: the benchmark targets loopback only.`);
  const template = JSON.stringify({ ...seedSizedHeartbeat(), asset_id: '@@ID@@', timestamp: '@@TS@@' });
  const [head, rest] = template.split('"@@ID@@"') as [string, string];
  const [middle, tail] = rest.split('"@@TS@@"') as [string, string];
  let seq = 0;
  const result = await autocannon({
    url: `${url}/api/agents/heartbeat`,
    connections,
    duration: durationS,
    timeout: 15,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const n = seq++;
          const agent = agents[n % agents.length]!;
          // Like the simulator: the agent's clock now, so the server records no skew (HB-8) and every body is new.
          const timestamp = `${new Date(Date.now()).toISOString().slice(0, -1)}${String(n % 1000).padStart(3, '0')}Z`;
          req.headers = heartbeatHeaders(agent.token, idempotencyKey(agent.assetId, timestamp), { gzip: false });
          req.body = `${head}"${agent.assetId}"${middle}"${timestamp}"${tail}`;
          return req;
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    okPerS: Math.round(ok / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
