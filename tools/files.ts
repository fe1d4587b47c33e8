/**
 * Output files and folders: one rule for every command that writes.
 *
 *  - A command claims its output path before any work starts (claimOutputDir / claimOutputFile), so a
 *    bad path fails in the first second, not after a long simulation.
 *  - An output folder may be created, or replaced only when it is empty or sparsetile wrote it (it
 *    holds the marker file OUTPUT_MARKER). An existing file, or a folder of the user's own, is never
 *    deleted or replaced: the command refuses with one sentence naming the path and the fix.
 *  - An output file may replace an existing file of that name (the user named it), never a folder.
 *  - Everything is written into a temporary sibling and renamed into place at the end, so readers never
 *    see a half-written output and a failure leaves the previous output untouched.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { SparsetileError } from '../contract/errors.ts';

/** Left in every output folder sparsetile writes: the folder may be replaced by a later run. */
export const OUTPUT_MARKER = '.sparsetile-output';

/** Longest file name most file systems take (bytes). */
const NAME_MAX = 255;

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The path's shape: not empty, no component longer than NAME_MAX, and its nearest existing ancestor a writable folder. */
function checkPathShape(path: string, flag: string): string {
  if (path.trim() === '') throw new SparsetileError(`${flag} must name a path, got an empty string. Give a folder or file name, e.g. ${flag} out/.`);
  const abs = resolve(path);
  const long = abs.split(sep).find((c) => Buffer.byteLength(c) > NAME_MAX);
  if (long !== undefined) {
    throw new SparsetileError(`${flag} ${path}: the name ${JSON.stringify(long.length > 40 ? `${long.slice(0, 37)}...` : long)} is ${Buffer.byteLength(long)} bytes long, but file systems take at most ${NAME_MAX}. Choose a shorter name.`);
  }
  let ancestor = dirname(abs);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  let isDir: boolean;
  try {
    isDir = statSync(ancestor).isDirectory();
  } catch (e) {
    throw new SparsetileError(`${flag} ${path}: cannot inspect ${ancestor} (${errCode(e)}). Choose another path.`);
  }
  if (!isDir) throw new SparsetileError(`${flag} ${path}: ${ancestor} is a file, so nothing can be created under it. Choose a path whose parent is a folder.`);
  try {
    accessSync(ancestor, constants.W_OK);
  } catch {
    throw new SparsetileError(`${flag} ${path}: the folder ${ancestor} is not writable. Choose a path in a folder you can write to.`);
  }
  return abs;
}

/** Why an existing folder may not be replaced, or null when it may (empty, or written by sparsetile). */
function foreignFolder(abs: string): string | null {
  const entries = readdirSync(abs);
  if (entries.length === 0 || entries.includes(OUTPUT_MARKER)) return null;
  return `it is an existing folder with ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} that sparsetile did not write`;
}

/**
 * Claims `path` as a command's output folder (`flag` names the option in messages) and returns its
 * absolute path. Nothing is created yet.
 */
export function claimOutputDir(path: string, flag = '--out'): string {
  const abs = checkPathShape(path, flag);
  if (!existsSync(abs)) return abs;
  if (!statSync(abs).isDirectory()) {
    throw new SparsetileError(`${flag} ${path}: is an existing file, and an output folder would replace it. Choose a new folder name, e.g. ${flag} ${path}.out/.`);
  }
  const why = foreignFolder(abs);
  if (why !== null) {
    throw new SparsetileError(`${flag} ${path}: ${why}, so replacing it would delete them. Choose a new or empty folder, or remove this one yourself.`);
  }
  return abs;
}

/** Claims `path` as a command's output file: an existing file of that name is replaced, a folder never. */
export function claimOutputFile(path: string, flag = '--out'): string {
  const abs = checkPathShape(path, flag);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    throw new SparsetileError(`${flag} ${path}: is an existing folder, and ${flag} writes a file. Give a file name, e.g. ${flag} ${join(path, basename(abs) || 'out')}.json.`);
  }
  return abs;
}

/** A folder created by a command for its own use (a case directory it writes into step by step), marked as sparsetile's. */
export function ensureOutputDir(path: string, flag = '--out'): string {
  const abs = claimOutputDir(path, flag);
  try {
    mkdirSync(abs, { recursive: true });
    writeFileSync(join(abs, OUTPUT_MARKER), 'written by sparsetile; the folder may be replaced by a later run\n');
  } catch (e) {
    throw new SparsetileError(`${flag} ${path}: cannot be created (${errCode(e)}). Choose a path in a folder you can write to.`);
  }
  return abs;
}

/** Writes a file through a temporary sibling and a rename, so readers never see a partial file. */
export function writeFileAtomic(path: string, data: string | Uint8Array, flag = 'output'): void {
  const abs = claimOutputFile(path, flag);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof SparsetileError) throw e;
    throw new SparsetileError(`${path}: cannot be written (${errCode(e)}). Choose a path in a folder you can write to.`);
  }
}

/**
 * Builds a whole output folder in a temporary sibling and renames it into place when `fill`
 * succeeds; on failure the temporary folder is removed and any previous output is untouched. The
 * folder must pass claimOutputDir (checked again here, as the path may have changed meanwhile).
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => void | Promise<void>, flag = '--out'): Promise<void> {
  const abs = claimOutputDir(dir, flag);
  const parent = dirname(abs);
  const tmp = join(parent, `.${basename(abs)}.${process.pid}.tmp`);
  const old = join(parent, `.${basename(abs)}.${process.pid}.old`);
  try {
    mkdirSync(parent, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
  } catch (e) {
    throw new SparsetileError(`${flag} ${dir}: cannot be created (${errCode(e)}). Choose a path in a folder you can write to.`);
  }
  try {
    await fill(tmp);
    writeFileSync(join(tmp, OUTPUT_MARKER), 'written by sparsetile; the folder may be replaced by a later run\n');
    claimOutputDir(dir, flag);
    if (existsSync(abs)) renameSync(abs, old);
    renameSync(tmp, abs);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(abs)) renameSync(old, abs); // put the previous output back
    if (e instanceof SparsetileError) throw e;
    if ((e as NodeJS.ErrnoException).code) throw new SparsetileError(`${flag} ${dir}: cannot be written (${errCode(e)}). Choose a path in a folder you can write to.`);
    throw e;
  }
}
