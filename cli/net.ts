/** `sparsetile net`: run every layer of a catalog network or an imported workload through the golden model. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { SparsetileError } from '../contract/errors.ts';
import { catalogNetworkNames } from '../workloads/catalog/schema.ts';
import { formatNetCsv, formatNetTable, runNetwork } from '../workloads/net.ts';
import { claimOutputFile, writeFileAtomic } from '../tools/files.ts';
import { progressBar } from './progress.ts';
import { addSchedulerOption, addShuffleOption, DEFAULT_SEED, parseScheduler, parseSeed } from './layer-options.ts';

export function registerNet(program: Command): void {
  const cmd = program
    .command('net')
    .description('run every layer of a network through the golden model: per-layer steps, dense and scheduled cycles, speedup, zeros removed; network total')
    .requiredOption('--network <name|dir>', 'a catalog network (see --list) or a workload folder written by `sparsetile import`')
    .option('--config <name|file>', 'hardware configuration', 'paper');
  addSchedulerOption(cmd);
  addShuffleOption(cmd);
  cmd
    .option('--seed <n>', `seed of the synthetic weights of catalog networks (default ${DEFAULT_SEED})`)
    .option('--layers <regex>', 'only the layers whose name matches')
    .option('--out <dir>', 'write net.json and net.csv into this folder')
    .option('--json', 'print the JSON result instead of the table')
    .addHelpText('after', `\nCatalog networks: ${safeNames()}\nCatalog weights are synthetic (published per-layer densities, uniform random placement from --seed).`)
    .action(async (opts: { network: string; config: string; scheduler: string; shuffle?: boolean; seed?: string; layers?: string; out?: string; json?: boolean }) => {
      const cfg = loadConfig(opts.config);
      const scheduler = parseScheduler(opts.scheduler);
      const seed = parseSeed(opts.seed);
      let layerFilter: RegExp | undefined;
      if (opts.layers !== undefined) {
        try {
          layerFilter = new RegExp(opts.layers);
        } catch (e) {
          throw new SparsetileError(`--layers must be a regular expression, got ${JSON.stringify(opts.layers)} (${(e as Error).message}).`);
        }
      }
      if (opts.out) for (const f of ['net.json', 'net.csv']) claimOutputFile(join(opts.out, f), '--out');
      const bar = progressBar('layers');
      const result = await runNetwork(opts.network, cfg, { scheduler, shuffle: Boolean(opts.shuffle), seed, layerFilter, onProgress: bar });
      bar.end();
      if (result.layers.length === 0) throw new SparsetileError(`--layers ${JSON.stringify(opts.layers)} matches no layer of ${opts.network}.`);
      const json = `${JSON.stringify(result, null, 2)}\n`;
      if (opts.out) {
        writeFileAtomic(join(opts.out, 'net.json'), json);
        writeFileAtomic(join(opts.out, 'net.csv'), formatNetCsv(result));
      }
      process.stdout.write(opts.json ? json : formatNetTable(result));
    });
}

function safeNames(): string {
  try {
    return catalogNetworkNames().join(', ');
  } catch {
    return '(catalog unreadable)';
  }
}
