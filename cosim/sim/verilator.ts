/** Verilator 5: the SystemVerilog testbench compiled with --binary --timing, no C++ harness. */
import { join } from 'node:path';
import { type Build, type BuildSpec, type RunSpec, Simulator } from './runner.ts';

const BASE_FLAGS = [
  '--binary', // the testbench brings its own initial blocks; Verilator writes main()
  '--timing', // the testbench uses delays (#5) and event controls (@, wait)
  '--timescale', '1ns/1ps', // the generated RTL has no `timescale; give every module the same one
  '-Wno-fatal', // lint warnings are the generator tests' business; keep them in build.log
  '-Wno-WIDTH', // the testbench truncates int loop counters into index ports on purpose
  '-j', '2', // parallel C++ compile on this 2-core class of machine
  // the model's C++ at -O2 instead of Verilator's default -Os: paper simulates ~20% faster for ~7%
  // more compile time (the runtime library keeps OPT_GLOBAL's -Os)
  '-MAKEFLAGS', 'OPT_FAST=-O2',
];

export class Verilator extends Simulator {
  readonly name = 'verilator' as const;
  protected readonly tool: string = 'verilator';
  protected readonly versionArgs = ['--version'];
  readonly waveFile = 'waves.fst';
  readonly tracingNeedsRebuild = true;

  protected flags(trace: boolean): readonly string[] {
    // --trace-fst lets +waves dump an FST, but roughly triples the compile time: only on request.
    return trace ? [...BASE_FLAGS, '--trace-fst'] : BASE_FLAGS;
  }

  protected buildCommands(spec: BuildSpec, _dir: string, sources: readonly string[]) {
    return [{ file: 'verilator', args: [...this.flags(Boolean(spec.trace)), '--top-module', spec.top, '-Mdir', 'obj', '-o', 'Vsim', ...sources] }];
  }

  protected executableIn(dir: string): string {
    return join(dir, 'obj', 'Vsim');
  }

  runCommand(build: Build, spec: RunSpec) {
    // A failing RTL assertion ($error) stops a Verilator run at once by default; let it finish, so
    // that the results and every assertion message are reported (cosim/compare.ts counts them).
    return { file: build.executable, args: ['+verilator+error+limit+1000000', ...spec.plusargs.map((p) => `+${p}`)] };
  }
}
