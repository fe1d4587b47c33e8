/** Reading a user's input file, with one sentence when it cannot be read. */
import { readFileSync } from 'node:fs';
import { SparsetileError } from '../contract/errors.ts';

export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
}
