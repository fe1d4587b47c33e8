/**
 * Tools a command installs on first use from Debian packages (as `make setup` does for the
 * simulators): only as root, otherwise the error says which package to install.
 */
import { SparsetileError } from '../contract/errors.ts';
import { hasTool, runTool } from './exec.ts';

/** Installs Debian package `pkg` when `cmd` is missing; `log` prints the setup banner. */
export async function ensureDebianTool(cmd: string, pkg: string, why: string, log: (line: string) => void): Promise<void> {
  if (await hasTool(cmd)) return;
  if (process.getuid?.() !== 0) {
    throw new SparsetileError(`${why} needs ${cmd}, which is not installed. Install the Debian package as root: apt-get install ${pkg}.`);
  }
  log(`\n== SETUP apt-get install ${pkg} ==`);
  await runTool('apt-get', ['update', '-qq'], process.cwd(), 'apt-get update');
  try {
    await runTool('apt-get', ['install', '-y', '-qq', pkg], process.cwd(), `installing ${pkg}`, { DEBIAN_FRONTEND: 'noninteractive' });
  } catch (e) {
    throw new SparsetileError(`Installing ${pkg} failed (${(e as Error).message.split('\n')[0]}). Install it by hand and try again.`);
  }
}
