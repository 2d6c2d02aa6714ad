import type { z } from 'zod';
import {
  AgentDetailSchema,
  FleetListSchema,
  HealthSchema,
  HeartbeatHistoryPageSchema,
  HeartbeatResponseSchema,
  ProblemSchema,
  ReadinessSchema,
  RecoveryKeysResponseSchema,
  RegisterResponseSchema,
  validateMessage,
} from '@lanet/contracts';

/** The contract a response must meet: a named schema for its JSON body, or no body contract. */
export interface ResponseContract {
  name: string;
  schema?: z.ZodType;
}

const UUID_SEGMENT = '[^/]+';
const routes: ReadonlyArray<{ method: string; pattern: RegExp; ok: ResponseContract }> = [
  { method: 'POST', pattern: /^\/api\/agents\/register$/, ok: { name: 'RegisterResponse', schema: RegisterResponseSchema } },
  { method: 'POST', pattern: /^\/api\/agents\/heartbeat$/, ok: { name: 'HeartbeatResponse', schema: HeartbeatResponseSchema } },
  { method: 'GET', pattern: /^\/api\/agents$/, ok: { name: 'FleetList', schema: FleetListSchema } },
  { method: 'GET', pattern: new RegExp(`^/api/agents/${UUID_SEGMENT}/heartbeats$`), ok: { name: 'HeartbeatHistoryPage', schema: HeartbeatHistoryPageSchema } },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/agents/${UUID_SEGMENT}/recovery-keys$`),
    ok: { name: 'RecoveryKeysResponse', schema: RecoveryKeysResponseSchema },
  },
  { method: 'GET', pattern: new RegExp(`^/api/agents/${UUID_SEGMENT}$`), ok: { name: 'AgentDetail', schema: AgentDetailSchema } },
  { method: 'GET', pattern: /^\/healthz$/, ok: { name: 'Health', schema: HealthSchema } },
  { method: 'GET', pattern: /^\/readyz$/, ok: { name: 'Readiness', schema: ReadinessSchema } },
];

/** Picks the contract for a response from the request's method and path and the response status (spec/openapi.yaml). */
export function contractFor(method: string, path: string, status: number): ResponseContract | undefined {
  const pathname = path.split('?')[0]!;
  if (method === 'HEAD' || method === 'OPTIONS') return undefined;
  // /readyz answers 503 with a Readiness body, not a problem (spec: readyz 503).
  if (pathname === '/readyz' && status === 503) return { name: 'Readiness', schema: ReadinessSchema };
  // GEN-1: every error response is an RFC 9457 problem.
  if (status >= 400) return { name: 'Problem', schema: ProblemSchema };
  if (status < 200 || status >= 300) return undefined;
  const route = routes.find((r) => r.method === method && r.pattern.test(pathname));
  return route?.ok;
}

/** Checks a response body against its contract; returns one line per violation (empty when it conforms). */
export function checkResponseContract(method: string, path: string, status: number, bodyText: string): string[] {
  const contract = contractFor(method, path, status);
  if (!contract?.schema) return [];
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return [
      `${method} ${path} -> ${status}: the body is not JSON, the contract expects a ${contract.name} (${bodyText.length === 0 ? 'empty body' : JSON.stringify(bodyText.slice(0, 120))})`,
    ];
  }
  const result = validateMessage(contract.schema, json);
  if (result.ok) return [];
  return result.errors.slice(0, 10).map((e) => `${method} ${path} -> ${status}: the ${contract.name} body breaks the contract at '${e.path}': ${e.message}`);
}
