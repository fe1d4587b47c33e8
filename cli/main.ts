/**
 * sparsetile command line. Each command lives in its own module under cli/ and registers itself on
 * the program; this file only wires them together and turns user errors into one-paragraph messages.
 */
import { Command, CommanderError } from 'commander';
import { SparsetileError } from '../contract/errors.ts';
import { registerConfig } from './config.ts';
import { registerGenerate } from './generate.ts';
import { registerSynth } from './synth.ts';
import { registerNet } from './net.ts';
import { registerImport } from './import.ts';
import { registerRun } from './run.ts';
import { registerCosim } from './cosim.ts';
import { registerRegress } from './regress.ts';
import { registerDemo } from './demo.ts';
import { registerMutate } from './mutate.ts';
import { registerEnergy } from './energy.ts';
import { registerCompress } from './compress.ts';
// command modules: add one import and one register call per command family

const program = new Command();
program
  .name('sparsetile')
  .description('Hardware generator and RTL co-simulation harness for weight-skipping sparse NN accelerator tiles')
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerConfig(program);
registerGenerate(program);
registerSynth(program);
registerNet(program);
registerImport(program);
registerRun(program);
registerCosim(program);
registerRegress(program);
registerDemo(program);
registerMutate(program);
registerEnergy(program);
registerCompress(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander already printed its message; --help and --version exit 0
    process.exit(e.exitCode);
  }
  if (e instanceof SparsetileError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
