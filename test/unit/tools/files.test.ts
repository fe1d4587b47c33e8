/** The output-path rule (tools/files.ts) and the input guards (tools/input.ts), case by case. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparsetileError } from '../../../contract/errors.ts';
import { claimOutputDir, claimOutputFile, ensureOutputDir, OUTPUT_MARKER, writeDirAtomic, writeFileAtomic } from '../../../tools/files.ts';
import { jsonDepth, readInputFile, readJsonFile } from '../../../tools/input.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'st-files-'));
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SparsetileError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('output folders', () => {
  it('refuses an existing file, and leaves it as it was', async () => {
    const d = tmp();
    const f = join(d, 'w.npy');
    writeFileSync(f, 'weights');
    expect(messageOf(() => claimOutputDir(f))).toBe(`--out ${f}: is an existing file, and an output folder would replace it. Choose a new folder name, e.g. --out ${f}.out/.`);
    await expect(writeDirAtomic(f, (t) => writeFileSync(join(t, 'x'), 'x'))).rejects.toThrow(/is an existing file/);
    expect(readFileSync(f, 'utf8')).toBe('weights');
  });

  it('refuses a folder sparsetile did not write (".", a folder of the user\'s), and touches nothing in it', async () => {
    const d = tmp();
    writeFileSync(join(d, 'notes.txt'), 'mine');
    expect(messageOf(() => claimOutputDir(d))).toBe(`--out ${d}: it is an existing folder with 1 entry that sparsetile did not write, so replacing it would delete them. Choose a new or empty folder, or remove this one yourself.`);
    const cwd = process.cwd();
    process.chdir(d);
    try {
      expect(messageOf(() => claimOutputDir('.'))).toMatch(/^--out \.: it is an existing folder with 1 entry that sparsetile did not write/);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(d)).toEqual(['notes.txt']);
  });

  it('replaces an empty folder or one it wrote, atomically, and marks it', async () => {
    const d = tmp();
    const out = join(d, 'out');
    mkdirSync(out);
    await writeDirAtomic(out, (t) => writeFileSync(join(t, 'a.txt'), '1'));
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'a.txt']);
    await writeDirAtomic(out, (t) => writeFileSync(join(t, 'b.txt'), '2'));
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'b.txt']);
    // a failing fill leaves the previous output and no temporary folder
    await expect(writeDirAtomic(out, () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'b.txt']);
    expect(readdirSync(d)).toEqual(['out']);
  });

  it('refuses an empty path, a name over NAME_MAX and a path under a file', () => {
    const d = tmp();
    writeFileSync(join(d, 'f'), '');
    expect(messageOf(() => claimOutputDir(''))).toBe('--out must name a path, got an empty string. Give a folder or file name, e.g. --out out/.');
    expect(messageOf(() => claimOutputDir(join(d, 'x'.repeat(300))))).toMatch(/is 300 bytes long, but file systems take at most 255\. Choose a shorter name\.$/);
    expect(messageOf(() => claimOutputDir(join(d, 'f', 'sub')))).toBe(`--out ${join(d, 'f', 'sub')}: ${join(d, 'f')} is a file, so nothing can be created under it. Choose a path whose parent is a folder.`);
  });

  it('an output file may replace a file, never a folder', () => {
    const d = tmp();
    expect(messageOf(() => claimOutputFile(d, '--junit'))).toMatch(/^--junit .*: is an existing folder, and --junit writes a file\./);
    writeFileAtomic(join(d, 'r.xml'), 'one');
    writeFileAtomic(join(d, 'r.xml'), 'two');
    expect(readFileSync(join(d, 'r.xml'), 'utf8')).toBe('two');
    expect(readdirSync(d)).toEqual(['r.xml']);
  });

  it('a working folder is created and marked, so a later run may reuse it', () => {
    const d = join(tmp(), 'case');
    ensureOutputDir(d);
    expect(existsSync(join(d, OUTPUT_MARKER))).toBe(true);
    writeFileSync(join(d, 'job0'), '');
    expect(ensureOutputDir(d)).toBe(d);
  });
});

describe('inputs', () => {
  it('refuses a FIFO, a device and a folder without reading them', () => {
    const d = tmp();
    const fifo = join(d, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(messageOf(() => readInputFile(fifo, 'configuration', 1000))).toBe(`${fifo}: is a FIFO (named pipe), not a regular file; sparsetile reads a configuration only from a regular file. Save it to a file first.`);
    expect(messageOf(() => readInputFile('/dev/zero', '.npy file', 1000))).toMatch(/^\/dev\/zero: is a device, not a regular file/);
    expect(messageOf(() => readInputFile(d, 'model', 1000))).toBe(`${d}: is a folder, not a model. Give the path of the file itself.`);
  });

  it('states the size limit, and the nesting limit of JSON', () => {
    const d = tmp();
    writeFileSync(join(d, 'big'), Buffer.alloc(2000));
    expect(messageOf(() => readInputFile(join(d, 'big'), 'energy table', 1000))).toBe(`${join(d, 'big')}: is 2000 bytes, more than the 1000 bytes an energy table may have. Check that this is the right file.`);
    writeFileSync(join(d, 'deep.json'), `${'['.repeat(100000)}${']'.repeat(100000)}`);
    expect(messageOf(() => readJsonFile(join(d, 'deep.json')))).toBe(`${join(d, 'deep.json')}: is nested 100000 levels deep, more than the 64 levels any sparsetile input has. Check that this is the right file.`);
    expect(jsonDepth('{"a": "[[[", "b": [1, {"c": "\\\\"}]}')).toBe(3);
  });
});
