import { describeResponse, type Exchange } from '../http/conformance-http.js';
import type { Finding } from './check-types.js';

/** A finding for an exchange whose status is not one of `allowed`; undefined when it is. */
export function expectStatus(ex: Exchange, allowed: readonly number[], what: string): Finding | undefined {
  if (allowed.includes(ex.status)) return undefined;
  return {
    message: `${what}: expected ${allowed.join(' or ')}, got ${ex.status === 0 ? 'no response' : ex.status}`,
    sent: ex.sent,
    received: describeResponse(ex),
    expected: `HTTP ${allowed.join(' or ')}`,
  };
}

/** A finding about an exchange with a free-form expectation. */
export function findingFor(ex: Exchange, message: string, expected: string): Finding {
  return { message, sent: ex.sent, received: describeResponse(ex), expected };
}

/** True for a 2xx status. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Removes every `recovery_key` at any depth (FLT-3 compares payloads with secrets redacted; ESC-1 owns the redaction). */
export function withoutRecoveryKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRecoveryKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'recovery_key') out[k] = withoutRecoveryKeys(v);
    return out;
  }
  return value;
}

/** Deep JSON equality (key order ignored); returns the JSON Pointer of the first difference, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, pointer = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return pointer === '' ? '(root)' : pointer;
  if (Array.isArray(a) !== Array.isArray(b)) return pointer || '(root)';
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    const d = firstDifference(ao[k], bo[k], `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
    if (d !== undefined) return d;
  }
  return undefined;
}
