/**
 * Reading the files users point at: only regular files (a FIFO or a device would block or never
 * end), up to a size limit stated in the message, and JSON with a nesting limit (a deeply nested
 * document would overflow the parser's stack). Every failure is one SparsetileError sentence.
 */
import { readFileSync, statSync } from 'node:fs';
import { SparsetileError } from '../contract/errors.ts';

export const MiB = 1024 * 1024;

/** Size limits of the inputs, by kind. */
export const INPUT_LIMITS = {
  json: 64 * MiB,
  npy: 2048 * MiB,
  model: 2048 * MiB,
  image: 256 * MiB,
  /** Deepest nesting of arrays and objects a JSON input may have. */
  jsonDepth: 64,
} as const;

/** "a" or "an" before a word. */
const an = (what: string) => (/^[aeiou.]/i.test(what) ? `an ${what}` : `a ${what}`);

const size = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(n >= 100 * MiB ? 0 : 1)} MiB` : `${n} bytes`);

/** Reads a regular file of at most `maxBytes` bytes; `what` names it in messages ("configuration", ".npy file"). */
export function readInputFile(file: string, what: string, maxBytes: number): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  if (st.isDirectory()) throw new SparsetileError(`${file}: is a folder, not ${an(what)}. Give the path of the file itself.`);
  if (!st.isFile()) {
    const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new SparsetileError(`${file}: is ${kind}, not a regular file; sparsetile reads ${an(what)} only from a regular file. Save it to a file first.`);
  }
  if (st.size > maxBytes) {
    throw new SparsetileError(`${file}: is ${size(st.size)}, more than the ${size(maxBytes)} ${an(what)} may have. Check that this is the right file.`);
  }
  try {
    return readFileSync(file);
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
}

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), scanned without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Parses JSON text from `file` (for messages), refusing documents nested deeper than the limit.
 * `advice` replaces the default fix after a syntax error ("a TF.js model.json is expected").
 */
export function parseJsonText(text: string, file: string, advice?: string): unknown {
  const d = jsonDepth(text);
  if (d > INPUT_LIMITS.jsonDepth) {
    throw new SparsetileError(`${file}: is nested ${d} levels deep, more than the ${INPUT_LIMITS.jsonDepth} levels any sparsetile input has. Check that this is the right file.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SparsetileError(`${file}: is not valid JSON (${(e as Error).message})${advice ? `; ${advice}` : '. Fix the syntax and try again.'}`);
  }
}

/** Reads and parses a JSON input file with the limits above. */
export function readJsonFile(file: string, what = 'JSON file', advice?: string): unknown {
  return parseJsonText(readInputFile(file, what, INPUT_LIMITS.json).toString('utf8'), file, advice);
}
