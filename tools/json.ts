/** Reading a JSON input file, with one sentence when it cannot be read or parsed. */
import { SparsetileError } from '../contract/errors.ts';
import { readInputFile } from './input-file.ts';

/** `expected` replaces the default advice after a parse error, e.g. "a TF.js model.json is expected". */
export function readJsonFile(file: string, expected?: string): unknown {
  const text = readInputFile(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SparsetileError(`${file}: is not valid JSON (${(e as Error).message})${expected ? `; ${expected}` : '. Fix the syntax and try again.'}`);
  }
}
