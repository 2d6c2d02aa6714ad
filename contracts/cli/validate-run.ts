import { createReadStream, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { MessageType } from '../message-types.js';
import { validatorFor } from '../message-validators.js';
import { formatFieldErrors } from '../validate-message.js';
import { readLines } from './read-lines.js';

/** Options of `lanet validate`: where to read, which message type, one document or NDJSON. */
export interface ValidateOptions {
  /** A file path, or "-" for standard input. */
  input: string;
  type: MessageType;
  ndjson: boolean;
  /** Print nothing for valid payloads and no summary (exit code only). */
  quiet?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

/** Exit codes of `lanet validate`. */
export const EXIT = { valid: 0, invalid: 1, unreadable: 2 } as const;

function openInput(options: ValidateOptions): Readable {
  return options.input === '-' ? (options.stdin ?? process.stdin) : createReadStream(options.input);
}

/** Reads the whole input as text; throws a message that says what to do when it can't. */
async function readAll(options: ValidateOptions): Promise<string> {
  if (options.input !== '-') return readFileSync(options.input, 'utf8');
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const chunk of options.stdin ?? process.stdin) text += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
  return text + decoder.end();
}

function describeReadError(input: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `Cannot read ${input}: no such file. Check the path, or pass - to read standard input.`;
  if (code === 'EISDIR') return `Cannot read ${input}: it is a directory. Pass a JSON file (or --ndjson with an NDJSON file).`;
  return `Cannot read ${input}: ${(err as Error).message}`;
}

/** Validates one JSON document: prints `path: message` per violation; 0 valid, 1 invalid, 2 unreadable. */
async function validateDocument(options: ValidateOptions, out: Writable, err: Writable): Promise<number> {
  let text: string;
  try {
    text = await readAll(options);
  } catch (error) {
    err.write(`lanet validate: ${describeReadError(options.input, error)}\n`);
    return EXIT.unreadable;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint = text.includes('\n{') ? ' If it holds one payload per line, add --ndjson.' : '';
    err.write(`lanet validate: ${options.input === '-' ? 'standard input' : options.input} is not JSON (${(error as Error).message}).${hint}\n`);
    return EXIT.unreadable;
  }
  const result = validatorFor(options.type)(value);
  if (result.ok) {
    if (!options.quiet) out.write(`valid ${options.type}\n`);
    return EXIT.valid;
  }
  out.write(formatFieldErrors(result.errors) + '\n');
  if (!options.quiet) err.write(`invalid ${options.type}: ${result.errors.length} violation(s)\n`);
  return EXIT.invalid;
}

/** Validates one payload per line: prints `line N: path: message` per violation and a summary; blank lines are skipped. */
async function validateNdjson(options: ValidateOptions, out: Writable, err: Writable): Promise<number> {
  const validate = validatorFor(options.type);
  let lineNo = 0;
  let valid = 0;
  let invalid = 0;
  let report = '';
  try {
    for await (const line of readLines(openInput(options))) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        invalid += 1;
        report += `line ${lineNo}: (root): not JSON (${(error as Error).message})\n`;
        continue;
      }
      const result = validate(value);
      if (result.ok) {
        valid += 1;
        continue;
      }
      invalid += 1;
      for (const e of result.errors) report += `line ${lineNo}: ${e.path === '' ? '(root)' : e.path}: ${e.message}\n`;
      // Flush violations in batches so a huge bad file streams instead of accumulating.
      if (report.length > 65_536) {
        out.write(report);
        report = '';
      }
    }
  } catch (error) {
    err.write(`lanet validate: ${describeReadError(options.input, error)}\n`);
    return EXIT.unreadable;
  }
  if (report) out.write(report);
  if (!options.quiet) err.write(`${valid + invalid} ${options.type} payload(s): ${valid} valid, ${invalid} invalid\n`);
  return invalid > 0 ? EXIT.invalid : EXIT.valid;
}

/** Runs `lanet validate` and returns its exit code: 0 all valid, 1 any invalid, 2 input unreadable. */
export async function run(options: ValidateOptions): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  return options.ndjson ? validateNdjson(options, out, err) : validateDocument(options, out, err);
}
