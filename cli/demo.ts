/**
 * `sparsetile demo` (what `make demo` runs): generate the paper RTL, schedule a layer with `best`,
 * co-simulate it in Verilator, and print the verdict, the speedup over the dense baseline and the
 * path of everything written.
 */
import { Command, Option } from 'commander';
import { cpSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '../spec/config.ts';
import { SparsetileError } from '../spec/errors.ts';
import { randomLayer } from '../model/layer-io.ts';
import { getScheduler } from '../model/schedule.ts';
import type { SchedulerName } from '../model/types.ts';
import { runCase } from '../cosim/case.ts';
import { failLines, fmtRate } from '../cosim/report.ts';
import { ensureRtl } from '../cosim/rtl.ts';
import { parseScheduler, parseSims } from './cosim.ts';

/** A 3x3 convolution of ResNet-50's conv2_x shape (64 -> 64 channels), cropped to a 10x10 input, 70% zero weights. */
export const DEMO_LAYER = { shape: [64, 64, 3, 3], sparsity: 0.7, seed: 2018, inputSize: [10, 10] as [number, number], pad: 1 };

const rel = (p: string) => relative(process.cwd(), p) || '.';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate the paper RTL, schedule a layer with `best`, co-simulate it in Verilator, print the verdict and speedup')
    .option('--config <name|file>', 'hardware configuration', 'paper')
    .option('--scheduler <name>', 'scheduler (falls back to heuristic when best is not available)', 'best')
    .addOption(new Option('--sim <which>', 'simulator').choices(['verilator', 'icarus', 'both']).default('verilator'))
    .option('--out <dir>', 'output directory', 'rtl-out/demo')
    .action(async (o: { config: string; scheduler: string; sim: string; out: string }) => {
      const t0 = performance.now();
      const say = (s: string) => process.stdout.write(`${s}\n`);
      const cfg = loadConfig(o.config);
      const out = resolve(o.out);
      let scheduler: SchedulerName = parseScheduler(o.scheduler);
      try {
        await getScheduler(scheduler);
      } catch (e) {
        if (!(e instanceof SparsetileError)) throw e;
        say(`note: scheduler "${scheduler}" is not available in this build (${e.message.split(':')[0]}); using "heuristic" instead.`);
        scheduler = 'heuristic';
      }
      say(`== 1. generate RTL for "${cfg.name}": ${cfg.tiles} tiles x ${cfg.filtersPerTile} PEs x ${cfg.lanes} lanes, ${cfg.muxInputs}-input muxes, lookahead ${cfg.lookahead}`);
      const rtl = await ensureRtl(cfg);
      rmSync(join(out, 'rtl'), { recursive: true, force: true });
      cpSync(rtl.dir, join(out, 'rtl'), { recursive: true });
      say(`   ${rtl.sources.length} Verilog files${rtl.cached ? ' (cached)' : ''}`);
      const L = DEMO_LAYER;
      say(`== 2. schedule with "${scheduler}": conv ${L.shape.join('x')} (F x C x R x S), ${L.inputSize.join('x')} input, pad ${L.pad}, ${L.sparsity * 100}% zero weights (seeded random, seed ${L.seed})`);
      const layer = randomLayer(L.shape, L.sparsity, L.seed, cfg, { inputSize: L.inputSize, pad: L.pad, name: 'demo-conv3x3' });
      say(`== 3. co-simulate in ${o.sim} (compiling takes a minute or two the first time; later runs reuse the build)`);
      const res = await runCase({ cfg, layer, scheduler, seed: L.seed, sims: parseSims(o.sim), dir: join(out, 'case') });
      say('== 4. verdict');
      const p = res.prep;
      for (const oc of res.outcomes) {
        if (oc.ok) {
          say(`   ${oc.sim}: BIT-EXACT (${oc.checked} of ${oc.checked} output values) and CYCLE-EXACT (${oc.actualCycles} cycles, model ${oc.expectedCycles})`);
          say(`   ${oc.sim}: ${fmtRate(oc.runSeconds > 0 ? oc.simCycles / oc.runSeconds : 0)} simulated cycles/s; build ${oc.build.cached ? 'cached' : `${oc.build.seconds.toFixed(1)} s`}`);
        } else {
          for (const line of failLines(p, oc)) say(`   ${line}`);
        }
      }
      const speedup = p.denseCycles / p.expectedCycles;
      say(`   speedup over the dense baseline (same tile, no skipping): ${p.denseCycles} / ${p.expectedCycles} cycles = ${speedup.toFixed(2)}x`);
      say('== written');
      say(`   RTL:               ${rel(join(out, 'rtl'))}/ (st_top.v and ${rtl.sources.length - 1} more, ${rel(rtl.paramsFile).split('/').pop()})`);
      say(`   memory images:     ${rel(join(p.dir, 'job0', 'mem'))}/`);
      say(`   model prediction:  ${rel(join(p.dir, 'expected.json'))}`);
      for (const oc of res.outcomes) {
        say(`   ${oc.sim} results: ${rel(join(p.dir, 'job0', oc.sim, 'result.txt'))} (log ${oc.sim}.log beside it)`);
        say(`   ${oc.sim} build:   ${rel(oc.build.dir)}`);
        if (oc.waveFile) say(`   waveform:          ${rel(oc.waveFile)}`);
      }
      say(`${res.ok ? 'PASS' : 'FAIL'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (!res.ok) process.exitCode = 1;
    });
}
