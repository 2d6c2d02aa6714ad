import type { z } from 'zod';
import { EscrowAuditRecordSchema, RecoveryKeysResponseSchema } from './escrow.js';
import { AgentDetailSchema, FleetAgentSchema, FleetListSchema, HeartbeatHistoryPageSchema } from './fleet.js';
import { HealthSchema, ReadinessSchema } from './health.js';
import { HeartbeatRequestSchema } from './heartbeat-request.js';
import { HeartbeatResponseSchema } from './heartbeat-response.js';
import { ProblemSchema } from './problem.js';
import { RegisterRequestSchema, RegisterResponseSchema } from './register.js';

/** Every message of protocol v1 by the name `lanet validate --type` and the tools use for it. */
export const messageTypes = {
  heartbeat: HeartbeatRequestSchema,
  'heartbeat-response': HeartbeatResponseSchema,
  'register-request': RegisterRequestSchema,
  'register-response': RegisterResponseSchema,
  problem: ProblemSchema,
  'fleet-list': FleetListSchema,
  'fleet-agent': FleetAgentSchema,
  'agent-detail': AgentDetailSchema,
  'heartbeat-history': HeartbeatHistoryPageSchema,
  'recovery-keys': RecoveryKeysResponseSchema,
  'escrow-audit': EscrowAuditRecordSchema,
  health: HealthSchema,
  readiness: ReadinessSchema,
} as const satisfies Record<string, z.ZodType>;

/** The name of a message type. */
export type MessageType = keyof typeof messageTypes;

/** True when `name` is a known message type. */
export function isMessageType(name: string): name is MessageType {
  return Object.hasOwn(messageTypes, name);
}
