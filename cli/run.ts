/**
 * `sparsetile run`: one layer through the golden model. Lowers it (docs/architecture.md section 3),
 * schedules every set (section 4), checks the schedule's legality, executes it exactly (sections 6
 * and 7) and predicts its cycles (section 8). Writes DIR/schedule.json (section 10),
 * DIR/outputs.npy, DIR/outputs-stage.npy and DIR/stats.json through a temporary directory.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { type ResolvedConfig } from '../contract/config.ts';
import { capacity } from '../contract/capacity.ts';
import { channelGroups, regionWords } from '../contract/fmap.ts';
import { encodeNpy } from '../tools/npy.ts';
import { executeSchedule } from '../model/execute.ts';
import { geometryText } from '../model/layer-spec.ts';
import { lowerLayer, type LoweredJob } from '../model/lower.ts';
import { checkLegality, printScheduleFile, scheduleDocument, scheduleJob, type JobSchedule } from '../model/schedule.ts';
import { jobStats, layerStats, type LayerStats } from '../model/stats.ts';
import type { LayerSpec } from '../model/types.ts';
import { claimOutputDir, writeDirAtomic } from '../tools/files.ts';
import { addLayerOptions, addSchedulerOption, addShuffleOption, layerFromOptions, parseScheduler, type LayerOptions } from './layer-options.ts';

interface RunOptions extends LayerOptions {
  config: string;
  scheduler: string;
  shuffle?: boolean;
  out: string;
}

/**
 * Section 5's capacity rules (contract/capacity.ts) for running this layer on the RTL: the weight
 * ring and the feature-map halves; reported, not enforced, by `run`. The figures are the largest
 * over the jobs.
 */
function capacityReport(cfg: ResolvedConfig, spec: LayerSpec, jobs: readonly LoweredJob[], stats: LayerStats) {
  const N = cfg.lanes;
  const G = jobs.length;
  const inputWords = G * regionWords(spec.kind === 'fc' ? 1 : spec.inH, spec.kind === 'fc' ? 1 : spec.inW, channelGroups(spec.channels, N));
  const outputWords = G * regionWords(jobs[0].outH, jobs[0].outW, channelGroups(spec.filters / G, N));
  const fits = jobs.map((job, j) => capacity(cfg, { S: job.S, rowsPerSet: stats.jobs[j].rowsPerSet, inputWords, outputWords }, cfg.name));
  const broken = fits.find((c) => c.problem !== null) ?? null;
  return {
    fits: broken === null,
    problem: broken?.problem ?? null,
    setRecords: Math.max(...fits.map((c) => c.setRecords)),
    weightDepth: cfg.weightDepth,
    windowStride: fits[0].Qw,
    inputWords,
    outputWords,
    featureMapHalfWords: cfg.featureMapHalfWords,
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('schedule one layer, execute it exactly and predict its cycles: writes schedule.json, outputs.npy, outputs-stage.npy and stats.json')
    .requiredOption('--config <name|file>', 'hardware configuration (named, see `config list`, or a .json path)');
  addLayerOptions(cmd);
  addSchedulerOption(cmd);
  addShuffleOption(cmd);
  cmd
    .requiredOption('--out <dir>', 'output directory (replaced atomically)')
    .action(async (o: RunOptions) => {
      claimOutputDir(o.out);
      const cfg = loadConfig(o.config);
      const name = parseScheduler(o.scheduler);
      const data = layerFromOptions(o, cfg);
      const jobs = lowerLayer(data, cfg.lanes);
      const { outH, outW, windows, S } = jobs[0];
      const F = data.spec.filters;
      const acc = new Float64Array(F * windows);
      const stage = new Float64Array(F * windows);
      const scheds: JobSchedule[] = [];
      const perJob = [];
      for (const job of jobs) {
        const sched = await scheduleJob(job, cfg, name, { shuffle: o.shuffle });
        checkLegality(job, sched, cfg);
        const out = executeSchedule(job, sched, cfg);
        job.filterIds.forEach((g, f) => {
          acc.set(out.acc.subarray(f * windows, (f + 1) * windows), g * windows);
          stage.set(out.stage.subarray(f * windows, (f + 1) * windows), g * windows);
        });
        scheds.push(sched);
        perJob.push(jobStats(job, sched, cfg));
      }
      const ls = layerStats(perJob);
      const outShape = data.spec.kind === 'fc' ? [F] : [F, outH, outW];
      const stats = {
        format: 'sparsetile-stats/1',
        scheduler: name,
        shuffle: Boolean(o.shuffle),
        config: { name: cfg.name, hash: cfg.hash },
        layer: data.spec,
        steps: S,
        windows,
        outputShape: outShape,
        jobs: jobs.length,
        setsPerJob: scheds[0].sets.length,
        cycles: ls.cycles,
        denseCycles: ls.denseCycles,
        speedup: ls.speedup,
        issueCycles: ls.issueCycles,
        denseIssueCycles: ls.denseIssueCycles,
        pipelineLatency: cfg.pipelineLatency,
        slots: ls.slots,
        zerosRemoved: ls.zerosRemoved,
        lowerBound: { cycles: ls.lowerBoundCycles, rowsPerSet: ls.jobs.map((j) => j.lowerBoundRows) },
        rowsPerSet: ls.jobs.map((j) => j.rowsPerSet),
        perTileIssueCycles: ls.jobs.map((j) => j.perTile),
        capacity: capacityReport(cfg, data.spec, jobs, ls),
      };
      const doc = scheduleDocument(cfg, jobs, scheds, ls);
      await writeDirAtomic(o.out, (dir) => {
        writeFileSync(join(dir, 'schedule.json'), printScheduleFile(doc));
        writeFileSync(join(dir, 'outputs.npy'), encodeNpy('int64', outShape, acc));
        writeFileSync(join(dir, 'outputs-stage.npy'), encodeNpy('int64', outShape, stage));
        writeFileSync(join(dir, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
      });
      const s = data.spec;
      const geo = s.kind === 'fc' ? `FC ${F}x${s.channels}` : `conv ${F}x${s.channels}x${s.kernelH}x${s.kernelW} on ${s.inH}x${s.inW} (${geometryText(s)}, groups ${s.groups})`;
      const sl = ls.slots;
      process.stdout.write(
        `${s.name}: ${geo}\n` +
          `  ${windows} windows, ${S} dense steps, ${jobs.length} job(s) of ${scheds[0].sets.length} set(s) on ${cfg.tiles} tile(s) of ${cfg.filtersPerTile}x${cfg.lanes}\n` +
          `  ${name} on ${cfg.name}: ${ls.cycles} cycles vs ${ls.denseCycles} dense, speedup ${ls.speedup.toFixed(2)}x; lower bound ${ls.lowerBoundCycles} cycles\n` +
          `  slots: ${pct(sl.effectualUnpromoted / sl.processed)} effectual unpromoted, ${pct(sl.promotedLookahead / sl.processed)} lookahead, ` +
          `${pct(sl.promotedLookaside / sl.processed)} lookaside, ${pct(sl.emptyProcessed / sl.processed)} empty; zeros removed ${pct(ls.zerosRemoved)}\n` +
          (stats.capacity.problem === null ? '' : `  note: the RTL cannot run this layer on "${cfg.name}" (section 5, see capacity in stats.json): ${stats.capacity.problem}\n`) +
          `  wrote ${o.out}/{schedule.json, outputs.npy, outputs-stage.npy, stats.json}\n`,
      );
    });
}
