import type { HeartbeatRequest } from '@lanet/contracts';
import { HeartbeatRest, encodeHeartbeat, type WireOptions } from '@lanet/reference-agent/wire/heartbeat-wire';
import type { RandomSource } from '../engine/seeded-random.js';

type Status = NonNullable<HeartbeatRequest['status']>;
type Rest = Omit<HeartbeatRequest, 'asset_id' | 'heartbeat_type' | 'timestamp' | 'status'>;

/** Canonical copies of identical serialized inventories: agents drawn alike share one string until they drift apart. */
const interned = new Map<string, string>();
const INTERN_MAX = 4096;

function intern(json: string): string {
  const canonical = interned.get(json);
  if (canonical !== undefined) return canonical;
  if (interned.size < INTERN_MAX) interned.set(json, json);
  return json;
}

/** One deflated copy per interned inventory: agents that share an inventory string share its wire form too. */
const sharedRests = new Map<string, HeartbeatRest>();

/** The wire form of an inventory string: shared when the string is interned, the agent's own otherwise. */
function wireRestFor(json: string): HeartbeatRest {
  if (interned.get(json) !== json) return new HeartbeatRest(json);
  let rest = sharedRests.get(json);
  if (rest === undefined) sharedRests.set(json, (rest = new HeartbeatRest(json)));
  return rest;
}

/**
 * One agent's heartbeat, serialized once and patched per beat: the fields that change every beat (timestamp and the
 * status metrics) are spliced in front of a cached JSON string of the rest of the inventory, which is re-serialized
 * only when the disks or programs drift (design guidance: payloads serialized once per agent, patched where cheap).
 * Only the JSON string is kept between beats, so 10,000 idle agents cost their payload bytes and little else.
 */
export class PayloadTemplate {
  /** The inventory without the per-beat fields, as `,"key":value...` (empty when there is nothing else). */
  restJson: string;
  /** The same without BitLocker recovery keys (ESC-3: sent only when they changed or the server asks); the same string when there are none. */
  restJsonNoKeys: string;
  private head: string;
  readonly heartbeatType: string;
  /** The rest as the wire sends it, deflated once per inventory (with and without keys); dropped when it drifts. */
  private wireRest: HeartbeatRest | undefined;
  private wireRestNoKeys: HeartbeatRest | undefined;
  private status: Status | undefined;

  /** Takes the agent's drawn heartbeat; the template keeps only its serialized form. */
  constructor(inventory: HeartbeatRequest) {
    const { asset_id, heartbeat_type, timestamp: _t, status, ...rest } = inventory;
    this.heartbeatType = heartbeat_type;
    this.head = headFor(asset_id, heartbeat_type);
    this.status = status === undefined ? undefined : { ...status };
    this.restJson = intern(serializeRest(rest));
    // Interned too: without it every agent drawn alike held its own copy of the inventory without keys (10,000
    // seed-sized agents: ~65 MB), since the seed's inventory has a recovery key.
    this.restJsonNoKeys = intern(withoutKeys(rest, this.restJson));
  }

  /** True when the inventory holds a recovery key (ESC-3 decides per beat whether it goes). */
  get hasRecoveryKeys(): boolean {
    return this.restJsonNoKeys !== this.restJson;
  }

  /** Replaces the asset id (replay: the target issued a new one). */
  setAssetId(assetId: string): void {
    this.head = headFor(assetId, this.heartbeatType);
  }

  /** The status block the next body carries. */
  get currentStatus(): Status | undefined {
    return this.status;
  }

  /** Sets the status block (replay restores the recorded metrics). */
  setStatus(status: Status | undefined): void {
    this.status = status;
  }

  /** The rest of the inventory as one beat sends it: with the recovery keys, or without (ESC-3). */
  restFor(includeKeys: boolean): string {
    return includeKeys ? this.restJson : this.restJsonNoKeys;
  }

  /** The request body for one beat with the given agent timestamp, with or without the recovery keys (ESC-3). */
  body(timestamp: string, includeKeys = true): string {
    return `${this.beatHead(timestamp)}${this.restFor(includeKeys)}}`;
  }

  /** The per-beat members as the body starts with them (HeartbeatParts.head): ids, the timestamp, the metrics. */
  private beatHead(timestamp: string): string {
    const statusJson = this.status === undefined ? '' : `,"status":${JSON.stringify(this.status)}`;
    return `${this.head},"timestamp":${JSON.stringify(timestamp)}${statusJson}`;
  }

  /**
   * The request body for one beat as the agent's wire sends it (heartbeat-wire.ts): the per-beat head, then the
   * rest of the inventory, which is deflated once and reused until it drifts. Inflated, it is `body(timestamp, includeKeys)`.
   */
  wireBody(timestamp: string, includeKeys: boolean, wire: WireOptions): Buffer<ArrayBuffer> {
    let rest: HeartbeatRest;
    if (includeKeys) rest = this.wireRest ??= wireRestFor(this.restJson);
    else rest = this.wireRestNoKeys ??= wireRestFor(this.restJsonNoKeys);
    return encodeHeartbeat(this.beatHead(timestamp), rest, wire);
  }

  /**
   * Drifts the inventory one beat: metrics every beat (a bounded random walk), and now and then (2 % of beats) a
   * disk's usage or a program version, as a real host changes slowly. Returns true when the rest changed.
   */
  drift(random: RandomSource): boolean {
    if (this.status) walkStatus(this.status, random);
    if (random() >= 0.02 || this.restJson === '') return false;
    const rest = JSON.parse(`{${this.restJson.slice(1)}}`) as Rest;
    if (!driftSlowParts(rest, random)) return false;
    this.restJson = serializeRest(rest);
    this.restJsonNoKeys = withoutKeys(rest, this.restJson);
    this.wireRest = this.wireRestNoKeys = undefined;
    return true;
  }
}

/** The rest serialized without any `recovery_key` of a BitLocker volume; `withKeys` itself when there is none. */
function withoutKeys(rest: Rest, withKeys: string): string {
  const volumes = rest.hardware_inventory?.bitlocker?.volumes;
  if (!volumes?.some((v) => v.recovery_key !== undefined)) return withKeys;
  const copy = structuredClone(rest);
  for (const v of copy.hardware_inventory!.bitlocker!.volumes) delete v.recovery_key;
  return serializeRest(copy);
}

function headFor(assetId: string, heartbeatType: string): string {
  return `{"asset_id":${JSON.stringify(assetId)},"heartbeat_type":${JSON.stringify(heartbeatType)}`;
}

function serializeRest(rest: Rest): string {
  const json = JSON.stringify(rest);
  return json === '{}' ? '' : ',' + json.slice(1, -1);
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

/** Changes a disk's usage or a program version; returns true when something changed. */
function driftSlowParts(rest: Rest, random: RandomSource): boolean {
  const disks = rest.hardware_inventory?.disks;
  const programs = rest.software_inventory?.installed_programs;
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
