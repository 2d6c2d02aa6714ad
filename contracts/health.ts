import { z } from 'zod';

/** GET /healthz: the process is alive. */
export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** GET /readyz: the database is reachable (200 ready, 503 not_ready). */
export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: z.enum(['ok', 'error']) }),
  })
  .meta({ id: 'Readiness' });

/** Liveness answer. */
export type Health = z.infer<typeof HealthSchema>;
/** Readiness answer. */
export type Readiness = z.infer<typeof ReadinessSchema>;
