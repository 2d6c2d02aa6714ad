import type { z } from 'zod';
import type {
  BitLockerInfoSchema,
  CollectionError,
  MemoryInfoSchema,
  PhysicalDiskSchema,
  SoftwareInventorySchema,
  StatusSchema,
  SystemInfoSchema,
  SystemVolumeSchema,
} from '@lanet/contracts';

/** The heartbeat sections a collector may fill; each is the contract's own type (never written twice). */
export interface InventorySections {
  status?: z.infer<typeof StatusSchema>;
  system?: z.infer<typeof SystemInfoSchema>;
  memory?: z.infer<typeof MemoryInfoSchema>;
  disk?: z.infer<typeof SystemVolumeSchema>;
  disks?: Array<z.infer<typeof PhysicalDiskSchema>>;
  bitlocker?: z.infer<typeof BitLockerInfoSchema>;
  software?: z.infer<typeof SoftwareInventorySchema>;
}

/** What one collector returns: its sections, plus notes for parts it could not read (AG-5) while still sending the rest. */
export interface CollectorResult {
  sections: InventorySections;
  /** A sub-part that cannot run here (smartctl missing, BitLocker on Linux): named in collection_errors, the section stays. */
  notes?: CollectionError[];
}

/** One inventory collector: a name (used in collection_errors), a timeout, and an abortable collect step. */
export interface Collector {
  name: string;
  /** AG-5: past this the collector is abandoned, named in collection_errors, and the rest is sent. */
  timeoutMs: number;
  collect(signal: AbortSignal): Promise<CollectorResult>;
}

/** How long one collector took and how it ended, for the per-cycle log line. */
export interface CollectorTiming {
  collector: string;
  ms: number;
  outcome: 'ok' | 'failed' | 'timeout';
}

/**
 * A collector, or one step of it (a program, a PowerShell query), passed its deadline. Whoever throws it, the
 * collector is named in collection_errors with kind "timeout", not "failed" (AG-5).
 */
export class CollectorTimeoutError extends Error {
  override name = 'CollectorTimeoutError';
}
