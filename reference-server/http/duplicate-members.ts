import { problemTypes, toJsonPointer } from '@lanet/contracts';
import { skipWs, stringEnd } from '../ingest/redact-text.js';
import { HttpProblem } from './problem.js';

type Frame = { names: Set<string>; key: string } | { index: number };

/**
 * The JSON Pointer of the first member whose name repeats one before it in the same object (compared after decoding
 * escapes, so `"recovery\u005fkey"` repeats `"recovery_key"`), or undefined when every name is unique. `text` must be
 * valid JSON. Only refused bodies and registrations come here, so it may allocate a Set per object.
 */
export function findDuplicateMember(text: string): string | undefined {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      const top = frames.at(-1);
      if (top && 'names' in top && text.charCodeAt(skipWs(text, end)) === 0x3a) {
        const name = JSON.parse(text.slice(i, end)) as string;
        if (top.names.has(name)) return toJsonPointer([...frames.slice(0, -1).map((f) => ('names' in f ? f.key : f.index)), name]);
        top.names.add(name);
        top.key = name;
      }
      i = end - 1;
    } else if (c === 0x7b) frames.push({ names: new Set(), key: '' });
    else if (c === 0x5b) frames.push({ index: 0 });
    else if (c === 0x7d || c === 0x5d) frames.pop();
    else if (c === 0x2c) {
      const top = frames.at(-1);
      if (top && 'index' in top) top.index++;
    }
  }
  return undefined;
}

/** 400 for a body that names one member twice in an object (I-JSON, RFC 7493; ESC-1: a duplicate could hide a key). */
export function duplicateMemberProblem(pointer: string): HttpProblem {
  const { status, title } = problemTypes['duplicate-member'];
  return new HttpProblem(
    status,
    'duplicate-member',
    title,
    `The body names the member at '${pointer.slice(0, 200)}' twice in one object (names compare after unescaping); send each member once (I-JSON, RFC 7493).`,
    { errors: [{ path: pointer, message: 'duplicate member name' }] },
  );
}

/** Throws the 400 when valid JSON text repeats a member name in one object. */
export function refuseDuplicateMembers(text: string): void {
  const pointer = findDuplicateMember(text);
  if (pointer !== undefined) throw duplicateMemberProblem(pointer);
}
