import { randomBytes } from 'node:crypto';
import { seedHeartbeat, type HeartbeatRequest, type RegisterResponse } from '@lanet/contracts';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET } from './test-server.js';

/** A response read whole: status, headers and the parsed body (undefined when empty or not JSON). */
export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Sends one request with fetch and reads the answer. */
export async function call(url: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<Reply> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(url, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A random hardware fingerprint (the contract wants 16+ characters). */
export function fingerprint(): string {
  return `sha256:${randomBytes(16).toString('hex')}`;
}

/** Registers a machine with the test enrollment secret and returns its identity (REG-1). */
export async function enroll(base: string, fp = fingerprint(), hostname = 'host-' + fp.slice(-6)): Promise<RegisterResponse> {
  const r = await call(`${base}/api/agents/register`, { method: 'POST', token: TEST_ENROLLMENT_SECRET, json: { hardware_fingerprint: fp, hostname } });
  if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${r.text}`);
  return r.body as RegisterResponse;
}

/** The seed heartbeat for an asset, with a unique timestamp unless one is given. */
let counter = 0;
export function heartbeatFor(assetId: string, timestamp?: string): HeartbeatRequest {
  const hb = seedHeartbeat();
  hb.asset_id = assetId;
  hb.timestamp = timestamp ?? new Date(Date.now() + counter++).toISOString();
  return hb;
}

/** Posts a heartbeat with an agent token. */
export function postHeartbeat(base: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(`${base}/api/agents/heartbeat`, { method: 'POST', token, json: body, headers });
}

/** GET with the admin token. */
export function adminGet(base: string, path: string): Promise<Reply> {
  return call(`${base}${path}`, { token: TEST_ADMIN_TOKEN });
}
