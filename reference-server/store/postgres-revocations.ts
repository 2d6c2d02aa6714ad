/**
 * REG-3 across instances: a re-registration on any server revokes the old token on every server sharing the
 * PostgreSQL database. The registering transaction sends `NOTIFY lanet_token_revoked` (delivered at commit); every
 * server LISTENs on a connection of its own and drops the token from its cache. While that connection is down the
 * server cannot know about revocations, so it is told `live = false` and stops caching until it is back.
 */
import pg from 'pg';
import { parsePostgresUrl } from './postgres-support.js';

/** The channel re-registrations notify; NOTIFY is database-wide, so the payload names the schema too. */
export const REVOCATION_CHANNEL = 'lanet_token_revoked';

/** The notification payload of one revoked token hash in one schema (`schema:hash`). */
export function revocationPayload(schema: string | undefined, tokenHash: string): string {
  return `${schema ?? ''}:${tokenHash}`;
}

/** A running listener. */
export interface RevocationListener {
  close(): Promise<void>;
}

/** Options of the listener: what to call on a revocation and when revocations start or stop reaching it. */
export interface RevocationHandlers {
  revoked(tokenHash: string): void;
  live(isLive: boolean): void;
  /** Reports a lost or failed connection (the listener retries every `retryMs`). */
  failed?(err: Error): void;
  retryMs?: number;
}

/** LISTENs for revocations of the database `url` names; resolves after the first attempt to connect, successful or not. */
export async function listenForRevocations(url: string, handlers: RevocationHandlers): Promise<RevocationListener> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const prefix = revocationPayload(schema, '');
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const lost = (c: pg.Client, err: Error) => {
    if (client !== c) return;
    client = undefined;
    handlers.live(false);
    c.end().catch(() => undefined);
    if (closed) return;
    handlers.failed?.(err);
    retry = setTimeout(() => {
      void connect();
    }, handlers.retryMs ?? 1000);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString, keepAlive: true });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('the LISTEN connection ended')));
    c.on('notification', (n) => {
      if (n.channel === REVOCATION_CHANNEL && n.payload?.startsWith(prefix)) handlers.revoked(n.payload.slice(prefix.length));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${REVOCATION_CHANNEL}`);
      if (client === c && !closed) handlers.live(true);
    } catch (err) {
      lost(c, err as Error);
    }
  };
  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      handlers.live(false);
      await c?.end().catch(() => undefined);
    },
  };
}
