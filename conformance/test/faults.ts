import { gunzipSync } from 'node:zlib';
import { HeartbeatRequestSchema, validateMessage } from '@lanet/contracts';
import { jsonResponse, problem, type FaultHooks, type ProxiedRequest, type ProxiedResponse } from './fault-proxy.js';

/** What a fault may know about the backend behind the proxy. */
export interface FaultEnv {
  offlineAfterS: number;
  enrollmentSecret: string;
  adminToken: string;
}

/** One deliberately faulty backend: it breaks exactly `breaks` and nothing else. */
export interface Fault {
  name: string;
  breaks: string;
  level: 'MUST' | 'SHOULD';
  /** When set, the whole run against this backend must end within this many seconds (a slow target is judged fast). */
  maxRunS?: number;
  make: (env: FaultEnv) => FaultHooks;
}

const isHeartbeat = (r: ProxiedRequest) => r.method === 'POST' && r.path === '/api/agents/heartbeat';
const isRegister = (r: ProxiedRequest) => r.method === 'POST' && r.path === '/api/agents/register';
const isFleetRead = (r: ProxiedRequest) => r.method === 'GET' && r.path.startsWith('/api/agents');
const isJson = (r: ProxiedRequest) => (r.headers['content-type'] ?? '').split(';')[0]!.trim() === 'application/json' && !r.headers['content-encoding'];
const bearer = (r: ProxiedRequest) => /^Bearer (.+)$/.exec(r.headers['authorization'] ?? '')?.[1];
const obj = (v: unknown): Record<string, any> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
const parse = (b: Buffer): any => {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
};
const setJson = (r: ProxiedRequest, value: unknown) => {
  r.json = value;
  r.body = Buffer.from(JSON.stringify(value));
};
const withBody = (res: ProxiedResponse, value: unknown): ProxiedResponse => ({ ...res, body: Buffer.from(JSON.stringify(value)) });
const okAnswer = () => jsonResponse(200, { status: 'ok', received_at: new Date().toISOString(), next_heartbeat_in_s: 300 });

/** Tokens the backend issued, learned from register answers: asset -> tokens (latest last), token -> asset. */
class TokenBook {
  readonly byAsset = new Map<string, string[]>();
  readonly assetOf = new Map<string, string>();
  learn(req: ProxiedRequest, res: ProxiedResponse): ProxiedResponse {
    if (isRegister(req) && res.status < 300) {
      const r = parse(res.body);
      if (r?.asset_id && r?.agent_token) {
        this.byAsset.set(r.asset_id, [...(this.byAsset.get(r.asset_id) ?? []), r.agent_token]);
        this.assetOf.set(r.agent_token, r.asset_id);
      }
    }
    return res;
  }
  latest(asset: string): string | undefined {
    return this.byAsset.get(asset)?.at(-1);
  }
}

/** Applies `edit` to every fleet agent object in a fleet answer (list entries, detail). */
function editFleetAgents(res: ProxiedResponse, edit: (agent: Record<string, any>) => void): ProxiedResponse {
  const body = parse(res.body);
  if (!obj(body) || res.status !== 200) return res;
  if (Array.isArray(body.agents)) body.agents.forEach(edit);
  else if ('status' in body && 'asset_id' in body) edit(body);
  if (Array.isArray(body.items))
    body.items.forEach((i: any) => {
      if ('partial' in i) edit(i);
    });
  return withBody(res, body);
}

function stripKeys(v: unknown, drop: (k: string) => boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => stripKeys(x, drop));
  const o = obj(v);
  if (o)
    return Object.fromEntries(
      Object.entries(o)
        .filter(([k]) => !drop(k))
        .map(([k, x]) => [k, stripKeys(x, drop)]),
    );
  return v;
}

/** The faulty backends the suite must catch, each named by the one requirement it breaks. */
export const faults: Fault[] = [
  {
    name: 'accepts cpu_usage 150',
    breaks: 'HB-3',
    level: 'MUST',
    make: () => ({
      request: (r) => {
        const s = obj(obj(r.json)?.status);
        if (isHeartbeat(r) && s && typeof s.cpu_usage === 'number' && s.cpu_usage > 100) {
          s.cpu_usage = 100;
          setJson(r, r.json);
        }
        return undefined;
      },
    }),
  },
  {
    name: '500 on a missing top-level field',
    breaks: 'HB-3',
    level: 'MUST',
    make: () => ({
      request: (r) => {
        const b = obj(r.json);
        if (isHeartbeat(r) && b && ('status' in b || 'hardware_inventory' in b) && !('asset_id' in b && 'heartbeat_type' in b && 'timestamp' in b))
          return problem(500, 'Internal error', 'Cannot read properties of undefined');
        return undefined;
      },
    }),
  },
  {
    name: 'wrong pointer syntax in errors (dots, no slash)',
    breaks: 'HB-3',
    level: 'MUST',
    make: () => ({
      response: (_, res) => {
        const b = parse(res.body);
        if (res.status === 400 && Array.isArray(b?.errors)) {
          b.errors = b.errors.map((e: any) => ({ ...e, path: String(e.path).slice(1).replaceAll('/', '.') }));
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'no 413: oversized bodies get 400',
    breaks: 'GEN-4',
    level: 'MUST',
    make: () => ({ oversize: () => problem(400, 'Bad request', 'The body could not be read.') }),
  },
  {
    name: 'ignores the token',
    breaks: 'AUTH-1',
    level: 'MUST',
    make: () => {
      const book = new TokenBook();
      return {
        request: (r) => {
          const asset = obj(r.json)?.asset_id;
          const t = bearer(r);
          if (isHeartbeat(r) && typeof asset === 'string' && (!t || !book.assetOf.has(t)) && book.latest(asset))
            r.headers['authorization'] = `Bearer ${book.latest(asset)}`;
          return undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
  {
    name: 'stores a retry twice',
    breaks: 'HB-7',
    level: 'MUST',
    make: () => {
      const seen = new Set<string>();
      let bump = 0;
      return {
        request: (r) => {
          const b = obj(r.json);
          if (!isHeartbeat(r) || !b || typeof b.timestamp !== 'string') return undefined;
          const key = `${b.asset_id} ${b.timestamp}`;
          if (seen.has(key) && !Number.isNaN(Date.parse(b.timestamp))) {
            b.timestamp = new Date(Date.parse(b.timestamp) + ++bump).toISOString();
            delete r.headers['idempotency-key'];
            setJson(r, b);
          }
          seen.add(key);
          return undefined;
        },
      };
    },
  },
  {
    name: 'drops the 8th heartbeat of an agent while answering 200',
    breaks: 'FLT-4',
    level: 'MUST',
    make: () => {
      const book = new TokenBook();
      const count = new Map<string, number>();
      return {
        request: (r) => {
          const b = obj(r.json);
          if (!isHeartbeat(r) || !isJson(r) || !b || bearer(r) !== book.latest(String(b.asset_id)) || !validateMessage(HeartbeatRequestSchema, b).ok)
            return undefined;
          const n = (count.get(b.asset_id) ?? 0) + 1;
          count.set(b.asset_id, n);
          return n === 8 ? okAnswer() : undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
  {
    name: 'flips to offline within the jitter (threshold S/2)',
    breaks: 'FLT-2',
    level: 'MUST',
    make: (env) => ({
      response: (req, res) =>
        isFleetRead(req)
          ? editFleetAgents(res, (a) => {
              if (a.status === 'online' && a.last_seen_at && Date.now() - Date.parse(a.last_seen_at) > env.offlineAfterS * 500) a.status = 'offline';
            })
          : res,
    }),
  },
  {
    name: 'echoes the recovery key in the agent detail',
    breaks: 'ESC-1',
    level: 'MUST',
    make: () => {
      const keys = new Map<string, string>();
      return {
        request: (r) => {
          const b = obj(r.json);
          const k = b?.hardware_inventory?.bitlocker?.volumes?.[0]?.recovery_key;
          if (isHeartbeat(r) && typeof k === 'string') keys.set(b!.asset_id, k);
          return undefined;
        },
        response: (req, res) => {
          const b = parse(res.body);
          const vol = b?.latest_heartbeat?.hardware_inventory?.bitlocker?.volumes?.[0];
          if (req.method === 'GET' && vol && keys.has(b.asset_id)) {
            vol.recovery_key = keys.get(b.asset_id);
            return withBody(res, b);
          }
          return res;
        },
      };
    },
  },
  {
    name: 'answers the fleet list in 20 s',
    breaks: 'GEN-8',
    level: 'MUST',
    make: () => {
      let done = false;
      return {
        response: async (req, res) => {
          if (req.method === 'GET' && req.path === '/api/agents' && res.status === 200 && !done) {
            done = true;
            await new Promise((r) => setTimeout(r, 20_000));
          }
          return res;
        },
      };
    },
  },
  {
    name: 'answers every request after 20 s',
    breaks: 'GEN-8',
    level: 'MUST',
    maxRunS: 90,
    make: () => ({
      request: async () => {
        await new Promise((r) => setTimeout(r, 20_000));
        return undefined;
      },
    }),
  },
  {
    name: 'leaks a recovery key spelled with escapes or duplicated',
    breaks: 'ESC-1',
    level: 'MUST',
    make: () => {
      const leaks = new Map<string, string>();
      return {
        // A store that keeps the raw text: a key the JSON parser never saw as "recovery_key" (escaped, or the first of duplicates) survives redaction.
        request: (r) => {
          if (!isHeartbeat(r)) return undefined;
          const text = r.body.toString('utf8');
          const found = [...text.matchAll(/"(recovery_key|recovery\\u005fkey|\\u0072\\u0065covery_key)"\s*:\s*"([^"]*)"/g)];
          const odd = found.length > 1 || found.some((m) => m[1] !== 'recovery_key') || (text.match(/"bitlocker"\s*:/g)?.length ?? 0) > 1;
          const asset = obj(r.json)?.asset_id;
          if (odd && found[0] && typeof asset === 'string') leaks.set(asset, found[0][2]!);
          return undefined;
        },
        response: (req, res) => {
          const b = parse(res.body);
          const vol = b?.latest_heartbeat?.hardware_inventory?.bitlocker?.volumes?.[0];
          if (req.method === 'GET' && vol && leaks.has(b.asset_id)) {
            vol.recovery_key = leaks.get(b.asset_id);
            return withBody(res, b);
          }
          return res;
        },
      };
    },
  },
  {
    name: '500 on U+0000 in a string (as PostgreSQL jsonb)',
    breaks: 'GEN-6',
    level: 'MUST',
    make: () => ({
      request: (r) => (isHeartbeat(r) && r.body.includes('\\u0000') ? problem(500, 'Internal error', 'unsupported Unicode escape sequence') : undefined),
    }),
  },
  {
    name: '500 on a history page over 2 MiB',
    breaks: 'GEN-6',
    level: 'MUST',
    make: () => ({
      response: (req, res) =>
        req.method === 'GET' && req.path.includes('/heartbeats') && res.body.length > 2 * 1024 * 1024 ? problem(500, 'Internal error', 'out of memory') : res,
    }),
  },
  {
    name: 'names the parent of a missing member',
    breaks: 'HB-3',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (!isHeartbeat(req) || res.status !== 400 || !Array.isArray(b?.errors)) return res;
        const has = (ptr: string) =>
          ptr
            .split('/')
            .slice(1)
            .reduce<any>((node, k) => (node !== null && typeof node === 'object' && k in node ? node[k] : undefined), req.json) !== undefined;
        b.errors = b.errors.map((e: any) =>
          typeof e.path === 'string' && e.path !== '' && !has(e.path) ? { ...e, path: e.path.slice(0, e.path.lastIndexOf('/')) } : e,
        );
        return withBody(res, b);
      },
    }),
  },
  {
    name: 'fleet list omits offline_after_s',
    breaks: 'FLT-1',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (req.method === 'GET' && req.path.split('?')[0] === '/api/agents' && res.status === 200 && obj(b)) {
          delete b.offline_after_s;
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'fleet list ignores limit, cursor, status and q',
    breaks: 'FLT-5',
    level: 'SHOULD',
    make: () => ({
      request: (r) => {
        if (r.method === 'GET' && r.path.startsWith('/api/agents?')) r.path = '/api/agents';
        return undefined;
      },
    }),
  },
  { name: 'reads a refused upload to its end', breaks: 'GEN-8', level: 'MUST', make: () => ({ drainRefusedUploads: true }) },
  {
    name: 'never throttles a flooding agent',
    breaks: 'HB-10',
    level: 'SHOULD',
    make: () => {
      const recent = new Map<string, number[]>();
      const flooding = new Set<string>();
      return {
        // Once an agent sent more than 20 heartbeats within a second, answers all its valid heartbeats itself: the backend's per-agent limit never shows.
        request: (r) => {
          if (!isHeartbeat(r)) return undefined;
          const a = String(obj(r.json)?.asset_id);
          const now = Date.now();
          const times = (recent.get(a) ?? []).filter((t) => now - t < 1_000);
          times.push(now);
          recent.set(a, times);
          if (times.length > 20) flooding.add(a);
          return flooding.has(a) && validateMessage(HeartbeatRequestSchema, r.json).ok ? okAnswer() : undefined;
        },
      };
    },
  },
  { name: 'never cuts off slow clients', breaks: 'GEN-8', level: 'MUST', make: () => ({ noSlowClientCutoff: true }) },
  {
    name: '415 missing: any Content-Type is read as JSON',
    breaks: 'GEN-3',
    level: 'MUST',
    make: () => ({
      request: (r) => {
        const t = (r.headers['content-type'] ?? '').split(';')[0]!.trim();
        if (r.method === 'POST' && t !== '' && !t.endsWith('json')) {
          r.headers['content-type'] = 'application/json';
        }
        return undefined;
      },
    }),
  },
  {
    name: 'no Allow header on 405',
    breaks: 'GEN-7',
    level: 'SHOULD',
    make: () => ({
      response: (_, res) => {
        if (res.status === 405) {
          const h = { ...res.headers };
          delete h['allow'];
          return { ...res, headers: h };
        }
        return res;
      },
    }),
  },
  {
    name: 'errors sent as application/json, not problem+json',
    breaks: 'GEN-1',
    level: 'MUST',
    make: () => ({
      response: (_, res) =>
        res.status >= 400 && res.headers['content-type']?.includes('problem+json')
          ? { ...res, headers: { ...res.headers, 'content-type': 'application/json; charset=utf-8' } }
          : res,
    }),
  },
  {
    name: 'old token still works after re-register',
    breaks: 'REG-3',
    level: 'MUST',
    make: () => {
      const book = new TokenBook();
      return {
        request: (r) => {
          const t = bearer(r);
          const asset = t && book.assetOf.get(t);
          if (isHeartbeat(r) && asset && book.latest(asset) !== t) r.headers['authorization'] = `Bearer ${book.latest(asset)}`;
          return undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
  {
    name: 'accepts a JSON array body',
    breaks: 'GEN-2',
    level: 'MUST',
    make: () => ({
      request: (r) => (isHeartbeat(r) && isJson(r) && Array.isArray(r.json) ? okAnswer() : undefined),
    }),
  },
  {
    name: '500 on invalid UTF-8',
    breaks: 'GEN-6',
    level: 'MUST',
    make: () => ({
      request: (r) => {
        if (r.method !== 'POST' || r.headers['content-encoding']) return undefined;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(r.body);
        } catch {
          return problem(500, 'Internal error', 'decode failed');
        }
        return undefined;
      },
    }),
  },
  {
    name: "accepts a token for another asset's heartbeat",
    breaks: 'AUTH-2',
    level: 'MUST',
    make: () => {
      const book = new TokenBook();
      return {
        request: (r) => {
          const asset = obj(r.json)?.asset_id;
          const t = bearer(r);
          const owner = t && book.assetOf.get(t);
          if (isHeartbeat(r) && owner && typeof asset === 'string' && owner !== asset && book.latest(asset))
            r.headers['authorization'] = `Bearer ${book.latest(asset)}`;
          return undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
  {
    name: 'fleet endpoints accept agent tokens',
    breaks: 'AUTH-3',
    level: 'MUST',
    make: (env) => {
      const book = new TokenBook();
      return {
        request: (r) => {
          const t = bearer(r);
          if (isFleetRead(r) && t && book.assetOf.has(t)) r.headers['authorization'] = `Bearer ${env.adminToken}`;
          return undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
  {
    name: 'registers with any enrollment secret',
    breaks: 'REG-2',
    level: 'MUST',
    make: (env) => ({
      request: (r) => {
        if (isRegister(r)) r.headers['authorization'] = `Bearer ${env.enrollmentSecret}`;
        return undefined;
      },
    }),
  },
  {
    name: 'register answers 200, not 201',
    breaks: 'REG-1',
    level: 'MUST',
    make: () => ({
      response: (req, res) => (isRegister(req) && res.status === 201 ? { ...res, status: 200 } : res),
    }),
  },
  {
    name: 'heartbeat answers 202, not 200',
    breaks: 'HB-1',
    level: 'MUST',
    make: () => ({
      response: (req, res) => (isHeartbeat(req) && res.status === 200 ? { ...res, status: 202 } : res),
    }),
  },
  {
    name: 'partial heartbeats not flagged partial',
    breaks: 'HB-4',
    level: 'MUST',
    make: () => ({
      response: (req, res) =>
        isFleetRead(req)
          ? editFleetAgents(res, (a) => {
              if (a.partial === true) a.partial = false;
            })
          : res,
    }),
  },
  {
    name: 'read-back drops unknown fields',
    breaks: 'FLT-3',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (req.method === 'GET' && res.status === 200 && obj(b?.latest_heartbeat)) {
          b.latest_heartbeat = stripKeys(b.latest_heartbeat, (k) => k.startsWith('x_'));
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'clock skew not recorded',
    breaks: 'HB-8',
    level: 'MUST',
    make: () => ({
      response: (req, res) =>
        isFleetRead(req)
          ? editFleetAgents(res, (a) => {
              if (typeof a.clock_skew_s === 'number') a.clock_skew_s = 0;
              delete a.clock_skew_flagged;
            })
          : res,
    }),
  },
  {
    name: 'naive timestamps read as local time (UTC+2)',
    breaks: 'HB-6',
    level: 'MUST',
    make: () => {
      const naive = new Set<string>();
      return {
        request: (r) => {
          const b = obj(r.json);
          if (isHeartbeat(r) && b && typeof b.timestamp === 'string') {
            if (/T[\d:.]+$/.test(b.timestamp)) naive.add(b.asset_id);
            else naive.delete(b.asset_id);
          }
          return undefined;
        },
        response: (req, res) =>
          isFleetRead(req)
            ? editFleetAgents(res, (a) => {
                if (naive.has(a.asset_id) && typeof a.clock_skew_s === 'number') a.clock_skew_s += 7200;
              })
            : res,
      };
    },
  },
  {
    name: 'reads right after the 200 miss the heartbeat (commit after answering)',
    breaks: 'HB-9',
    level: 'MUST',
    make: () => {
      const pending = new Set<string>();
      const previous = new Map<string, unknown>();
      return {
        // The first detail read after each 200 still shows the state before it: the commit lags the answer.
        response: (req, res) => {
          const b = obj(req.json);
          if (isHeartbeat(req) && res.status === 200 && b) pending.add(b.asset_id);
          const body = parse(res.body);
          if (req.method === 'GET' && res.status === 200 && obj(body) && 'latest_heartbeat' in body) {
            const lagging = pending.delete(body.asset_id);
            const shown = lagging ? (previous.get(body.asset_id) ?? null) : body.latest_heartbeat;
            if (!lagging) previous.set(body.asset_id, body.latest_heartbeat);
            return withBody(res, { ...body, latest_heartbeat: shown });
          }
          return res;
        },
      };
    },
  },
  {
    name: 'recovery-key reads not audited per key',
    breaks: 'ESC-2',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (req.path.endsWith('/recovery-keys') && res.status === 200 && b?.audit) {
          b.audit.key_ids = [];
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'leaks the token in 401 bodies',
    breaks: 'AUTH-4',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        const t = bearer(req);
        if (res.status === 401 && b && t && t.length <= 256) {
          b.detail = `${b.detail} (got token ${t})`;
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'fleet list omits never-seen agents',
    breaks: 'FLT-1',
    level: 'MUST',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (req.path === '/api/agents' && res.status === 200 && Array.isArray(b?.agents)) {
          b.agents = b.agents.filter((a: any) => a.status !== 'never_seen');
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: 'gzip bodies refused',
    breaks: 'GEN-5',
    level: 'SHOULD',
    make: () => ({
      request: (r) =>
        r.headers['content-encoding']?.includes('gzip') &&
        (() => {
          try {
            gunzipSync(r.body);
            return true;
          } catch {
            return false;
          }
        })()
          ? problem(415, 'Unsupported encoding', 'gzip is not supported')
          : undefined,
    }),
  },
  {
    name: 'escrow_required never sent',
    breaks: 'ESC-3',
    level: 'SHOULD',
    make: () => ({
      response: (req, res) => {
        const b = parse(res.body);
        if (isHeartbeat(req) && res.status === 200 && b && 'escrow_required' in b) {
          delete b.escrow_required;
          return withBody(res, b);
        }
        return res;
      },
    }),
  },
  {
    name: '429 without Retry-After for a flooding agent',
    breaks: 'HB-10',
    level: 'SHOULD',
    make: () => {
      const inflight = new Map<string, number>();
      return {
        request: (r) => {
          if (!isHeartbeat(r)) return undefined;
          const a = String(obj(r.json)?.asset_id);
          const n = (inflight.get(a) ?? 0) + 1;
          inflight.set(a, n);
          return n > 20 ? problem(429, 'Too many requests', 'slow down') : undefined;
        },
        response: (req, res) => {
          if (isHeartbeat(req)) {
            const a = String(obj(req.json)?.asset_id);
            inflight.set(a, (inflight.get(a) ?? 1) - 1);
          }
          return res;
        },
      };
    },
  },
  {
    name: 'legacy mode silently on: anonymous heartbeats of unknown assets accepted',
    breaks: 'AUTH-5',
    level: 'SHOULD',
    make: () => {
      const book = new TokenBook();
      return {
        request: (r) => {
          const asset = obj(r.json)?.asset_id;
          return isHeartbeat(r) &&
            isJson(r) &&
            !r.headers['authorization'] &&
            typeof asset === 'string' &&
            !book.byAsset.has(asset) &&
            validateMessage(HeartbeatRequestSchema, r.json).ok
            ? okAnswer()
            : undefined;
        },
        response: (req, res) => book.learn(req, res),
      };
    },
  },
];
