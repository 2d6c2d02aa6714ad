/** The `lanet server` flags of the history retention policy (history-config.ts), each with its LANET_* twin. */
import { Option } from 'commander';
import { defaultHistoryConfig, parseByteSize, type HistoryConfig } from '../history-config.js';

/** The retention options as commander parses them (strings, LANET_* twins applied, defaults filled). */
export interface HistoryCommandOptions {
  historyMaxAge?: string;
  historyMaxCount?: string;
  historyMaxBytes?: string;
}

const d = defaultHistoryConfig;

/** The retention flags of `lanet server`, in their --help order. */
export const historyOptions = {
  maxAge: () =>
    new Option('--history-max-age <days>', 'delete heartbeats received longer ago than this; fractions allowed; 0 = keep forever (an agent keeps its latest)')
      .env('LANET_HISTORY_MAX_AGE')
      .default(String(d.historyMaxAgeDays)),
  maxCount: () =>
    new Option('--history-max-count <n>', 'heartbeats kept per agent, newest first; 0 = no limit (the default keeps 30 days at a 300 s interval)')
      .env('LANET_HISTORY_MAX_COUNT')
      .default(String(d.historyMaxCount)),
  maxBytes: () =>
    new Option(
      '--history-max-bytes <size>',
      "stored payload kept per agent, newest first (bytes, or 512KiB, 64MiB, 1GiB); 0 = no limit; caps a flooding token's disk use",
    )
      .env('LANET_HISTORY_MAX_BYTES')
      .default(`${d.historyMaxBytes / (1024 * 1024)}MiB`),
};

/** The retention part of the server config; an unreadable value becomes NaN, which checkHistoryConfig names. */
export function historyConfigFrom(o: HistoryCommandOptions): Pick<HistoryConfig, 'historyMaxAgeDays' | 'historyMaxCount' | 'historyMaxBytes'> {
  return {
    historyMaxAgeDays: o.historyMaxAge !== undefined ? Number(o.historyMaxAge) : d.historyMaxAgeDays,
    historyMaxCount: o.historyMaxCount !== undefined ? Number(o.historyMaxCount) : d.historyMaxCount,
    historyMaxBytes: o.historyMaxBytes !== undefined ? parseByteSize(o.historyMaxBytes) : d.historyMaxBytes,
  };
}
