/** `sparsetile sweep`: speedup against weight sparsity per interconnect and scheduler (experiments/sweep.ts). */
import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { checkWorkers, defaultWorkers } from '../experiments/pool.ts';
import { defaultSweep, sweepCsv, type SweepResult, type SweepSpec } from '../experiments/sweep-spec.ts';
import { loadConfig } from '../tools/configs.ts';
import { claimOutputDir, ensureOutputDir, writeDirAtomic } from '../tools/files.ts';
import { parseSeed } from './layer-options.ts';
import { progressBar } from './progress.ts';

interface SweepFlags {
  profile: 'full' | 'quick';
  out: string;
  series?: string;
  sparsities?: string;
  reps?: string;
  seed?: string;
  workers: string;
  cosim: boolean;
  cosimDir: string;
  milpSec?: string;
}

/** The sweep a command line asks for: a profile, narrowed or changed by the flags. */
export function sweepSpecFrom(f: Omit<SweepFlags, 'out' | 'workers' | 'cosimDir'>): SweepSpec {
  const base = defaultSweep(f.profile);
  let series = base.series;
  if (f.series !== undefined) {
    const ids = f.series.split(',').map((s) => s.trim());
    const unknown = ids.filter((id) => !base.series.some((s) => s.id === id));
    if (unknown.length > 0) throw new SparsetileError(`--series ${showValue(f.series)}: ${unknown.join(', ')} is not a series of the ${f.profile} sweep; its series are ${base.series.map((s) => s.id).join(', ')}.`);
    series = base.series.filter((s) => ids.includes(s.id));
  }
  let sparsities = base.sparsities;
  if (f.sparsities !== undefined) {
    sparsities = f.sparsities.split(',').map((s) => Number(s.trim()));
    if (sparsities.some((s) => !(s >= 0 && s <= 1)) || f.sparsities.trim() === '') {
      throw new SparsetileError(`--sparsities must be a comma-separated list of numbers from 0 to 1, e.g. 0,0.5,0.9; got ${showValue(f.sparsities)}.`);
    }
  }
  const reps = f.reps === undefined ? base.reps : Number(f.reps);
  if (!Number.isInteger(reps) || reps < 1 || reps > 100) throw new SparsetileError(`--reps must be an integer from 1 to 100 (random layers per point), got ${showValue(f.reps)}.`);
  const milpSec = f.milpSec === undefined ? base.milpSec : Number(f.milpSec);
  if (!(milpSec > 0 && milpSec <= 3600)) throw new SparsetileError(`--milp-sec must be a number of seconds above 0 and at most 3600, got ${showValue(f.milpSec)}.`);
  const ids = new Set(series.map((s) => s.id));
  const cosim = f.cosim ? base.cosim.filter((c) => ids.has(c.series) && sparsities.includes(c.sparsity) && c.rep < reps) : [];
  return { ...base, series, sparsities, reps, seed: f.seed === undefined ? base.seed : parseSeed(f.seed), milpSec, cosim };
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('speedup against weight sparsity for the interconnects and schedulers of the design document (Figures 12 and 13), on seeded random layers; some points co-simulated in Verilator')
    .requiredOption('--out <dir>', 'write sweep.json and sweep.csv into this folder (replaced atomically)')
    .addOption(new Option('--profile <name>', 'full: 20 sparsities 0..0.95, 3 repetitions; quick: 4 sparsities, 2 repetitions').choices(['full', 'quick']).default('full'))
    .option('--series <ids>', 'only these series (comma-separated ids, e.g. t25,t34,dense)')
    .option('--sparsities <list>', 'sparsities to run, e.g. 0,0.5,0.9 (default: the profile\'s)')
    .option('--reps <n>', 'random layers per point (default: the profile\'s)')
    .option('--seed <n>', 'base seed of the random layers (default 1)')
    .option('--workers <n>', 'worker threads', String(defaultWorkers()))
    .option('--no-cosim', 'skip the Verilator co-simulation of the marked points')
    .option('--cosim-dir <dir>', 'root of the co-simulation case folders', 'rtl-out/sweep')
    .option('--milp-sec <s>', 'MILP time limit per set of the optimal series (default: the profile\'s)')
    .action(async (f: SweepFlags) => {
      const spec = sweepSpecFrom(f);
      const workers = checkWorkers(Number(f.workers));
      claimOutputDir(f.out);
      const cosimDir = spec.cosim.length > 0 ? ensureOutputDir(resolve(f.cosimDir), '--cosim-dir') : resolve(f.cosimDir);
      const bar = progressBar('points');
      const t0 = performance.now();
      const { runSweep } = await import('../experiments/sweep.ts'); // loaded on use: the CLI starts without the simulators and worker pool
      const result = await runSweep(spec, { workers, config: loadConfig, cosimDir, onProgress: bar });
      bar.end();
      await writeDirAtomic(f.out, (dir) => {
        writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(result, null, 2)}\n`);
        writeFileSync(join(dir, 'sweep.csv'), sweepCsv(result));
      });
      process.stdout.write(formatSweep(result, (performance.now() - t0) / 1000, workers));
      process.stdout.write(`wrote ${join(f.out, 'sweep.json')} and ${join(f.out, 'sweep.csv')}\n`);
      if (result.points.some((p) => p.cosim && !p.cosim.ok)) process.exitCode = 1;
    });
}

/** Mean speedup per series at each sparsity (columns), with the co-simulated points' verdicts. */
export function formatSweep(r: SweepResult, seconds: number, workers: number): string {
  const sp = r.spec.sparsities;
  const head = ['series', ...sp.map((s) => String(s))];
  const rows = r.spec.series.map((s) => [s.id, ...sp.map((x) => r.summary.find((m) => m.series === s.id && m.sparsity === x)!.mean.toFixed(2))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [`sweep ${r.spec.name}: ${r.points.length} points (${r.spec.reps} random layers per point, seed ${r.spec.seed}) in ${seconds.toFixed(1)} s on ${workers} worker(s); mean speedup over dense:`, line(head), ...rows.map(line)];
  for (const p of r.points.filter((x) => x.cosim)) {
    const c = p.cosim!;
    out.push(`${c.ok ? 'PASS' : 'FAIL'} Verilator ${p.id}: ${c.cycles ?? 'no'} cycles (memory-system model ${c.modelCycles}; compute ${p.cycles} + ${c.modelCycles - p.cycles} fill, streaming and start-up), ${c.outputs} outputs, ${c.mismatches} mismatches; ${c.dir}`);
  }
  return `${out.join('\n')}\n`;
}
