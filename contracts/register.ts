import { z } from 'zod';
import { limits } from './limits.js';
import { AssetIdSchema, IntervalSecondsSchema, TokenSchema } from './primitives.js';

/** Enrollment: the agent proves the enrollment secret (Authorization: Bearer) and names its machine (REG-1, REG-3). */
export const RegisterRequestSchema = z
  .object({
    hardware_fingerprint: z.string().min(limits.fingerprintMin).max(limits.fingerprintMax).meta({
      description: 'Stable hash of the machine (SMBIOS UUID, board and disk serials). The same fingerprint gets the same asset_id (REG-3).',
      example: 'sha256:6b1f0c2a9e8d7c6b5a4f3e2d1c0b9a8f',
    }),
    hostname: z.string().min(1).max(limits.hostnameMax).meta({ example: 'computer-name' }),
    agent_version: z.string().min(1).max(limits.versionMax).optional().meta({ example: '1.0.0' }),
    platform: z.string().min(1).max(limits.platformMax).optional().meta({ example: 'Windows-10-10.0.26100' }),
  })
  .meta({ id: 'RegisterRequest' });

/** 201 answer to a registration: the identity the agent persists (REG-1). */
export const RegisterResponseSchema = z
  .object({
    asset_id: AssetIdSchema,
    agent_token: TokenSchema.meta({ description: 'Per-agent bearer token for heartbeats; the server stores only its hash (AUTH-4).' }),
    heartbeat_interval_s: IntervalSecondsSchema,
  })
  .meta({ id: 'RegisterResponse' });

/** Registration request. */
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;
/** Registration answer. */
export type RegisterResponse = z.infer<typeof RegisterResponseSchema>;
