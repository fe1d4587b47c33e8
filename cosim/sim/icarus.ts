/** Icarus Verilog 11: iverilog -g2012 compiles to a vvp image that vvp runs. */
import { join } from 'node:path';
import { type Build, type BuildSpec, type RunSpec, Simulator } from './runner.ts';

export class Icarus extends Simulator {
  readonly name = 'icarus' as const;
  protected readonly tool: string = 'iverilog';
  protected readonly versionArgs = ['-V'];
  readonly waveFile = 'waves.vcd';
  readonly tracingNeedsRebuild = false;
  protected flags(): readonly string[] {
    // Icarus always can dump VCD; tracing needs no different build.
    return ['-g2012']; // SystemVerilog: logic, int, $sformatf, automatic tasks in the testbench
  }

  protected buildCommands(spec: BuildSpec, _dir: string, sources: readonly string[]) {
    return [{ file: 'iverilog', args: [...this.flags(), '-s', spec.top, '-o', 'sim.vvp', ...sources] }];
  }

  protected executableIn(dir: string): string {
    return join(dir, 'sim.vvp');
  }

  runCommand(build: Build, spec: RunSpec) {
    // -n: $stop ends the simulation instead of opening the interactive prompt.
    return { file: 'vvp', args: ['-n', build.executable, ...spec.plusargs.map((p) => `+${p}`)] };
  }
}
