/** Reading a JSON input file, with one sentence when it cannot be read or parsed. */
import { readFileSync } from 'node:fs';
import { SparsetileError } from '../contract/errors.ts';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SparsetileError(`${file}: is not valid JSON (${(e as Error).message}). Fix the syntax and try again.`);
  }
}
