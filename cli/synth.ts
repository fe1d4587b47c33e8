/**
 * `sparsetile synth`: area (Yosys, transistor estimate) of a configuration and of the dense baseline
 * of the same size, the front end's overhead, and optionally an iCE40 place and route.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { SparsetileError } from '../contract/errors.ts';
import { sortedJson } from '../generators/bundle.ts';
import { PAPER_OVERHEAD_PERCENT, synthesizeDesign } from '../generators/synth/design.ts';
import { toolVersions } from '../tools/versions.ts';
import { claimOutputDir, writeFileAtomic } from '../tools/files.ts';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('synthesize with Yosys: cells and transistor estimate per module, front-end overhead against the dense baseline; optionally iCE40 place and route')
    .requiredOption('--config <name|file>', 'a named configuration or a path to a .json file')
    .option('--fpga <family>', 'also run an FPGA flow: "ice40" (synth_ice40 and nextpnr-ice40 on an HX8K; a design too large for it gets synth_ecp5 -nodsp and the smallest ECP5 that holds it)')
    .option('--out <dir>', 'RTL and report directory (default rtl-out/<name>)')
    .action(async (opts: { config: string; fpga?: string; out?: string }) => {
      if (opts.fpga !== undefined && opts.fpga !== 'ice40') {
        throw new SparsetileError(`Option --fpga must be "ice40" (the only FPGA flow sparsetile runs), got "${opts.fpga}".`);
      }
      const cfg = loadConfig(opts.config);
      const out = opts.out ?? `rtl-out/${cfg.name}`;
      claimOutputDir(out);
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const { area, baseline, overhead, ice40 } = await synthesizeDesign(cfg, out, { fpga: opts.fpga === 'ice40', say });

      const report = {
        config: cfg.name,
        configHash: cfg.hash,
        tools: await toolVersions(),
        flow: 'yosys: synth -top st_top -run begin:fine; the fine step without memory_map; stat -tech cmos',
        area,
        baseline,
        overhead,
        ice40,
      };
      writeFileAtomic(join(out, 'synth.json'), sortedJson(report));

      say('');
      say(`${'module'.padEnd(18)} ${'instances'.padStart(9)} ${'cells'.padStart(9)} ${'transistors'.padStart(12)} ${'memories'.padStart(8)}`);
      for (const [m, a] of Object.entries(area.modules)) {
        say(`${m.padEnd(18)} ${String(a.instances).padStart(9)} ${String(a.cells).padStart(9)} ${String(a.transistors).padStart(12)} ${String(a.memories).padStart(8)}`);
      }
      say(`${'total logic'.padEnd(18)} ${''.padStart(9)} ${String(area.logicCells).padStart(9)} ${String(area.logicTransistors).padStart(12)} ${String(area.memories).padStart(8)}`);
      say(`memory bits: ${area.memoryBits.total} (weights ${area.memoryBits.weight}, of which select codes ${area.memoryBits.selectStorage}; control ${area.memoryBits.control}; activation buffer ${area.memoryBits.activation}; feature maps ${area.memoryBits.featureMap})`);
      say(`yosys: ${area.seconds} s`);
      if (baseline && overhead) {
        say(
          `front-end overhead vs ${baseline.config}: ${overhead.tileLogicPercent}% of the tile logic (${overhead.designLogicPercent}% of all logic; by module ${Object.entries(overhead.byModule as Record<string, number>).map(([m, d]) => `${m} ${d > 0 ? '+' : ''}${d}`).join(', ')}); the design document reports ${PAPER_OVERHEAD_PERCENT}% logic area`,
        );
        say(
          `memory: +${overhead.memoryBitsPercent}% bits (select codes add ${overhead.selectStoragePercentOfWeightBits}% to the weight bits; the rest is the h+1 activation-buffer banks at the configured depth)`,
        );
      }
      if (ice40) {
        const f = ice40.fits ? `Fmax ${ice40.fmaxMHz ?? '?'} MHz, ${ice40.placedLogicCells ?? '?'} logic cells placed` : `does not fit: ${ice40.reason}`;
        say(`${ice40.device}: ${ice40.luts} LUTs, ${ice40.flipFlops} flip-flops, ${ice40.brams} block RAMs, ${ice40.dsps} DSPs; ${f} (${ice40.seconds} s)`);
      }
      say(`wrote ${join(out, 'synth.json')}`);
    });
}
