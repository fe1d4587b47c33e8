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
import { registerJunction } from './junction.ts';
import { registerSweep } from './sweep.ts';
import { registerReport } from './report.ts';
// command modules: add one import and one register call per command family

/** `--debug` anywhere on the command line (or SPARSETILE_DEBUG=1) shows stack traces of internal errors. */
const argv = process.argv.filter((a) => a !== '--debug');
const debug = argv.length !== process.argv.length || process.env.SPARSETILE_DEBUG === '1';

// A reader that stops early (`sparsetile ... | head`) closes stdout: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** sysexits(3) EX_SOFTWARE: an internal error, as opposed to bad input (2) or a mismatch (1). */
const EX_SOFTWARE = 70;

/** The one way a failure leaves the process: bad input exits 2 with its sentence, anything else 70. */
function fail(e: unknown): never {
  if (e instanceof SparsetileError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(
    `internal error: ${what.split('\n')[0]}. This is a bug in sparsetile, not a problem with your input; please report it with the command line you ran${debug ? '.' : ' and the trace that --debug (or SPARSETILE_DEBUG=1) prints.'}\n`,
  );
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(EX_SOFTWARE);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const program = new Command();
program
  .name('sparsetile')
  .description('Hardware generator and RTL co-simulation harness for weight-skipping sparse NN accelerator tiles')
  .version(process.env.npm_package_version ?? '0.1.0')
  .addHelpText('after', '\nAdd --debug anywhere (or set SPARSETILE_DEBUG=1) to see the stack trace of an internal error.')
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
registerJunction(program);
registerSweep(program);
registerReport(program);

try {
  await program.parseAsync(argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander already printed its message: --help and --version keep commander's status (0), a usage
    // error (unknown option, missing argument) is bad input like any other: 2.
    const shown = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(e.code);
    process.exit(shown ? e.exitCode : 2);
  }
  fail(e);
}
