import { ProblemSchema, validateMessage } from '@lanet/contracts';
import { contractFor } from '../http/response-contract.js';
import type { Exchange } from '../http/conformance-http.js';
import { outcomeOf, SkipCheck, type Check, type CheckContext, type Finding } from './check-types.js';
import { expectStatus, findingFor } from './expect.js';

/** GEN-1: the media type and problem shape of one response; undefined when it conforms. */
export function mediaTypeFinding(ex: Exchange): Finding | undefined {
  if (ex.status === 0 || ex.sent.method === 'HEAD') return undefined;
  const type = (ex.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (ex.status >= 400 && !(ex.sent.path === '/readyz' && ex.status === 503)) {
    if (type !== 'application/problem+json')
      return findingFor(ex, `error ${ex.status} has Content-Type '${type || 'none'}'`, 'Content-Type: application/problem+json (RFC 9457)');
    const problem = validateMessage(ProblemSchema, ex.json);
    if (problem.ok && problem.value.status !== ex.status)
      return findingFor(ex, `problem.status ${problem.value.status} differs from the HTTP status ${ex.status}`, `"status": ${ex.status}`);
    return undefined;
  }
  const contract = contractFor(ex.sent.method, ex.sent.path, ex.status);
  if (ex.status >= 200 && ex.status < 300 && contract?.schema && type !== 'application/json') {
    return findingFor(ex, `${contract.name} answer has Content-Type '${type || 'none'}'`, 'Content-Type: application/json');
  }
  return undefined;
}

/** Sends a few requests that must fail and one that must succeed, as a JSON client. */
async function gen1Probes(ctx: CheckContext): Promise<Exchange[]> {
  const agent = await ctx.agents.fresh('gen1');
  return [
    await ctx.agents.post(agent, ctx.agents.heartbeat(agent)),
    await ctx.http.send({
      method: 'POST',
      path: '/api/agents/heartbeat',
      body: '{"asset_id":',
      headers: { 'content-type': 'application/json' },
      bearer: agent.token,
    }),
    await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', body: '{}', headers: { 'content-type': 'text/plain' }, bearer: agent.token }),
    await ctx.http.send({ method: 'GET', path: '/healthz' }),
    await ctx.http.send({ method: 'GET', path: '/api/conformance-unknown-path' }),
  ];
}

const BODIES_NOT_OBJECTS: ReadonlyArray<readonly [string, string]> = [
  ['truncated JSON', '{"asset_id": "3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d", "heartbeat_type": '],
  ['JSON with a trailing comma', '{"asset_id": "x",}'],
  ['single-quoted pseudo-JSON', "{'asset_id': 'x'}"],
  ['an empty body', ''],
  ['an array', '[]'],
  ['an array of objects', '[{"asset_id":"3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d"}]'],
  ['a string', '"heartbeat"'],
  ['a number', '42'],
  ['null', 'null'],
  ['true', 'true'],
];

/** GEN checks that need no slow clients or big bodies: media types, non-object bodies, 415, 404/405. */
export const genChecks: Check[] = [
  {
    id: 'GEN-1',
    name: 'probes',
    level: 'MUST',
    profile: 'core',
    description: 'JSON answers are application/json; errors are application/problem+json with type, title, status, detail',
    run: async (ctx) => {
      const findings = (await gen1Probes(ctx)).map(mediaTypeFinding).filter((f): f is Finding => f !== undefined);
      return outcomeOf(findings, 'answers and errors carry the right media types and problem fields');
    },
  },
  {
    id: 'GEN-1',
    name: 'all-responses',
    level: 'MUST',
    profile: 'core',
    phase: 'after',
    description: 'every response of the whole run has the right media type (problem+json for errors)',
    run: async (ctx) => {
      const answered = ctx.allExchanges().filter((ex) => ex.status !== 0);
      if (answered.length === 0) throw new SkipCheck('no response arrived in this run: nothing to check');
      const findings = answered.map(mediaTypeFinding).filter((f): f is Finding => f !== undefined);
      return outcomeOf(findings, `${answered.length} responses checked`);
    },
  },
  {
    id: 'GEN-2',
    name: 'not-an-object',
    level: 'MUST',
    profile: 'core',
    description: 'malformed JSON, arrays, strings, numbers and null as a body get 400',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen2');
      const findings: Finding[] = [];
      for (const [label, body] of BODIES_NOT_OBJECTS) {
        const ex = await ctx.http.send({
          method: 'POST',
          path: '/api/agents/heartbeat',
          body,
          headers: { 'content-type': 'application/json' },
          bearer: agent.token,
        });
        const f = expectStatus(ex, [400], `heartbeat body that is ${label}`);
        if (f) findings.push(f);
      }
      if (ctx.agents.authenticated) {
        for (const [label, body] of BODIES_NOT_OBJECTS.slice(0, 5)) {
          const ex = await ctx.http.send({
            method: 'POST',
            path: '/api/agents/register',
            body,
            headers: { 'content-type': 'application/json' },
            bearer: ctx.settings.enrollmentSecret,
          });
          const f = expectStatus(ex, [400], `register body that is ${label}`);
          if (f) findings.push(f);
        }
      }
      return outcomeOf(findings, `${BODIES_NOT_OBJECTS.length} non-object bodies got 400`);
    },
  },
  {
    id: 'GEN-3',
    name: 'media-type',
    level: 'MUST',
    profile: 'core',
    description: 'a non-JSON Content-Type gets 415; application/json with a charset is accepted',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('gen3');
      const findings: Finding[] = [];
      const body = JSON.stringify(ctx.agents.heartbeat(agent));
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
        const ex = await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', body, headers: { 'content-type': type }, bearer: agent.token });
        const f = expectStatus(ex, [415], `a valid heartbeat sent as ${type}`);
        if (f) findings.push(f);
      }
      if (ctx.agents.authenticated) {
        const ex = await ctx.http.send({
          method: 'POST',
          path: '/api/agents/register',
          body: '{}',
          headers: { 'content-type': 'text/plain' },
          bearer: ctx.settings.enrollmentSecret,
        });
        const f = expectStatus(ex, [415], 'a registration sent as text/plain');
        if (f) findings.push(f);
      }
      const ok = await ctx.http.send({
        method: 'POST',
        path: '/api/agents/heartbeat',
        body: JSON.stringify(ctx.agents.heartbeat(agent)),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        bearer: agent.token,
      });
      const f = expectStatus(ok, [200, 201, 202, 204], 'a valid heartbeat sent as application/json; charset=utf-8');
      if (f) findings.push(f);
      return outcomeOf(findings, 'non-JSON media types got 415, JSON with a charset was accepted');
    },
  },
  {
    id: 'GEN-7',
    name: 'not-found-and-method',
    level: 'SHOULD',
    profile: 'core',
    description: 'an unknown path gets 404; a known path with the wrong method gets 405 with Allow',
    run: async (ctx) => {
      const findings: Finding[] = [];
      for (const path of ['/api/conformance-unknown', '/api/agents/register/extra/segments', '/nope']) {
        const ex = await ctx.http.send({ method: 'GET', path });
        const f = expectStatus(ex, [404], `GET ${path}`);
        if (f) findings.push(f);
      }
      // Only paths of the claimed profiles: a core-only backend rightly answers 404 for the fleet list.
      const wrong: ReadonlyArray<readonly [string, string, string]> = [
        ['DELETE', '/api/agents/heartbeat', 'POST'],
        ['PUT', '/api/agents/heartbeat', 'POST'],
        ['POST', '/healthz', 'GET'],
        ...(ctx.settings.profiles.has('fleet') ? [['POST', '/api/agents', 'GET'] as const] : []),
      ];
      for (const [method, path, allow] of wrong) {
        const ex = await ctx.http.send({ method, path, ...(method === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
        const f = expectStatus(ex, [405], `${method} ${path}`);
        if (f) findings.push(f);
        else if (
          !(ex.headers['allow'] ?? '')
            .toUpperCase()
            .split(/[\s,]+/)
            .includes(allow)
        ) {
          findings.push(findingFor(ex, `405 for ${method} ${path} has Allow '${ex.headers['allow'] ?? '(missing)'}'`, `an Allow header listing ${allow}`));
        }
      }
      return outcomeOf(findings, 'unknown paths got 404, wrong methods 405 with Allow');
    },
  },
];
