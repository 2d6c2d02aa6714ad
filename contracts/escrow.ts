import { z } from 'zod';
import { limits } from './limits.js';
import { AssetIdSchema, ServerTimestampSchema } from './primitives.js';

/** One escrowed recovery key, decrypted for an audited admin read (ESC-2). */
export const EscrowedKeySchema = z
  .object({
    key_id: z.string().min(1).max(64).meta({ description: 'Stable id of this escrowed key version.' }),
    drive_letter: z.string().min(1).max(limits.devicePathMax).meta({ example: 'C:' }),
    recovery_key: z.string().min(1).max(limits.recoveryKeyMax),
    escrowed_at: ServerTimestampSchema,
  })
  .meta({ id: 'EscrowedKey' });

/** The audit record every read of escrowed keys writes (ESC-2): who, when, which keys. */
export const EscrowAuditRecordSchema = z
  .object({
    audit_id: z.string().min(1).max(64),
    actor: z.string().min(1).max(256).meta({ description: 'Who read: the admin principal (never the token itself).' }),
    read_at: ServerTimestampSchema,
    asset_id: AssetIdSchema,
    key_ids: z.array(z.string().min(1).max(64)).max(limits.volumesMax * 16),
  })
  .meta({ id: 'EscrowAuditRecord' });

/** GET /api/agents/{asset_id}/recovery-keys: the keys and the audit record this read wrote. */
export const RecoveryKeysResponseSchema = z
  .object({
    asset_id: AssetIdSchema,
    // Each volume may have had several keys over time; 16 versions per volume bounds the list.
    keys: z.array(EscrowedKeySchema).max(limits.volumesMax * 16),
    audit: EscrowAuditRecordSchema,
  })
  .meta({ id: 'RecoveryKeysResponse' });

/** One escrowed key. */
export type EscrowedKey = z.infer<typeof EscrowedKeySchema>;
/** An escrow audit record. */
export type EscrowAuditRecord = z.infer<typeof EscrowAuditRecordSchema>;
/** The recovery-keys answer. */
export type RecoveryKeysResponse = z.infer<typeof RecoveryKeysResponseSchema>;
