/** Parses a duration such as `60s`, `2m`, `1h`, `500ms` or a bare number of seconds into seconds. */
export function parseDurationS(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new Error(`${what} '${text}' is not a duration: write e.g. 60s, 2m, 1h or 500ms.`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const s = unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
  if (!(s > 0)) throw new Error(`${what} '${text}' must be more than zero.`);
  return s;
}

/** Parses `--shard i/n` (1-based, as a Kubernetes Indexed Job's index + 1) into a 0-based index and count. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new Error(`--shard '${text}' must be i/n with 1 <= i <= n, e.g. 2/4 (shard 2 of 4).`);
  return { index: i - 1, count: n };
}

/** Parses a positive number option. */
export function parsePositive(text: string, what: string, integer = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${what} '${text}' must be a positive ${integer ? 'integer' : 'number'}.`);
  return n;
}
