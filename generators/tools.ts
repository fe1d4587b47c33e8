/** Versions of the external tools, for manifests and reports. A missing tool is reported, not fatal. */
import { execa } from 'execa';

export interface ToolVersions {
  readonly verilator: string | null;
  readonly iverilog: string | null;
  readonly yosys: string | null;
}

async function probe(cmd: string, args: string[]): Promise<string | null> {
  try {
    const r = await execa(cmd, args, { reject: false, all: true, timeout: 20_000 });
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
    verilator: await probe('verilator', ['--version']),
    iverilog: await probe('iverilog', ['-V']),
    yosys: await probe('yosys', ['-V']),
  }))();
  return cached;
}
