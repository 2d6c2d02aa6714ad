import { z } from 'zod';
import { matchRoute, ProblemSchema, transportResponses, validateMessage, type RouteResponse } from '@lanet/contracts';

/** The contract a response must meet: a named schema for its JSON body, or no body contract. */
export interface ResponseContract {
  name: string;
  schema?: z.ZodType;
}

/** The contract of one response of the route table: its JSON schema by its registered name, problem+json, or none. */
function contractOf(response: RouteResponse | undefined): ResponseContract | undefined {
  if (response === undefined || 'text' in response) return undefined;
  if ('problem' in response) return { name: 'Problem', schema: ProblemSchema };
  const id = z.globalRegistry.get(response.json)?.id;
  return { name: typeof id === 'string' ? id : 'response body', schema: response.json };
}

/** Picks the contract for a response from the route table (contracts/routes.ts): the operation's answer for that status. */
export function contractFor(method: string, path: string, status: number): ResponseContract | undefined {
  if (method === 'HEAD' || method === 'OPTIONS') return undefined;
  const match = matchRoute(method, path.split('?')[0]!);
  const route = match && 'route' in match ? match.route : undefined;
  const declared = route?.responses[status] ?? transportResponses[status];
  if (declared) return contractOf(declared);
  // GEN-1: every error response is an RFC 9457 problem, declared or not.
  if (status >= 400) return { name: 'Problem', schema: ProblemSchema };
  // A 2xx the operation does not declare is still held to the body of the 2xx it does declare.
  const success = route && Object.entries(route.responses).find(([s]) => Number(s) >= 200 && Number(s) < 300)?.[1];
  return status >= 200 && status < 300 ? contractOf(success) : undefined;
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
