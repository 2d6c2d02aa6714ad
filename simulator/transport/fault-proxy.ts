import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { RandomSource } from '../engine/seeded-random.js';

/** What the proxy does to traffic right now. */
export type ProxyMode =
  /** Forward both ways untouched. */
  | { kind: 'pass' }
  /** Outage (AG-2): every open connection is reset and new ones are reset on arrival. */
  | { kind: 'cut' }
  /** Outage answered by an overloaded front end (AG-3): every request gets 503 with Retry-After (protocol seconds). */
  | { kind: 'unavailable'; retryAfterS: number }
  /**
   * Flaky network (AG-2, HB-7): each request is reset before reaching the target with probability `dropRequest`,
   * and each answer is lost after the target processed it with probability `dropResponse` (the agent then retries
   * a heartbeat the server already stored, which must be stored once: HB-7, FLT-4).
   */
  | { kind: 'flaky'; dropRequest: number; dropResponse: number };

/** Counters of what the proxy did, for the report. */
export interface ProxyStats {
  connections: number;
  resets: number;
  unavailableAnswers: number;
  droppedRequests: number;
  droppedResponses: number;
}

/**
 * A loopback TCP proxy the simulator puts between its agents and the target so it can cut the target off for a
 * stretch of virtual minutes, answer 503, or lose packets, without touching the target (issue 6, outage scenario).
 */
export class FaultProxy {
  private server: Server | undefined;
  private mode: ProxyMode = { kind: 'pass' };
  private readonly open = new Set<Socket>();
  readonly stats: ProxyStats = { connections: 0, resets: 0, unavailableAnswers: 0, droppedRequests: 0, droppedResponses: 0 };

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    private readonly random: RandomSource,
  ) {}

  /** Listens on 127.0.0.1:0 and resolves with the proxy's base URL. */
  async start(): Promise<string> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Switches the mode; entering an outage resets every open connection at once. */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
    // Idle keep-alive connections are reset too, so the next request of every agent sees the outage.
    if (mode.kind === 'cut' || mode.kind === 'unavailable') {
      for (const socket of [...this.open]) this.reset(socket);
    }
  }

  /** The current mode. */
  get currentMode(): ProxyMode {
    return this.mode;
  }

  /** Stops listening and destroys every connection. */
  async stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    client.on('error', () => undefined);
    if (this.mode.kind === 'cut') {
      this.reset(client);
      return;
    }
    if (this.mode.kind === 'unavailable') {
      this.answerUnavailable(client, this.mode.retryAfterS);
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    this.open.add(client);
    this.open.add(upstream);
    const forget = () => {
      this.open.delete(client);
      this.open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => this.reset(client));
    client.on('close', forget);
    upstream.on('close', forget);
    client.on('data', (chunk: Buffer) => {
      const mode = this.mode;
      if (mode.kind === 'flaky' && this.random() < mode.dropRequest) {
        this.stats.droppedRequests++;
        this.reset(client);
        upstream.destroy();
        return;
      }
      if (mode.kind === 'unavailable') {
        upstream.destroy();
        this.answerUnavailable(client, mode.retryAfterS, true);
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      const mode = this.mode;
      if (mode.kind === 'flaky' && this.random() < mode.dropResponse) {
        this.stats.droppedResponses++;
        this.reset(client);
        upstream.destroy();
        return;
      }
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
  }

  private answerUnavailable(client: Socket, retryAfterS: number, requestArrived = false): void {
    this.stats.unavailableAnswers++;
    // Tracked until closed, so stop() never waits on a half-closed socket.
    this.open.add(client);
    client.once('close', () => this.open.delete(client));
    const body = JSON.stringify({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'lanet simulate outage scenario: the target is cut off by the simulator proxy',
    });
    const answer = () => {
      client.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: ${retryAfterS}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    // Answer once the request starts arriving so the client has sent something (it reads the status, not a reset).
    if (requestArrived) answer();
    else client.once('data', answer);
  }

  private reset(socket: Socket): void {
    this.stats.resets++;
    this.open.delete(socket);
    if (!socket.destroyed) socket.resetAndDestroy();
  }
}
