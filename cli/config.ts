/** `sparsetile config show|check|list`: inspect and validate hardware configurations. */
import type { Command } from 'commander';
import { loadConfig, namedConfigs } from '../tools/configs.ts';
import { claimOutputFile, writeFileAtomic } from '../tools/files.ts';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect and validate hardware configurations');

  config
    .command('show')
    .description('print the resolved configuration, with every derived field, as JSON')
    .argument('<name|file>', 'a named configuration (see `config list`) or a path to a .json file')
    .option('--out <file>', 'write the JSON to this file instead of standard output')
    .action((nameOrFile: string, opts: { out?: string }) => {
      if (opts.out) claimOutputFile(opts.out);
      const { input: _input, ...resolved } = loadConfig(nameOrFile);
      const text = `${JSON.stringify(resolved, null, 2)}\n`;
      if (opts.out) writeFileAtomic(opts.out, text);
      else process.stdout.write(text);
    });

  config
    .command('check')
    .description('validate a configuration file; exits non-zero with a message naming the field, the rule and the value')
    .argument('<file>', 'path to a configuration .json file (or a named configuration)')
    .action((file: string) => {
      const c = loadConfig(file);
      process.stdout.write(`${file}: valid configuration "${c.name}" (${c.multipliers} multipliers, ${c.muxInputs}-input muxes, hash ${c.hash.slice(0, 12)})\n`);
    });

  config
    .command('list')
    .description('list the named configurations shipped in configs/')
    .action(() => {
      for (const name of namedConfigs()) {
        const c = loadConfig(name);
        process.stdout.write(`${name.padEnd(8)} ${c.description}\n`);
      }
    });
}
