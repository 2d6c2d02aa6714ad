import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy a test can cut and restore, so a server loses its database for real (GET /readyz). */
export interface DatabaseProxy {
  port: number;
  /** Stops accepting and drops every proxied connection: the database is unreachable. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a loopback proxy to host:port on a free port. */
export async function startDatabaseProxy(host: string, port: number): Promise<DatabaseProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let listenPort = 0;
  const listen = async () => {
    if (server) return;
    server = createServer((client) => {
      const upstream = connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(listenPort, '127.0.0.1', () => resolve());
    });
    listenPort = (server.address() as AddressInfo).port;
  };
  const cut = async () => {
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    server = undefined;
  };
  await listen();
  return { port: listenPort, cut, restore: listen, close: cut };
}
