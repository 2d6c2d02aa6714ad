import { z } from 'zod';
import { limits } from './limits.js';

// Real calendar days only, leap years included (2024-02-29 yes, 2025-02-29 and 2025-04-31 no), as a regex rather than
// a refinement: the spec, Prism and the compiled fast validator then enforce exactly the rule zod does.
const CALENDAR_DAY =
  '(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
  '|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';

/**
 * RFC 3339 date-time, with the offset optional (HB-6): the deployed agent sends Python's naive
 * `datetime.now().isoformat()` ("2025-08-04T12:51:08.123456"), which the server reads as UTC.
 * A pattern rather than `format: date-time` so the OpenAPI spec (and Prism) accept the naive form too.
 * Leap seconds (":60") are refused: no agent emits them, and neither JavaScript's nor Python's date parsing reads them,
 * so a server could not compute the clock skew HB-8 asks for.
 */
export const AGENT_TIMESTAMP_PATTERN =
  '^' + CALENDAR_DAY + '[Tt](?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:[Zz]|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)?$';

/** An agent-supplied timestamp: RFC 3339 with an offset, or the legacy naive form read as UTC (HB-6). */
export const AgentTimestampSchema = z
  .string()
  .regex(new RegExp(AGENT_TIMESTAMP_PATTERN), 'must be an RFC 3339 date-time on a real calendar day (offset optional, read as UTC)')
  .meta({
    id: 'AgentTimestamp',
    description: 'RFC 3339 date-time. The offset is optional for compatibility with the deployed agent (HB-6): a naive value is read as UTC.',
    example: '2025-08-04T12:51:08.123456',
  });

/** A server-generated timestamp: always RFC 3339 with an offset. */
export const ServerTimestampSchema = z.iso.datetime({ offset: true }).meta({ example: '2025-08-04T12:51:09.201Z' });

/** An asset id: a UUID in its canonical 8-4-4-4-12 hex form (any version: the deployed agent used uuid4). */
export const AssetIdSchema = z.guid('must be a UUID (8-4-4-4-12 hex digits)').meta({
  id: 'AssetId',
  description: 'Asset id issued at registration (REG-1); a UUID.',
  example: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d',
});

/** A percentage in 0..100 (HB-3: values outside the range are rejected). */
export const PercentSchema = z.number().min(0).max(100);

/** A size in GB, never negative, at most `max`. */
export function sizeGbSchema(max: number): z.ZodNumber {
  return z.number().min(0).max(max);
}

/** A short word-like string the agent reports (a status, an interface type, a file system). */
export const ShortWordSchema = z.string().min(1).max(limits.shortWordMax);

/** Heartbeat interval the server may steer the agent to (HB-11). */
export const IntervalSecondsSchema = z
  .number()
  .int()
  .min(limits.minHeartbeatIntervalS)
  .max(limits.maxHeartbeatIntervalS)
  .meta({ description: 'Seconds until the next heartbeat (HB-11): 60..3600.', example: 300 });

/** An opaque bearer token (agent token or admin token). */
export const TokenSchema = z.string().min(limits.tokenMin).max(limits.tokenMax);
