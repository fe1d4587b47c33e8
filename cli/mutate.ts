/**
 * `sparsetile mutate`: applies realistic faults (cosim/mutants.ts) to the generated RTL, runs the
 * quick-suite workloads on each mutant until one fails, and reports how many mutants were caught.
 * Exit status 1 if any mutant survives (or the unmutated RTL does not pass to begin with).
 */
import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { applyMutant, MUTANTS, mutantsFor, type Mutant } from '../cosim/mutants.ts';
import { type CaseOutcome, runRegression } from '../cosim/regress.ts';
import { copyRtl, ensureRtl, type RtlDir } from '../cosim/rtl.ts';
import { type RegressCase, hash32, WORKLOADS } from '../cosim/suites.ts';
import type { SimName } from '../cosim/sim/index.ts';
import { ensureOutputDir } from '../tools/files.ts';
import { parseSims } from './cosim.ts';

/** The quick-suite workloads on one configuration, in a fixed order. */
export function mutationCases(configRef: string, cfg: ResolvedConfig, sims: readonly SimName[], seed: number): RegressCase[] {
  return WORKLOADS.flatMap((w) => sims.map((sim) => ({ id: `${cfg.name}/${w.name}/${sim}`, configRef, workload: w, sim, seed: (hash32(`${cfg.name}/${w.name}`) ^ seed) >>> 0 })));
}

export interface MutantVerdict {
  readonly mutant: Mutant;
  readonly caught: boolean;
  /** The first failing case and its first sentences. */
  readonly by?: CaseOutcome;
  readonly ran: number;
  readonly seconds: number;
  readonly error?: string;
}

export async function runMutant(m: Mutant, base: RtlDir, cfg: ResolvedConfig, cases: readonly RegressCase[], out: string, jobs: number): Promise<MutantVerdict> {
  const t0 = performance.now();
  const dir = join(out, m.id);
  const rtl = copyRtl(base, join(dir, 'rtl'));
  applyMutant(rtl.dir, m);
  const results = await runRegression({
    cases, jobs, outRoot: join(dir, 'cases'), suiteName: `mutant ${m.id}`, stopAtFirstFailure: true, wavesOnFailure: false,
    rtlFor: () => rtl, buildLabel: () => `${cfg.name}-mut-${m.id}`,
  });
  const failed = results.find((r) => !r.ok);
  const buildBroke = failed?.message[0]?.includes('could not build');
  return {
    mutant: m, caught: Boolean(failed) && !buildBroke, by: failed, ran: results.length, seconds: (performance.now() - t0) / 1000,
    error: buildBroke ? `the mutant does not compile, so it models no realistic fault: ${failed!.message[0]}` : undefined,
  };
}

export function registerMutate(program: Command): void {
  program
    .command('mutate')
    .description('apply realistic faults to the generated RTL and check that the co-simulation catches every one')
    .option('--config <name|file>', 'hardware configuration the mutants are written for', 'tiny')
    .addOption(new Option('--sim <which>', 'simulator(s) for the mutant runs').choices(['verilator', 'icarus', 'both']).default('icarus'))
    .option('--only <ids>', `comma-separated mutant ids: ${MUTANTS.map((m) => m.id).join(', ')}`)
    .option('-j, --jobs <n>', 'cases run in parallel per mutant', '2')
    .option('--seed <n>', 'base seed of the random workloads', '1')
    .option('--no-baseline', 'skip checking that the unmutated RTL passes first')
    .option('--out <dir>', 'mutant RTL and case directories', 'rtl-out/mutate')
    .action(async (o: { config: string; sim: string; only?: string; jobs: string; seed: string; baseline: boolean; out: string }) => {
      const say = (s: string) => process.stdout.write(`${s}\n`);
      const cfg = loadConfig(o.config);
      const sims = parseSims(o.sim);
      const jobs = Number(o.jobs);
      const seed = Number(o.seed);
      if (!Number.isInteger(jobs) || jobs < 1) throw new SparsetileError(`--jobs must be a positive integer, got ${showValue(o.jobs)}.`);
      let mutants = mutantsFor(cfg.name);
      if (o.only) {
        const ids = o.only.split(',').map((s) => s.trim());
        const unknown = ids.filter((id) => !mutants.some((m) => m.id === id));
        if (unknown.length) throw new SparsetileError(`--only names unknown mutant ${unknown.map((u) => `"${u}"`).join(', ')}; the mutants of configuration ${cfg.name} are ${mutants.map((m) => m.id).join(', ')}.`);
        mutants = mutants.filter((m) => ids.includes(m.id));
      }
      const out = ensureOutputDir(resolve(o.out, cfg.name));
      const cases = mutationCases(o.config, cfg, sims, seed);
      const t0 = performance.now();
      const base = await ensureRtl(cfg);
      if (o.baseline) {
        const r = await runRegression({ cases, jobs, outRoot: join(out, 'baseline'), suiteName: 'baseline', stopAtFirstFailure: true });
        const bad = r.find((x) => !x.ok);
        if (bad) {
          say(`The unmutated RTL already fails ${bad.case.id}, so mutants prove nothing:`);
          for (const l of bad.message.slice(0, 4)) say(`  ${l}`);
          process.exitCode = 1;
          return;
        }
        say(`baseline: the unmutated ${cfg.name} RTL passes all ${r.length} cases (${sims.join(', ')})`);
      }
      let caught = 0;
      for (const m of mutants) {
        const v = await runMutant(m, base, cfg, cases, out, jobs);
        if (v.caught) {
          caught++;
          const why = v.by!.message.slice(0, 2).map((l) => l.trim()).join(' ');
          say(`caught   ${m.id.padEnd(22)} by ${v.by!.case.id} after ${v.ran} case(s), ${v.seconds.toFixed(1)} s: ${why.length > 220 ? `${why.slice(0, 217)}...` : why}`);
        } else {
          say(`SURVIVED ${m.id.padEnd(22)} (${m.what}): ${v.error ?? `all ${v.ran} cases passed`}; RTL in ${join(out, m.id, 'rtl')}`);
        }
      }
      say(`${caught}/${mutants.length} mutants caught in ${((performance.now() - t0) / 1000).toFixed(1)} s (${cfg.name}, ${sims.join(' + ')}, ${cases.length / sims.length} workloads)`);
      if (caught < mutants.length) process.exitCode = 1;
    });
}
