/** Runs the real CLI as a user would, through bin/sparsetile.mjs. */
import { execa, type Result } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/sparsetile.mjs', import.meta.url));

export function runCli(args: string[], opts: { cwd?: string; timeout?: number } = {}): Promise<Result> {
  return execa('node', [BIN, ...args], { reject: false, all: true, timeout: opts.timeout ?? 600_000, cwd: opts.cwd });
}
