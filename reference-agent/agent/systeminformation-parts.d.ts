// Types for the three systeminformation modules the fingerprint loads on their own (hardware-fingerprint.ts); the
// package types only its index, which loads every module it has.
declare module 'systeminformation/lib/system.js' {
  import type { Systeminformation } from 'systeminformation';
  export function system(): Promise<Systeminformation.SystemData>;
  export function baseboard(): Promise<Systeminformation.BaseboardData>;
}
declare module 'systeminformation/lib/osinfo.js' {
  import type { Systeminformation } from 'systeminformation';
  export function uuid(): Promise<Systeminformation.UuidData>;
}
declare module 'systeminformation/lib/util.js' {
  export function getCodepage(): string;
  export function getPowershell(): string;
}
