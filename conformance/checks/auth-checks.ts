import { randomBytes, randomUUID } from 'node:crypto';
import { limits } from '@lanet/contracts';
import { newFingerprint } from './agent-fixtures.js';
import { outcomeOf, pass, SkipCheck, type Check, type Finding } from './check-types.js';
import { expectStatus, findingFor, isSuccess } from './expect.js';

const OK = [200, 201, 202, 204];

/** A token-shaped string nobody issued. */
function forgedToken(): string {
  return randomBytes(32).toString('hex');
}

/** REG and AUTH checks: enrollment, agent tokens, fleet access, secrets in bodies, legacy mode. */
export const authChecks: Check[] = [
  {
    id: 'REG-1',
    name: 'register',
    level: 'MUST',
    profile: 'auth',
    description: 'register with the enrollment secret returns 201 { asset_id, agent_token, heartbeat_interval_s }',
    run: async (ctx) => {
      const reg = await ctx.agents.register({
        hardware_fingerprint: newFingerprint(),
        hostname: 'reg1-host',
        agent_version: '1.0.0',
        platform: 'Windows-10-10.0.26100',
      });
      const f = expectStatus(reg.exchange, [201], 'registration with the enrollment secret');
      if (f) return outcomeOf([f], '');
      if (!reg.token || reg.token.length < limits.tokenMin)
        return outcomeOf(
          [findingFor(reg.exchange, 'the 201 body is not a RegisterResponse', '{ asset_id, agent_token (32..256 chars), heartbeat_interval_s }')],
          '',
        );
      return pass(`201 with asset_id ${reg.assetId}`);
    },
  },
  {
    id: 'REG-2',
    name: 'bad-secret',
    level: 'MUST',
    profile: 'auth',
    description: 'a missing, wrong or differently-cased enrollment secret gets 401',
    run: async (ctx) => {
      const secret = ctx.settings.enrollmentSecret ?? '';
      const body = { hardware_fingerprint: newFingerprint(), hostname: 'reg2-host' };
      const findings: Finding[] = [];
      const cases: ReadonlyArray<readonly [string, Record<string, string>]> = [
        ['no Authorization header', {}],
        ['a wrong secret', { authorization: `Bearer ${forgedToken()}` }],
        ['the secret with its last character changed', { authorization: `Bearer ${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}` }],
        ['the secret upper-cased', { authorization: `Bearer ${secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase()}` }],
        ['the secret as Basic credentials', { authorization: `Basic ${Buffer.from(`agent:${secret}`).toString('base64')}` }],
      ];
      for (const [label, headers] of cases) {
        if (label.includes('cased') && secret.toUpperCase() === secret.toLowerCase()) continue;
        const ex = await ctx.http.send({ method: 'POST', path: '/api/agents/register', json: body, headers });
        const f = expectStatus(ex, [401], `registration with ${label}`);
        if (f) findings.push(f);
      }
      return outcomeOf(findings, 'missing and wrong enrollment secrets got 401');
    },
  },
  {
    id: 'REG-3',
    name: 're-register',
    level: 'MUST',
    profile: 'auth',
    description: 'registering the same fingerprint again returns the same asset_id and a new token; the old token stops working',
    run: async (ctx) => {
      const first = await ctx.agents.fresh('reg3');
      const again = await ctx.agents.register({ hardware_fingerprint: first.fingerprint, hostname: first.hostname });
      const findings: Finding[] = [];
      const f = expectStatus(again.exchange, [200, 201], 'registration of the same hardware_fingerprint again');
      if (f || !again.token) return outcomeOf([f ?? findingFor(again.exchange, 'no token in the answer', 'a RegisterResponse')], '');
      if (again.assetId !== first.assetId)
        findings.push(
          findingFor(again.exchange, `the same fingerprint got a new asset_id ${again.assetId} (was ${first.assetId})`, `asset_id ${first.assetId}`),
        );
      if (again.token === first.token) findings.push(findingFor(again.exchange, 'the same token was issued again', 'a new agent_token'));
      const hbOld = ctx.agents.heartbeat(first);
      const old = await ctx.agents.post(first, hbOld);
      const fo = expectStatus(old, [401], 'a heartbeat with the token issued before re-registering');
      if (fo) findings.push(fo);
      const fresh = await ctx.agents.post({ ...first, token: again.token }, ctx.agents.heartbeat(first));
      const fn = expectStatus(fresh, OK, 'a heartbeat with the new token');
      if (fn) findings.push(fn);
      return outcomeOf(findings, 'same asset_id, new token, old token refused');
    },
  },
  {
    id: 'AUTH-1',
    name: 'no-valid-token',
    level: 'MUST',
    profile: 'auth',
    description: 'a heartbeat with no token, a forged token or a malformed Authorization gets 401',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('auth1');
      const hb = ctx.agents.heartbeat(agent);
      const findings: Finding[] = [];
      const cases: ReadonlyArray<readonly [string, Record<string, string>]> = [
        ['no Authorization header', {}],
        ['a forged token', { authorization: `Bearer ${forgedToken()}` }],
        ['the token with one character changed', { authorization: `Bearer ${agent.token!.slice(0, -1)}${agent.token!.endsWith('A') ? 'B' : 'A'}` }],
        ['the token without the Bearer scheme', { authorization: agent.token! }],
        ['the enrollment secret instead of an agent token', { authorization: `Bearer ${ctx.settings.enrollmentSecret}` }],
      ];
      for (const [label, headers] of cases) {
        const ex = await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', json: hb, headers });
        const f = expectStatus(ex, [401], `a heartbeat with ${label}`);
        if (f) findings.push(f);
      }
      return outcomeOf(findings, `${cases.length} heartbeats without a valid token got 401`);
    },
  },
  {
    id: 'AUTH-2',
    name: 'token-of-another-asset',
    level: 'MUST',
    profile: 'auth',
    description: "a heartbeat for asset B with A's token gets 403",
    run: async (ctx) => {
      const a = await ctx.agents.fresh('auth2a');
      const b = await ctx.agents.fresh('auth2b');
      const ex = await ctx.agents.post(a, ctx.agents.heartbeat(b));
      const f = expectStatus(ex, [403], "a heartbeat for B sent with A's token");
      return outcomeOf(f ? [f] : [], "403 for a heartbeat sent with another asset's token");
    },
  },
  {
    id: 'AUTH-2',
    name: 'nothing-stored',
    level: 'MUST',
    profile: 'auth',
    needs: ['fleet'],
    description: "after a heartbeat for asset B with A's token, B shows nothing stored (still never_seen)",
    run: async (ctx) => {
      ctx.agents.requireFleet('reading back asset B');
      const a = await ctx.agents.fresh('auth2c');
      const b = await ctx.agents.fresh('auth2d');
      const ex = await ctx.agents.post(a, ctx.agents.heartbeat(b));
      if (isSuccess(ex.status)) return outcomeOf([findingFor(ex, "a heartbeat for B with A's token was accepted", 'HTTP 403 and nothing stored')], '');
      const d = await ctx.agents.detail(b.assetId);
      const ok = d.latest_heartbeat === null && d.status === 'never_seen';
      return outcomeOf(
        ok
          ? []
          : [
              {
                message: `after the refused heartbeat B shows status ${d.status} and a latest heartbeat`,
                sent: ex.sent,
                received: JSON.stringify({ status: d.status, last_seen_at: d.last_seen_at }),
                expected: 'B still never_seen: nothing stored',
              },
            ],
        'nothing stored for B (read back)',
      );
    },
  },
  {
    id: 'AUTH-3',
    name: 'fleet-needs-admin',
    level: 'MUST',
    profile: 'auth',
    needs: ['fleet'],
    description: 'fleet endpoints refuse anonymous callers, agent tokens and wrong admin tokens (401/403)',
    run: async (ctx) => {
      ctx.agents.requireFleet('checking fleet access');
      const agent = await ctx.agents.fresh('auth3');
      const findings: Finding[] = [];
      // The escrow route only when escrow is claimed: no probe leaves the claimed profiles.
      const paths = [
        '/api/agents',
        `/api/agents/${agent.assetId}`,
        `/api/agents/${agent.assetId}/heartbeats`,
        ...(ctx.settings.profiles.has('escrow') ? [`/api/agents/${agent.assetId}/recovery-keys`] : []),
      ];
      for (const path of paths) {
        for (const [label, bearer] of [
          ['no credential', undefined],
          ['the agent token', agent.token],
          ['a forged admin token', forgedToken()],
          ['the enrollment secret', ctx.settings.enrollmentSecret],
        ] as const) {
          const ex = await ctx.http.send({ method: 'GET', path, bearer });
          const f = expectStatus(ex, [401, 403], `GET ${path} with ${label}`);
          if (f) findings.push(f);
        }
      }
      return outcomeOf(findings, `${paths.length * 4} unauthorised fleet reads refused`);
    },
  },
  {
    id: 'AUTH-4',
    name: 'no-secrets-in-bodies',
    level: 'MUST',
    profile: 'auth',
    phase: 'after',
    description: 'no token, enrollment secret or recovery key ever comes back in an error body (whole run)',
    run: async (ctx) => {
      const secrets = [...ctx.http.log.secrets, ...ctx.http.log.recoveryKeys].filter((s) => s.length >= 16);
      // No evidence, no pass: with nothing issued or escrowed there is nothing that could have leaked.
      if (secrets.length === 0)
        throw new SkipCheck(
          'no secret of 16 characters or more was sent, issued or escrowed in this run (registration failed or nothing ran): nothing to look for',
        );
      const findings: Finding[] = [];
      const answered = ctx.allExchanges().filter((ex) => ex.status !== 0);
      if (answered.length === 0) throw new SkipCheck('no answer arrived in this run: nothing to scan');
      for (const ex of answered) {
        if (ex.status < 400 && ex.sent.path === '/api/agents/register') continue; // the issued token is the answer itself
        const text = ex.bodyText + JSON.stringify(ex.headers);
        // Success bodies may carry the agent's own keys only on the audited escrow read (ESC-2).
        const candidates = ex.status < 400 ? [...ctx.http.log.secrets].filter((s) => s.length >= 16) : secrets;
        const leaked = candidates.find((s) => text.includes(s));
        if (leaked)
          findings.push(
            findingFor(ex, `a secret the suite sent (${leaked.slice(0, 4)}...) came back in a ${ex.status} answer`, 'no secret in any answer (AUTH-4)'),
          );
      }
      return outcomeOf(findings, `${answered.length} answers scanned for ${secrets.length} secrets (hashing at rest is not visible over HTTP)`);
    },
  },
  {
    id: 'AUTH-5',
    name: 'no-silent-legacy-mode',
    level: 'SHOULD',
    profile: 'auth',
    description: 'an unauthenticated heartbeat for an unregistered asset is refused (legacy mode is off unless switched on)',
    run: async (ctx) => {
      const hb = { ...ctx.agents.heartbeat({ assetId: randomUUID(), fingerprint: '', hostname: 'auth5-legacy' }) };
      const ex = await ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', json: hb });
      if (isSuccess(ex.status))
        return outcomeOf(
          [
            findingFor(
              ex,
              'an anonymous heartbeat for an unregistered asset was accepted while the target claims the auth profile',
              '401: legacy mode only when switched on explicitly',
            ),
          ],
          '',
        );
      const f = expectStatus(ex, [401], 'an anonymous heartbeat for an unregistered asset');
      return f ? outcomeOf([f], '') : pass('legacy mode is off (the start-up notice is not visible over HTTP)');
    },
  },
];
