import type { Logger } from 'pino';
import type { AgentRateLimiter } from './agent-rate-limit.js';
import type { AuthThrottle } from './auth-throttle.js';
import type { BodyBudget } from './body-budget.js';
import type { EscrowCipher } from '../escrow/escrow-cipher.js';
import type { IngestThread } from '../ingest/ingest-thread.js';
import type { Store } from '../store/store.js';
import type { ServerConfig } from '../server-config.js';
import type { ServerMetrics } from './server-metrics.js';
import type { TokenCache } from './token-cache.js';

/** What every route handler shares: configuration, storage, the ingest thread, the escrow cipher, metrics, logs. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  /** The thread that parses, validates and commits heartbeats. */
  ingest: IngestThread;
  cipher: EscrowCipher;
  metrics: ServerMetrics;
  logger: Logger;
  /** SHA-256 of the enrollment secret and of the admin token in force (AUTH-4: never the secrets themselves). */
  enrollmentSecretHash: string;
  adminTokenHash: string;
  /** SHA-256 of the metrics token when /metrics is protected (--metrics-token). */
  metricsTokenHash: string | undefined;
  /** Failed enrollment and failed admin attempts per client address (429 past the limit). */
  enrollmentThrottle: AuthThrottle;
  adminThrottle: AuthThrottle;
  /** token hash -> asset id; revoked on re-enrollment here or on another instance (REG-3). */
  tokenCache: TokenCache;
  /** HB-10 (D4): the inflated body bytes all requests may hold at once (503 past it). */
  bodyBudget: BodyBudget;
  /** HB-10: per-agent heartbeat budget (429 past it). */
  agentLimiter: AgentRateLimiter;
  /** Set on SIGTERM: answers then carry `Connection: close` so keep-alive clients let go and shutdown is quick. */
  draining: boolean;
}
