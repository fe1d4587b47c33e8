/** `sparsetile report`: run the experiments and write the HTML report with its data (experiments/report.ts). */
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { checkWorkers, defaultWorkers } from '../experiments/pool.ts';
import type { Profile } from '../experiments/runs.ts';
import { GENERATOR_VERSION } from '../generators/version.ts';
import { loadConfig } from '../tools/configs.ts';
import { claimOutputDir, ensureOutputDir } from '../tools/files.ts';
import { toolVersions } from '../tools/versions.ts';
import { progressBar } from './progress.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('reproduce the design document\'s figures beside ours: runs the sweep, every catalog network and the shipped real models, energy and synthesis, and writes index.html with inline SVG charts plus CSV and JSON for every figure')
    .requiredOption('--out <dir>', 'report folder to write (replaced atomically), e.g. report/')
    .addOption(new Option('--profile <name>', 'full: every catalog network and real model, the 20-sparsity sweep, synthesis of the five paper-size configurations; quick: one network\'s convolutions, a 4-sparsity sweep, tiny only').choices(['full', 'quick']).default('full'))
    .option('--workers <n>', 'worker threads', String(defaultWorkers()))
    .option('--no-cosim', 'skip the Verilator co-simulation of the marked sweep points')
    .option('--cosim-dir <dir>', 'root of the co-simulation case folders', 'rtl-out/report')
    .addHelpText('after', '\nSynthesis results are cached under .cache/synth/ by configuration and generator hash; real-model imports under .cache/demo-import/. docs/report.md explains every figure.')
    .action(async (o: { out: string; profile: Profile; workers: string; cosim: boolean; cosimDir: string }) => {
      const workers = checkWorkers(Number(o.workers));
      claimOutputDir(o.out);
      // loaded on use: vega, the simulators and the worker pool are not needed to start the CLI
      const { collectRuns, reportPlan } = await import('../experiments/runs.ts');
      const { reportFiles, writeReport } = await import('../experiments/report.ts');
      const base = reportPlan(o.profile);
      const plan = o.cosim ? base : { ...base, sweep: { ...base.sweep, cosim: [] } };
      const cosimDir = plan.sweep.cosim.length > 0 ? ensureOutputDir(resolve(o.cosimDir), '--cosim-dir') : resolve(o.cosimDir);
      const t0 = performance.now();
      const bar = progressBar('tasks');
      const say = (line: string) => process.stderr.write(process.stderr.isTTY ? '' : `${line}\n`);
      const runs = await collectRuns(plan, { workers, config: loadConfig, cosimDir, onProgress: bar, say });
      bar.end();
      const tools = await toolVersions();
      const files = await reportFiles(runs, { version: GENERATOR_VERSION, tools: { ...tools }, seconds: (performance.now() - t0) / 1000, workers });
      await writeReport(o.out, files);
      const failed = runs.sweep.points.filter((p) => p.cosim && !p.cosim.ok);
      process.stdout.write(`wrote ${join(o.out, 'index.html')} and ${files.size - 1} data files (${runs.networks.length} networks, ${runs.sweep.points.length} sweep points) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      for (const p of failed) process.stdout.write(`FAIL Verilator ${p.id}: ${p.cosim!.cycles} cycles against the model's ${p.cycles}, ${p.cosim!.mismatches} output mismatches; ${p.cosim!.dir}\n`);
      if (failed.length > 0) process.exitCode = 1;
    });
}
