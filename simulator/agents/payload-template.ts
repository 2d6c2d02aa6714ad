import type { HeartbeatRequest } from '../../contracts/index.js';
import type { RandomSource } from '../engine/seeded-random.js';

type Status = NonNullable<HeartbeatRequest['status']>;

/**
 * One agent's heartbeat, serialized once and patched per beat: the fields that change every beat (timestamp and the
 * status metrics) are spliced in front of a cached JSON string of the rest of the inventory, which is re-serialized
 * only when the disks or programs drift (design guidance: payloads serialized once per agent, patched where cheap).
 */
export class PayloadTemplate {
  private restJson = '';
  private readonly head: string;

  /** `inventory` is the agent's drawn heartbeat; it is owned (and mutated by drift) from now on. */
  constructor(private readonly inventory: HeartbeatRequest) {
    this.head = `{"asset_id":${JSON.stringify(inventory.asset_id)},"heartbeat_type":${JSON.stringify(inventory.heartbeat_type)}`;
    this.refreshRest();
  }

  /** The heartbeat object the next body will carry (timestamp aside). */
  get current(): HeartbeatRequest {
    return this.inventory;
  }

  /** Re-serializes everything but the per-beat fields; call after changing disks or programs. */
  refreshRest(): void {
    const { asset_id: _a, heartbeat_type: _h, timestamp: _t, status: _s, ...rest } = this.inventory;
    const json = JSON.stringify(rest);
    this.restJson = json === '{}' ? '' : ',' + json.slice(1, -1);
  }

  /** The request body for one beat with the given agent timestamp; equal to JSON.stringify of the patched object. */
  body(timestamp: string): string {
    this.inventory.timestamp = timestamp;
    const status = this.inventory.status;
    const statusJson = status === undefined ? '' : `,"status":${JSON.stringify(status)}`;
    return `${this.head},"timestamp":${JSON.stringify(timestamp)}${statusJson}${this.restJson}}`;
  }

  /**
   * Drifts the inventory one beat: metrics every beat (a bounded random walk), and now and then a disk's usage or
   * the program list (one program added or its version bumped), as a real host changes slowly.
   */
  drift(random: RandomSource): void {
    const status = this.inventory.status;
    if (status) walkStatus(status, random);
    if (random() < 0.02) {
      if (driftSlowParts(this.inventory, random)) this.refreshRest();
    }
  }
}

/** One step of the metrics random walk, kept inside 0..100 with one decimal as the seed's agent reports. */
function walkStatus(status: Status, random: RandomSource): void {
  status.cpu_usage = step(status.cpu_usage, 8, random);
  status.memory_usage = step(status.memory_usage, 2, random);
  status.disk_usage = step(status.disk_usage, 0.2, random);
}

function step(value: number, width: number, random: RandomSource): number {
  const next = value + (random() * 2 - 1) * width;
  return Math.round(Math.min(100, Math.max(0, next)) * 10) / 10;
}

/** Changes a disk's usage or a program; returns true when something changed. */
function driftSlowParts(hb: HeartbeatRequest, random: RandomSource): boolean {
  const disks = hb.hardware_inventory?.disks;
  const programs = hb.software_inventory?.installed_programs;
  if (disks && disks.length > 0 && random() < 0.5) {
    const disk = disks[Math.floor(random() * disks.length)]!;
    if (disk.usage_percent !== undefined) {
      disk.usage_percent = step(disk.usage_percent, 0.5, random);
      return true;
    }
  }
  if (programs && programs.length > 0) {
    const program = programs[Math.floor(random() * programs.length)]!;
    if (typeof program.version === 'string' && program.version.length < 100) {
      program.version = bumpVersion(program.version);
      return true;
    }
  }
  return false;
}

/** "16.0.1" -> "16.0.2"; a version without a trailing number gets ".1" appended. */
function bumpVersion(version: string): string {
  const match = /(\d+)$/.exec(version);
  if (!match) return `${version}.1`;
  return version.slice(0, match.index) + String(Number(match[1]) + 1);
}
