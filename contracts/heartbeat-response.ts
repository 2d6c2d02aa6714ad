import { z } from 'zod';
import { IntervalSecondsSchema, ServerTimestampSchema } from './primitives.js';

/** The 200 answer to an accepted heartbeat (HB-1), sent only after the commit (HB-9). */
export const HeartbeatResponseSchema = z
  .object({
    status: z.literal('ok'),
    received_at: ServerTimestampSchema.meta({ description: 'Server receive time; liveness uses it, never the agent clock (HB-8).' }),
    next_heartbeat_in_s: IntervalSecondsSchema,
    escrow_required: z
      .boolean()
      .optional()
      .meta({ description: 'True when the server holds no recovery key for a protected volume and asks the agent to send it (ESC-3).' }),
  })
  .meta({ id: 'HeartbeatResponse' });

/** The heartbeat answer. */
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;
