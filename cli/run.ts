/**
 * `sparsetile run`: one layer through the golden model. Lowers it (docs/architecture.md section 3),
 * schedules every set (section 4), checks the schedule's legality, executes it exactly (sections 6
 * and 7) and predicts its cycles (section 8). Writes DIR/schedule.json (section 10),
 * DIR/outputs.npy, DIR/outputs-stage.npy and DIR/stats.json through a temporary directory.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ResolvedConfig } from '../spec/config.ts';
import { SparsetileError, showValue } from '../spec/errors.ts';
import { encodeNpy } from '../spec/npy.ts';
import { executeSchedule } from '../model/execute.ts';
import { loadLayer, randomLayer, type LayerGeometry } from '../model/layer-io.ts';
import { lowerLayer, type LoweredJob } from '../model/lower.ts';
import { SCHEDULERS, checkLegality, printScheduleFile, scheduleDocument, scheduleJob, type JobSchedule } from '../model/schedule.ts';
import { jobStats, layerStats, type LayerStats } from '../model/stats.ts';
import type { LayerData, SchedulerName } from '../model/types.ts';
import { writeDirAtomic } from './io.ts';

interface RunOptions {
  config: string;
  weights?: string;
  acts?: string;
  stride?: string;
  pad?: string;
  groups?: string;
  dilation?: string;
  layer?: string;
  random?: boolean;
  shape?: string;
  sparsity?: string;
  seed?: string;
  inputSize?: string;
  scheduler: string;
  shuffle?: boolean;
  out: string;
}

function intList(flag: string, text: string, lengths: number[], min: number, form: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (!lengths.includes(parts.length) || values.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v < min)) {
    throw new SparsetileError(`--${flag} must be ${form} (integers of at least ${min}), got ${showValue(text)}.`);
  }
  return values;
}

function geometry(o: RunOptions): LayerGeometry {
  const one = (flag: string, text: string | undefined, min: number) => (text === undefined ? undefined : intList(flag, text, [1], min, 'one integer')[0]);
  const pad = o.pad === undefined ? undefined : intList('pad', o.pad, [1, 2], 0, 'P or PH,PW');
  return {
    stride: one('stride', o.stride, 1),
    dilation: one('dilation', o.dilation, 1),
    groups: one('groups', o.groups, 1),
    pad: pad === undefined ? undefined : pad.length === 1 ? pad[0] : [pad[0], pad[1]],
  };
}

function readLayer(o: RunOptions, cfg: ResolvedConfig): LayerData {
  const fromFiles = o.weights !== undefined || o.acts !== undefined;
  const geoFlags = ['stride', 'pad', 'groups', 'dilation'].filter((k) => o[k as keyof RunOptions] !== undefined);
  if (fromFiles && o.random) {
    throw new SparsetileError('--random cannot be combined with --weights/--acts: a layer comes either from .npy files or from the random generator. Drop one of them.');
  }
  if (o.layer !== undefined && geoFlags.length > 0) {
    throw new SparsetileError(`--layer cannot be combined with --${geoFlags.join(', --')}: the layer JSON already gives the geometry. Put the values in the JSON or drop --layer.`);
  }
  if (o.random) {
    if (o.shape === undefined || o.sparsity === undefined) {
      throw new SparsetileError('--random needs --shape K,C,R,S (or K,C for a fully connected layer) and --sparsity s (0..1), e.g. --random --shape 64,64,3,3 --sparsity 0.8 --seed 1.');
    }
    if (o.layer !== undefined) throw new SparsetileError('--layer applies to --weights/--acts; with --random give --stride, --pad, --groups and --dilation as flags.');
    const shape = intList('shape', o.shape, [2, 4], 1, 'K,C,R,S or K,C');
    const sparsity = Number(o.sparsity);
    if (o.sparsity.trim() === '' || !(sparsity >= 0 && sparsity <= 1)) throw new SparsetileError(`--sparsity must be a number from 0 to 1, got ${showValue(o.sparsity)}.`);
    const seed = o.seed === undefined ? 1 : intList('seed', o.seed, [1], 0, 'one integer')[0];
    const inputSize = o.inputSize === undefined ? undefined : (intList('input-size', o.inputSize, [2], 1, 'H,W') as [number, number]);
    return randomLayer(shape, sparsity, seed, cfg, { ...geometry(o), inputSize, name: `random-${shape.join('x')}-s${sparsity}-seed${seed}` });
  }
  if (o.weights === undefined || o.acts === undefined) {
    throw new SparsetileError('run needs a layer: --weights w.npy --acts a.npy (with --stride/--pad/--groups/--dilation or --layer layer.json), or --random --shape K,C,R,S --sparsity s --seed n.');
  }
  return loadLayer(o.weights, o.acts, { ...geometry(o), layerJson: o.layer }, cfg);
}

function parseScheduler(name: string): SchedulerName {
  if (!(SCHEDULERS as readonly string[]).includes(name)) {
    throw new SparsetileError(`--scheduler must be one of ${SCHEDULERS.join(', ')}, got ${showValue(name)}.`);
  }
  return name as SchedulerName;
}

/** Section 5's capacity rules for running this layer on the RTL; reported, not enforced, by `run`. */
function capacity(cfg: ResolvedConfig, jobs: readonly LoweredJob[], stats: LayerStats) {
  const S = jobs[0].S;
  const h = cfg.lookahead;
  const windowStride = Math.ceil((S + h) / (h + 1));
  const weightRows = Math.max(...stats.jobs.map((j) => Math.max(...j.perTile) / jobs[0].windows));
  const localSets = Math.max(...stats.jobs.map((j) => Math.ceil(j.rowsPerSet.length / cfg.tiles)));
  const activationWords = jobs[0].windows * windowStride;
  const outputWords = localSets * jobs[0].windows;
  return {
    fits: weightRows <= cfg.weightDepth && activationWords <= cfg.activationBankDepth && outputWords <= cfg.outputDepth,
    weightRowsPerTile: weightRows,
    weightDepth: cfg.weightDepth,
    windowStride,
    activationWordsPerBank: activationWords,
    activationBankDepth: cfg.activationBankDepth,
    outputWordsPerTile: outputWords,
    outputDepth: cfg.outputDepth,
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('schedule one layer, execute it exactly and predict its cycles: writes schedule.json, outputs.npy, outputs-stage.npy and stats.json')
    .requiredOption('--config <name|file>', 'hardware configuration (named, see `config list`, or a .json path)')
    .option('--weights <file>', 'weights .npy, int8/int16/int32, [F, C, R, S] or [F, C] (fully connected)')
    .option('--acts <file>', 'activations .npy, int8/int16/int32, [C*groups, H, W] or [C*groups]')
    .option('--stride <n>', 'window stride (default 1)')
    .option('--pad <p|ph,pw>', 'zero padding on each side (default 0)')
    .option('--groups <n>', 'channel groups (default 1)')
    .option('--dilation <n>', 'kernel dilation (default 1)')
    .option('--layer <file>', 'layer JSON {"stride","pad","groups","dilation"} instead of the flags')
    .option('--random', 'generate a seeded random layer instead of reading .npy files')
    .option('--shape <K,C,R,S>', 'with --random: filters, channels per group, kernel height and width (K,C for FC)')
    .option('--sparsity <s>', 'with --random: fraction of zero weights, 0..1')
    .option('--seed <n>', 'with --random: PRNG seed (default 1); also seeds --shuffle')
    .option('--input-size <H,W>', 'with --random: input image size (default 8x8, or the kernel if larger)')
    .option('--scheduler <name>', `one of ${SCHEDULERS.join(', ')}`, 'heuristic')
    .option('--shuffle', 'assign filters to sets and PEs to balance work (model/shuffle.ts)')
    .requiredOption('--out <dir>', 'output directory (replaced atomically)')
    .action(async (o: RunOptions) => {
      const cfg = loadConfig(o.config);
      const name = parseScheduler(o.scheduler);
      const data = readLayer(o, cfg);
      const jobs = lowerLayer(data, cfg.lanes);
      const { outH, outW, windows, S } = jobs[0];
      const F = data.spec.filters;
      const acc = new Float64Array(F * windows);
      const stage = new Float64Array(F * windows);
      const scheds: JobSchedule[] = [];
      const perJob = [];
      const seed = o.seed === undefined ? 0 : Number(o.seed);
      for (const job of jobs) {
        const sched = await scheduleJob(job, cfg, name, { shuffle: o.shuffle, seed });
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
        capacity: capacity(cfg, jobs, ls),
      };
      const doc = scheduleDocument(cfg, jobs, scheds, ls);
      await writeDirAtomic(o.out, (dir) => {
        writeFileSync(join(dir, 'schedule.json'), printScheduleFile(doc));
        writeFileSync(join(dir, 'outputs.npy'), encodeNpy('int64', outShape, acc));
        writeFileSync(join(dir, 'outputs-stage.npy'), encodeNpy('int64', outShape, stage));
        writeFileSync(join(dir, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
      });
      const s = data.spec;
      const geo = s.kind === 'fc' ? `FC ${F}x${s.channels}` : `conv ${F}x${s.channels}x${s.kernelH}x${s.kernelW} on ${s.inH}x${s.inW} (stride ${s.stride}, pad ${s.padH},${s.padW}, dilation ${s.dilation}, groups ${s.groups})`;
      const sl = ls.slots;
      process.stdout.write(
        `${s.name}: ${geo}\n` +
          `  ${windows} windows, ${S} dense steps, ${jobs.length} job(s) of ${scheds[0].sets.length} set(s) on ${cfg.tiles} tile(s) of ${cfg.filtersPerTile}x${cfg.lanes}\n` +
          `  ${name} on ${cfg.name}: ${ls.cycles} cycles vs ${ls.denseCycles} dense, speedup ${ls.speedup.toFixed(2)}x; lower bound ${ls.lowerBoundCycles} cycles\n` +
          `  slots: ${pct(sl.effectualUnpromoted / sl.processed)} effectual unpromoted, ${pct(sl.promotedLookahead / sl.processed)} lookahead, ` +
          `${pct(sl.promotedLookaside / sl.processed)} lookaside, ${pct(sl.emptyProcessed / sl.processed)} empty; zeros removed ${pct(ls.zerosRemoved)}\n` +
          (stats.capacity.fits ? '' : `  note: the layer exceeds this configuration's memories (see capacity in stats.json); the RTL cannot run it in one job\n`) +
          `  wrote ${o.out}/{schedule.json, outputs.npy, outputs-stage.npy, stats.json}\n`,
      );
    });
}
