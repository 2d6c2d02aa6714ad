import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { makeProblem, ProblemSchema } from '../problem.js';
import { problemSlugsFor, problemTypes } from '../problems.js';
import { requirement, requirementIdsOf } from '../requirements/requirements.js';
import { fallbackResponses, routes, transportResponses, type Credential, type HeaderName, type Route, type RouteResponse } from '../routes.js';
import { seedHeartbeat } from '../seed-example.js';
import { securitySchemes } from './security.js';

/** Version of protocol v1's spec document; bump the minor for additions, the major for breaking changes. */
export const SPEC_VERSION = '1.1.0';

const PROBLEM = 'application/problem+json';

const headerDocs: Record<HeaderName, { description: string; schema: { type: 'integer' | 'string'; minimum?: number } }> = {
  'Retry-After': { description: 'Seconds to wait before retrying; the agent honours it as a minimum (AG-3).', schema: { type: 'integer', minimum: 1 } },
  Allow: { description: 'The methods the path has (GEN-7).', schema: { type: 'string' } },
  'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750).', schema: { type: 'string' } },
};

/** An example problem body of a status: a spec-driven mock such as Prism answers each error with its own example (GEN-1). */
function exampleProblem(status: number, description: string): unknown {
  if (status === 400) {
    return makeProblem(400, 'validation', problemTypes.validation.title, '1 field failed validation: /status/cpu_usage.', [
      { path: '/status/cpu_usage', message: 'must be a number from 0 to 100 (got 150)' },
    ]);
  }
  const slug = problemSlugsFor(status)[0] ?? 'internal';
  return makeProblem(status, slug, problemTypes[slug].title, description);
}

/** One response of the table as OpenAPI. */
function responseConfig(status: number, r: RouteResponse): ResponseConfig {
  const headers = 'headers' in r && r.headers ? Object.fromEntries(r.headers.map((h) => [h, headerDocs[h]])) : undefined;
  if ('json' in r) return { description: r.description, headers, content: { 'application/json': { schema: r.json } } };
  if ('text' in r) return { description: r.description, content: { 'text/plain': { schema: z.string() } } };
  const types = problemSlugsFor(status)
    .map((slug) => `\`${slug}\``)
    .join(', ');
  const description = types ? `${r.description} Problem types: ${types}.` : r.description;
  return { description, headers, content: { [PROBLEM]: { schema: ProblemSchema, example: exampleProblem(status, r.description) } } };
}

/** Security requirement objects for the accepted credentials (`none` is the empty object: anonymous allowed). */
function securityOf(credentials: readonly Credential[]): RouteConfig['security'] {
  return credentials.filter((c) => c !== 'none' || credentials.length > 1).map((c) => (c === 'none' ? {} : { [c]: [] }));
}

/** The operation of one route, its requirement IDs (from the catalogue) listed in its description and in x-requirements. */
function routeConfig(r: Route): RouteConfig {
  const ids = requirementIdsOf(r.operationId);
  const responses = {
    ...Object.fromEntries(Object.entries(r.responses).map(([status, resp]) => [status, responseConfig(Number(status), resp)])),
    ...Object.fromEntries(Object.keys(transportResponses).map((status) => [status, { $ref: `#/components/responses/Status${status}` }])),
  };
  const body = r.request.body
    ? {
        required: true,
        content: { 'application/json': { schema: r.request.body, ...(r.operationId === 'postHeartbeat' ? { example: seedHeartbeat() } : {}) } },
      }
    : undefined;
  return {
    method: r.method,
    path: r.path,
    operationId: r.operationId,
    tags: [r.tag],
    summary: r.summary,
    description: `${r.description}\n\nRequirements: ${ids.map((id) => `${id} (${requirement(id).level})`).join(', ')}.`,
    security: securityOf(r.security),
    request: { body, params: r.request.params, query: r.request.query, headers: r.request.headers },
    responses,
    'x-requirements': ids,
  } as RouteConfig;
}

/**
 * zod-to-openapi writes z.guid() as `format: uuid`, which common validators (ajv-formats) read more loosely than zod (urn:uuid: forms): say exactly the pattern
 * zod enforces. Rewrites the document in place; the compatibility check applies it to released specs too.
 */
export function exactUuids(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(exactUuids);
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (obj['format'] === 'uuid') {
    delete obj['format'];
    obj['pattern'] = z.regexes.guid.source;
  }
  Object.values(obj).forEach(exactUuids);
}

/** Builds the OpenAPI 3.1 document of protocol v1 from the route table and the contracts. */
export function buildSpec(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(securitySchemes)) registry.registerComponent('securitySchemes', name, { ...scheme });
  for (const [status, resp] of Object.entries({ ...fallbackResponses, ...transportResponses })) {
    const headers = 'headers' in resp && resp.headers ? Object.fromEntries(resp.headers.map((h) => [h, headerDocs[h]])) : undefined;
    const content = { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' }, example: exampleProblem(Number(status), resp.description) } };
    registry.registerComponent('responses', `Status${status}`, { description: resp.description, headers, content });
  }
  for (const r of routes) registry.registerPath(routeConfig(r));
  const generator = new OpenApiGeneratorV31(registry.definitions);
  const doc = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'LANET Heartbeat Protocol',
      version: SPEC_VERSION,
      description: [
        'LANET heartbeat protocol v1, generated from the Zod contracts and the route table in contracts/.',
        'The normative text is spec/protocol.md: every requirement ID (HB-3, AUTH-1, ...) with its level, reason and check.',
        'Profiles: core (GEN, HB), auth (REG, AUTH), fleet (FLT), escrow (ESC).',
        'Every operation may also answer 408 and 431 (components/responses); any other path answers 404 and a known path with another method 405 with Allow (GEN-7).',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The reference server (`lanet server`).' }],
    tags: [
      { name: 'agents', description: 'Enrollment and heartbeats (profiles core, auth).' },
      { name: 'fleet', description: 'Fleet view and read-back (profile fleet).' },
      { name: 'escrow', description: 'Recovery key escrow (profile escrow).' },
      { name: 'operations', description: 'Health and metrics.' },
    ],
  });
  exactUuids(doc);
  return doc as unknown as Record<string, unknown>;
}
