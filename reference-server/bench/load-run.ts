import autocannon from 'autocannon';
import { seedSizedHeartbeat } from '@lanet/contracts';

/** One enrolled identity the load uses (the baseline ignores the token). */
export interface BenchAgent {
  assetId: string;
  token: string;
}

/** Figures of one load run. */
export interface LoadResult {
  label: string;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  okPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Posts seed-sized heartbeats (~6.7 KB, the guide's 50 programs) with autocannon at `connections` for `durationS`,
 * each with a unique (asset_id, timestamp) so none is a retry (HB-7). Loopback only, bounded in time.
 */
export async function runLoad(label: string, url: string, agents: readonly BenchAgent[], connections: number, durationS: number): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`Refusing to load ${url}: loopback targets only.`);
  const template = JSON.stringify({ ...seedSizedHeartbeat(), asset_id: '@@ID@@', timestamp: '@@TS@@' });
  const [head, rest] = template.split('"@@ID@@"') as [string, string];
  const [middle, tail] = rest.split('"@@TS@@"') as [string, string];
  const base = Date.UTC(2030, 0, 1) + Math.floor(Math.random() * 1e9) * 1000;
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
          req.headers = { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` };
          req.body = `${head}"${agent.assetId}"${middle}"${new Date(base + n).toISOString()}"${tail}`;
          return req;
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    label,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    okPerS: Math.round(ok / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}
