/**
 * Running external tools (Yosys, nextpnr, apt-get): argument arrays, never shell strings; a missing
 * tool or a failing run becomes one SparsetileError that names the step and shows the tool's last
 * output lines. Simulators have their own runner (cosim/sim/runner.ts) with caching and timeouts.
 */
import { execa } from 'execa';
import { SparsetileError } from '../contract/errors.ts';

/** Runs `cmd args` in `cwd`; returns its interleaved output. `what` names the step in errors. */
export async function runTool(cmd: string, args: readonly string[], cwd: string, what: string, env?: Record<string, string>): Promise<string> {
  const r = await execa(cmd, [...args], { cwd, reject: false, all: true, env });
  if (r.failed && r.exitCode === undefined) {
    throw new SparsetileError(`${what}: the tool "${cmd}" could not be run (${r.shortMessage}). Install it (make setup) and try again.`);
  }
  if (r.exitCode !== 0) {
    const tail = `${r.all ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SparsetileError(`${what}: "${cmd}" failed with exit status ${r.exitCode}. Its last output lines:\n${tail}`);
  }
  return `${r.all ?? ''}`;
}

/** True when `cmd` can be started (any exit status). */
export async function hasTool(cmd: string, probeArgs: readonly string[] = ['--version']): Promise<boolean> {
  const r = await execa(cmd, [...probeArgs], { reject: false });
  return !r.failed || r.exitCode !== undefined;
}
