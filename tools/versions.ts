/** Versions of the external tools, for manifests and reports. A missing tool is reported, not fatal. */
import { execa } from 'execa';

export interface ToolVersions {
  readonly verilator: string | null;
  readonly iverilog: string | null;
  readonly yosys: string | null;
}

/** The first output line of `cmd args` that names a version (d.d), or null when the tool is missing. */
export async function toolVersion(cmd: string, args: readonly string[]): Promise<string | null> {
  try {
    const r = await execa(cmd, [...args], { reject: false, all: true, timeout: 20_000 });
    if (r.failed && r.exitCode === undefined) return null;
    const first = `${r.all ?? ''}`.split('\n').find((l) => /\d+\.\d+/.test(l));
    return first ? first.trim() : null;
  } catch {
    return null;
  }
}

let cached: Promise<ToolVersions> | undefined;

/** `verilator --version`, `iverilog -V`, `yosys -V`: the first line that names a version, or null. */
export function toolVersions(): Promise<ToolVersions> {
  cached ??= (async () => ({
    verilator: await toolVersion('verilator', ['--version']),
    iverilog: await toolVersion('iverilog', ['-V']),
    yosys: await toolVersion('yosys', ['-V']),
  }))();
  return cached;
}
