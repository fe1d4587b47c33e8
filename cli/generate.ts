/** `sparsetile generate`: write the RTL, headers, filelist, FuseSoC core and manifest of a configuration. */
import type { Command } from 'commander';
import { loadConfig } from '../tools/configs.ts';
import { writeBundle } from '../generators/bundle.ts';
import { claimOutputDir } from '../tools/files.ts';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate the Verilog RTL of a configuration, with its filelist, FuseSoC core, C and TypeScript headers and manifest')
    .requiredOption('--config <name|file>', 'a named configuration (see `config list`) or a path to a .json file')
    .option('--out <dir>', 'output directory (replaced atomically)', undefined)
    .action(async (opts: { config: string; out?: string }) => {
      const cfg = loadConfig(opts.config);
      const out = opts.out ?? `rtl-out/${cfg.name}`;
      claimOutputDir(out);
      const files = await writeBundle(cfg, out);
      const modules = files.filter((f) => f.path.endsWith('.v')).map((f) => f.path.slice(0, -2));
      process.stdout.write(
        `${out}: ${files.length} files for "${cfg.name}" (hash ${cfg.hash.slice(0, 12)}): ${modules.length} modules (${modules.join(', ')}), pipeline latency ${cfg.pipelineLatency} cycles\n`,
      );
    });
}
