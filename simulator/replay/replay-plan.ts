import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { HeartbeatSchedulerApi, SchedulerDecision } from '@lanet/reference-agent/scheduler/scheduler-types';
import { shiftTimestamp } from '../engine/agent-clock.js';
import type { BeatEvent, ReplayPlan } from '../engine/run-config.js';
import type { BeatLine, RecordingHeader, StartLine } from './ndjson-recorder.js';

/** A loaded recording: its header and the replay plan. */
export interface LoadedRecording {
  header: RecordingHeader;
  plan: ReplayPlan;
  beats: number;
}

/**
 * Plays one agent's recorded schedule back through the loop's scheduler slot: each decision is the next recorded
 * beat's time, whatever the answer was (a replay is open loop; it is not the agent's scheduler and makes no choice).
 */
class RecordedSchedule implements HeartbeatSchedulerApi {
  private next = 0;
  constructor(
    private readonly beats: readonly BeatLine[],
    readonly intervalS: number,
  ) {}
  start(): SchedulerDecision {
    return this.decision();
  }
  onOutcome(): SchedulerDecision {
    return this.decision();
  }
  private decision(): SchedulerDecision {
    const beat = this.beats[this.next++];
    return { atMs: beat ? beat.at_ms : Number.POSITIVE_INFINITY, action: 'send', reason: beat?.reason ?? 'replay-done', includeRecoveryKeys: false };
  }
}

/** Reads a --record file; throws a message naming the line when it is not a recording. */
export async function loadRecording(file: string): Promise<LoadedRecording> {
  let header: RecordingHeader | undefined;
  let startWall: number | undefined;
  const byAgent = new Map<number, BeatLine[]>();
  let count = 0;
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let value: { type?: string };
    try {
      value = JSON.parse(line) as { type?: string };
    } catch {
      throw new Error(`${file}:${lineNo} is not JSON: a --replay file is the NDJSON that --record wrote.`);
    }
    if (value.type === 'header') header = value as RecordingHeader;
    else if (value.type === 'start') startWall = (value as StartLine).wall_ms;
    else if (value.type === 'beat') {
      const beat = value as BeatLine;
      let list = byAgent.get(beat.agent);
      if (!list) byAgent.set(beat.agent, (list = []));
      list.push(beat);
      count++;
    } else throw new Error(`${file}:${lineNo} has an unknown line type '${String(value.type)}'.`);
  }
  if (!header || header.version !== 1) throw new Error(`${file} has no version 1 header line: record it again with lanet simulate --record.`);
  const recordedStart = startWall ?? 0;
  const rests = new Map<number, string>();
  const intervalS = header.interval_s;
  const plan: ReplayPlan = {
    recordedStartWallMs: recordedStart,
    createSchedule: (agent) => new RecordedSchedule(byAgent.get(agent) ?? [], intervalS),
    beat: (agent, n, assetId, shiftMs) => {
      const line = byAgent.get(agent)?.[n - 1];
      if (!line) return undefined;
      if (line.rest !== undefined) rests.set(agent, line.rest);
      const timestamp = shiftTimestamp(line.timestamp, shiftMs);
      const event: BeatEvent = {
        agent,
        beat: n,
        atMs: line.at_ms,
        reason: line.reason,
        timestamp,
        status: line.status,
        heartbeatType: line.heartbeat_type,
        assetId,
        ...(line.rest !== undefined ? { rest: line.rest } : {}),
        ...(line.invalid ? { invalid: { ...line.invalid, body: line.invalid.body.split(line.asset_id).join(assetId) } } : {}),
      };
      if (event.invalid) return { body: event.invalid.body, event };
      const status = line.status === undefined ? '' : `,"status":${JSON.stringify(line.status)}`;
      const body = `{"asset_id":${JSON.stringify(assetId)},"heartbeat_type":${JSON.stringify(line.heartbeat_type)},"timestamp":${JSON.stringify(timestamp)}${status}${rests.get(agent) ?? ''}}`;
      return { body, event };
    },
  };
  return { header, plan, beats: count };
}
