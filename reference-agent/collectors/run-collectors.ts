import { formatFieldErrors, limits, type CollectionError } from '@lanet/contracts';
import { check } from '../checks/agent-checks.js';
import { compareNames } from './name-order.js';
import { CollectorTimeoutError, type Collector, type CollectorTiming, type InventorySections } from './collector-types.js';

/** The sections, errors and timings of one collection cycle. */
export interface CollectionRun {
  sections: InventorySections;
  errors: CollectionError[];
  timings: CollectorTiming[];
}

/** Clips an error text to the contract's bound so a long stack never makes the heartbeat invalid. */
export function clipError(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim() || 'unknown error';
  return oneLine.length > limits.collectionErrorMax ? `${oneLine.slice(0, limits.collectionErrorMax - 1)}…` : oneLine;
}

async function runOne(collector: Collector): Promise<{ result?: Awaited<ReturnType<Collector['collect']>>; error?: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CollectorTimeoutError(`${collector.name} timed out after ${collector.timeoutMs} ms and was skipped; it is retried next cycle`));
    }, collector.timeoutMs);
  });
  try {
    return { result: await Promise.race([collector.collect(controller.signal), timeout]), timedOut: false };
  } catch (error) {
    // A step's own deadline (a program or query that hung) is a timeout too, whichever layer noticed it first.
    return { error, timedOut: error instanceof CollectorTimeoutError || controller.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every collector at once, each under its own timeout (AG-5): one that throws, times out or returns a
 * section the contract refuses is skipped and named in collection_errors; the rest is kept.
 */
export async function runCollectors(collectors: readonly Collector[], now: () => number = Date.now): Promise<CollectionRun> {
  const sections: InventorySections = {};
  const errors: CollectionError[] = [];
  const timings: CollectorTiming[] = [];
  await Promise.all(
    collectors.map(async (collector) => {
      const started = now();
      const { result, error, timedOut } = await runOne(collector);
      const timing: CollectorTiming = { collector: collector.name, ms: now() - started, outcome: 'ok' };
      timings.push(timing);
      if (!result) {
        timing.outcome = timedOut ? 'timeout' : 'failed';
        errors.push({
          collector: collector.name,
          error: clipError(error instanceof Error ? error.message : String(error)),
          kind: timedOut ? 'timeout' : 'failed',
        });
        return;
      }
      // Notes name parts that cannot apply on this host: the section is still sent, so the heartbeat is not partial for them.
      for (const note of result.notes ?? []) errors.push({ collector: note.collector, error: clipError(note.error), kind: 'unsupported' });
      for (const [key, value] of Object.entries(result.sections) as Array<[keyof InventorySections, unknown]>) {
        if (value === undefined) continue;
        // Each section is checked against its contract schema (checks/agent-schemas.ts) before it joins the heartbeat.
        const verdict = check(key, value);
        if (verdict.ok && key === 'software') sections.software = { ...sections.software, ...(verdict.value as InventorySections['software']) };
        else if (verdict.ok) (sections as Record<string, unknown>)[key] = verdict.value;
        else {
          timing.outcome = 'failed';
          errors.push({
            collector: collector.name,
            error: clipError(`its ${key} section broke the contract and was left out: ${formatFieldErrors(verdict.errors)}`),
            kind: 'failed',
          });
        }
      }
    }),
  );
  // compareNames is localeCompare's order without loading ICU's collation for ASCII names (PERF-3).
  timings.sort((a, b) => compareNames(a.collector, b.collector));
  errors.sort((a, b) => compareNames(a.collector, b.collector));
  return { sections, errors: errors.slice(0, limits.collectionErrorsMax), timings };
}
