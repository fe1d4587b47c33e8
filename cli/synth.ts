/**
 * `sparsetile synth`: area (Yosys, transistor estimate) of a configuration and of the dense baseline
 * of the same size, the front end's overhead, and optionally an iCE40 place and route.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { denseBaseline } from '../contract/config.ts';
import { loadConfig } from '../tools/configs.ts';
import { SparsetileError } from '../contract/errors.ts';
import { writeBundle, sortedJson } from '../generators/bundle.ts';
import { alignedBaseline, sourceKey, synthesizeArea, type AreaReport } from '../generators/synth/area.ts';
import { synthesizeIce40, type Ice40Report } from '../generators/synth/ice40.ts';
import { toolVersions } from '../tools/versions.ts';
import { claimOutputDir, writeFileAtomic } from '../tools/files.ts';

/** The design document's logic-area overhead of the front end (TCT T8<2,5> over DaDianNao++). */
export const PAPER_OVERHEAD_PERCENT = 8.2;

/** Modules outside the tiles: the host registers and the top level's read mux. */
const OUTSIDE_TILES = new Set(['st_top', 'st_csr']);

const inTiles = (modules: Record<string, number>) =>
  Object.entries(modules).filter(([m]) => !OUTSIDE_TILES.has(m)).reduce((s, [, t]) => s + t, 0);
const all = (modules: Record<string, number>) => Object.values(modules).reduce((s, t) => s + t, 0);
const transistorsByModule = (a: AreaReport) => Object.fromEntries(Object.entries(a.modules).map(([m, x]) => [m, x.transistors]));

const pct = (x: number, base: number) => Math.round((10000 * x) / base) / 100;

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('synthesize with Yosys: cells and transistor estimate per module, front-end overhead against the dense baseline; optionally iCE40 place and route')
    .requiredOption('--config <name|file>', 'a named configuration or a path to a .json file')
    .option('--fpga <family>', 'also run an FPGA flow: "ice40" (synth_ice40 and nextpnr-ice40 on an HX8K)')
    .option('--out <dir>', 'RTL and report directory (default rtl-out/<name>)')
    .action(async (opts: { config: string; fpga?: string; out?: string }) => {
      if (opts.fpga !== undefined && opts.fpga !== 'ice40') {
        throw new SparsetileError(`Option --fpga must be "ice40" (the only FPGA flow sparsetile runs), got "${opts.fpga}".`);
      }
      const cfg = loadConfig(opts.config);
      const out = opts.out ?? `rtl-out/${cfg.name}`;
      claimOutputDir(out);
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say(`== SYNTH ${cfg.name}: generate into ${out} ==`);
      const rtl = (await writeBundle(cfg, out)).filter((f) => f.path.endsWith('.v'));
      const files = rtl.map((f) => f.path);
      const sources = new Map(rtl.map((f) => [f.path.slice(0, -2), sourceKey(f.text)]));
      say(`== SYNTH ${cfg.name}: yosys (synth without memory_map, stat -tech cmos) ==`);
      const area = await synthesizeArea(out, files, cfg);
      let baseline: { config: string; area: AreaReport & { seconds: number }; aligned: ReturnType<typeof alignedBaseline> } | undefined;
      if (!cfg.dense) {
        const dense = denseBaseline(cfg);
        const dir = join(out, 'baseline-dense');
        say(`== SYNTH ${dense.name}: yosys ==`);
        const denseRtl = (await writeBundle(dense, dir)).filter((f) => f.path.endsWith('.v'));
        const denseArea = await synthesizeArea(dir, denseRtl.map((f) => f.path), dense);
        const denseSources = new Map(denseRtl.map((f) => [f.path.slice(0, -2), sourceKey(f.text)]));
        baseline = { config: dense.name, area: denseArea, aligned: alignedBaseline(area, sources, denseArea, denseSources) };
      }
      let ice40: Ice40Report | undefined;
      if (opts.fpga === 'ice40') {
        say(`== SYNTH ${cfg.name}: synth_ice40 and nextpnr-ice40 ==`);
        ice40 = await synthesizeIce40(out, files, cfg, say);
      }

      const mine = transistorsByModule(area);
      const overhead = baseline && {
        method:
          'transistor estimate (yosys stat -tech cmos) of all logic except memories ($mem_v2 cells), flip-flops included; tile logic excludes st_top and st_csr; modules identical in both designs are counted once, at the same figures (sharedModules)',
        tileLogicPercent: pct(inTiles(mine) - inTiles(baseline.aligned.modules), inTiles(baseline.aligned.modules)),
        designLogicPercent: pct(all(mine) - all(baseline.aligned.modules), all(baseline.aligned.modules)),
        memoryBitsPercent: pct(area.memoryBits.total - baseline.area.memoryBits.total, baseline.area.memoryBits.total),
        selectStoragePercentOfWeightBits: pct(area.memoryBits.selectStorage, area.memoryBits.weight - area.memoryBits.selectStorage),
        byModule: Object.fromEntries(
          [...new Set([...Object.keys(mine), ...Object.keys(baseline.aligned.modules)])]
            .sort()
            .map((m) => [m, (mine[m] ?? 0) - (baseline.aligned.modules[m] ?? 0)])
            .filter(([, d]) => d !== 0),
        ),
        sharedModules: baseline.aligned.shared,
        paperLogicPercent: PAPER_OVERHEAD_PERCENT,
      };
      const report = {
        config: cfg.name,
        configHash: cfg.hash,
        tools: await toolVersions(),
        flow: 'yosys: synth -top st_top -run begin:fine; the fine step without memory_map; stat -tech cmos',
        area,
        baseline: baseline ?? null,
        overhead: overhead ?? null,
        ice40: ice40 ?? null,
      };
      writeFileAtomic(join(out, 'synth.json'), sortedJson(report));

      say('');
      say(`${'module'.padEnd(18)} ${'instances'.padStart(9)} ${'cells'.padStart(9)} ${'transistors'.padStart(12)} ${'memories'.padStart(8)}`);
      for (const [m, a] of Object.entries(area.modules)) {
        say(`${m.padEnd(18)} ${String(a.instances).padStart(9)} ${String(a.cells).padStart(9)} ${String(a.transistors).padStart(12)} ${String(a.memories).padStart(8)}`);
      }
      say(`${'total logic'.padEnd(18)} ${''.padStart(9)} ${String(area.logicCells).padStart(9)} ${String(area.logicTransistors).padStart(12)} ${String(area.memories).padStart(8)}`);
      say(`memory bits: ${area.memoryBits.total} (weights ${area.memoryBits.weight}, of which select codes ${area.memoryBits.selectStorage}; control ${area.memoryBits.control}; activations ${area.memoryBits.activation}; outputs ${area.memoryBits.output})`);
      say(`yosys: ${area.seconds} s`);
      if (baseline && overhead) {
        say(
          `front-end overhead vs ${baseline.config}: ${overhead.tileLogicPercent}% of the tile logic (${overhead.designLogicPercent}% of all logic; by module ${Object.entries(overhead.byModule as Record<string, number>).map(([m, d]) => `${m} ${d > 0 ? '+' : ''}${d}`).join(', ')}); the design document reports ${PAPER_OVERHEAD_PERCENT}% logic area`,
        );
        say(
          `memory: +${overhead.memoryBitsPercent}% bits (select codes add ${overhead.selectStoragePercentOfWeightBits}% to the weight bits; the rest is the h+1 activation banks at the configured per-bank depth)`,
        );
      }
      if (ice40) {
        const f = ice40.fits ? `Fmax ${ice40.fmaxMHz ?? '?'} MHz, ${ice40.placedLogicCells ?? '?'} logic cells placed` : `does not fit: ${ice40.reason}`;
        say(`${ice40.device}: ${ice40.luts} LUTs, ${ice40.flipFlops} flip-flops, ${ice40.brams} block RAMs, ${ice40.dsps} DSPs; ${f} (${ice40.seconds} s)`);
      }
      say(`wrote ${join(out, 'synth.json')}`);
    });
}
