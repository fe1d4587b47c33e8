/**
 * Everything the report shows, run once: the sweep, every network with the schedulers and shuffling
 * the figures compare, energy, synthesis, and the layer-objective example. The result
 * (ReportRuns) is plain data; experiments/figures.ts turns it into figures, and the report's JSON
 * keeps it whole, so every figure can be checked against the runs that produced it.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { jobCycles } from '../model/cycles.ts';
import { lowerLayer } from '../model/lower.ts';
import { scheduleJob, setWeights, type JobSchedule } from '../model/schedule.ts';
import { heuristic } from '../model/schedulers/heuristic.ts';
import { assignFilters } from '../model/shuffle.ts';
import type { SchedulerName } from '../model/types.ts';
import type { PlanMode } from '../model/tile-plan.ts';
import type { NetResult } from '../workloads/net.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { importRealModels, REAL_MODELS, type ImportedModel } from './models.ts';
import { runTasks } from './pool.ts';
import { runSweep } from './sweep.ts';
import { defaultSweep, type SweepResult, type SweepSpec } from './sweep-spec.ts';
import { cachedSynth, type SynthSummary } from './synth.ts';
import type { EnergyRun, Task } from './tasks.ts';

export type Profile = 'full' | 'quick';

/** A network run of the report: which scheduler, with or without shuffling. */
export const NETWORK_RUNS: readonly { readonly scheduler: SchedulerName; readonly shuffle: boolean }[] = [
  { scheduler: 'greedy', shuffle: false },
  { scheduler: 'heuristic', shuffle: false },
  { scheduler: 'heuristic', shuffle: true },
  { scheduler: 'best', shuffle: false },
  { scheduler: 'best', shuffle: true },
];

export interface ReportPlan {
  readonly profile: Profile;
  /** The configuration every network runs on (the design document's T8<2,5> tile). */
  readonly config: string;
  readonly seed: number;
  readonly catalog: readonly string[];
  /** Real models to import (ids of REAL_MODELS). */
  readonly models: readonly string[];
  /** Only the layers matching this (quick profile: AlexNet's convolutions), or every layer. */
  readonly layerFilter: string | null;
  readonly sweep: SweepSpec;
  readonly synth: readonly { readonly config: string; readonly fpga: boolean }[];
  /** Networks (catalog names or model ids) whose energy is computed, with heuristic. */
  readonly energy: readonly string[];
  /** Issue 12's layer-objective example: a layer shape and sparsity over seeds. */
  readonly example: { readonly shape: readonly number[]; readonly inputSize: readonly [number, number]; readonly sparsity: number; readonly seeds: readonly number[] };
}

export function reportPlan(profile: Profile): ReportPlan {
  const quick = profile === 'quick';
  return {
    profile,
    config: 'paper',
    seed: 1,
    catalog: quick
      ? ['alexnet-es']
      : ['alexnet-es', 'alexnet-ss', 'alexnet-dc', 'alexnet-dns', 'alexnet-torchvision-distiller', 'googlenet-ss', 'resnet50-ss', 'resnet50-agp', 'mobilenet-v1-agp', 'mobilenet-v2-agp', 'vgg16-dc'],
    models: quick ? ['face-tiny-detector'] : REAL_MODELS.map((m) => m.id),
    layerFilter: quick ? '^conv' : null,
    sweep: defaultSweep(profile),
    synth: quick ? [{ config: 'fpga', fpga: false }] : [...['paper', 't-1-6', 't-3-4', 'l-2-5'].map((config) => ({ config, fpga: false })), { config: 'fpga', fpga: true }],
    energy: quick ? ['alexnet-es'] : ['alexnet-es', 'googlenet-ss', 'resnet50-ss', 'mobilenet-v1-agp', 'paddleocr-det'],
    example: { shape: [40, 64, 3, 3], inputSize: [8, 8], sparsity: 0.7, seeds: quick ? [1, 2, 3] : Array.from({ length: 10 }, (_, i) => i + 1) },
  };
}

export interface NetworkRuns {
  /** Catalog name or real-model id. */
  readonly id: string;
  readonly title: string;
  readonly kind: 'catalog' | 'model';
  /** One result per NETWORK_RUNS entry, in that order. */
  readonly runs: readonly { readonly scheduler: SchedulerName; readonly shuffle: boolean; readonly result: NetResult }[];
}

/** Issue 12's example, per seed: rows and cycles of each way of scheduling the layer. */
export interface ExampleRun {
  readonly seed: number;
  readonly ways: readonly { readonly way: ExampleWay; readonly rows: number; readonly cycles: number; readonly sets: number }[];
}

export const EXAMPLE_WAYS = ['heuristic', 'best', 'heuristic, shuffled by rows (before)', 'heuristic, shuffled by cycles', 'best, shuffled by cycles', 'best, split windows'] as const;
export type ExampleWay = (typeof EXAMPLE_WAYS)[number];

export interface ReportRuns {
  readonly plan: ReportPlan;
  readonly configHash: string;
  readonly sweep: SweepResult;
  readonly networks: readonly NetworkRuns[];
  readonly models: readonly ImportedModel[];
  readonly energy: readonly EnergyRun[];
  readonly synth: readonly SynthSummary[];
  readonly example: readonly ExampleRun[];
}

export interface CollectOptions {
  readonly workers: number;
  readonly config: (name: string) => ResolvedConfig;
  readonly cosimDir: string;
  readonly onProgress?: (done: number, total: number, what: string) => void;
  readonly say?: (line: string) => void;
}

export async function collectRuns(plan: ReportPlan, o: CollectOptions): Promise<ReportRuns> {
  const say = o.say ?? (() => {});
  const cfg = o.config(plan.config);
  say(`importing ${plan.models.length} real model(s) (cached after the first run)`);
  const models = await importRealModels(REAL_MODELS.filter((m) => plan.models.includes(m.id)), cfg.lanes);
  const sources = [
    ...plan.catalog.map((id) => ({ id, source: id, kind: 'catalog' as const, title: null as string | null })),
    ...models.flatMap((m) => (m.ok ? [{ id: m.model.id, source: m.dir, kind: 'model' as const, title: m.model.title }] : [])),
  ];
  const networkTasks: Task[] = sources.flatMap((s) =>
    NETWORK_RUNS.map((r): Task => ({ kind: 'network', network: s.source, config: cfg.input, scheduler: r.scheduler, shuffle: r.shuffle, seed: plan.seed, layers: plan.layerFilter })),
  );
  const energyTasks: Task[] = plan.energy
    .map((id) => sources.find((s) => s.id === id))
    .filter((s) => s !== undefined)
    .map((s): Task => ({ kind: 'energy', network: s.source, config: cfg.input, scheduler: 'heuristic', seed: plan.seed, layers: plan.layerFilter }));
  say(`sweep: ${plan.sweep.series.length} series x ${plan.sweep.sparsities.length} sparsities x ${plan.sweep.reps} repetitions`);
  const sweep = await runSweep(plan.sweep, { workers: o.workers, config: o.config, cosimDir: o.cosimDir, onProgress: (d, t, w) => o.onProgress?.(d, t, `sweep: ${w}`) });
  say(`networks: ${sources.length} x ${NETWORK_RUNS.length} runs, energy of ${energyTasks.length}`);
  const results = await runTasks<NetResult | EnergyRun>([...networkTasks, ...energyTasks], o.workers, (d, t) => o.onProgress?.(d, t, 'networks'));
  const networks: NetworkRuns[] = sources.map((s, i) => {
    const runs = NETWORK_RUNS.map((r, j) => ({ ...r, result: results[i * NETWORK_RUNS.length + j] as NetResult }));
    return { id: s.id, title: s.title ?? runs[0].result.title, kind: s.kind, runs };
  });
  // named by the report's id (a real model's manifest calls it by its file name)
  const energyIds = plan.energy.filter((id) => sources.some((s) => s.id === id));
  const energy = (results.slice(networkTasks.length) as EnergyRun[]).map((e, i) => ({ ...e, network: energyIds[i] }));
  const synth: SynthSummary[] = [];
  for (const s of plan.synth) {
    say(`synthesis of ${s.config}${s.fpga ? ' (with the iCE40 flow)' : ''}`);
    synth.push(await cachedSynth(o.config(s.config), s.fpga, say));
  }
  const example = await layerExample(plan, cfg);
  return { plan, configHash: cfg.hash, sweep, networks, models, energy, synth, example };
}

/** The 40-filter layer at 70% sparsity, each way of scheduling it, per seed. */
export async function layerExample(plan: ReportPlan, cfg: ResolvedConfig): Promise<ExampleRun[]> {
  const out: ExampleRun[] = [];
  const { shape, inputSize, sparsity } = plan.example;
  for (const seed of plan.example.seeds) {
    const [job] = lowerLayer(randomLayer(shape, sparsity, seed, cfg, { inputSize }), cfg.lanes, { weightsOnly: true });
    const figures = (s: JobSchedule, mode: PlanMode = 'round-robin') => ({ rows: s.sets.reduce((a, x) => a + x.rows.length, 0), cycles: jobCycles(cfg, s, job.windows, mode).cycles, sets: s.sets.length });
    // the shuffling before the layer objective: sort by work, chunk into sets of K, deal to tiles by heuristic rows
    const before = assignFilters(job.weights, job.filterIds.length, job.S, job.N, cfg.filtersPerTile, { tiles: cfg.tiles, offsets: cfg.offsets, lookahead: cfg.lookahead })
      .map((f) => [...f, ...new Array<number>(cfg.filtersPerTile - f.length).fill(-1)]);
    const beforeSched: JobSchedule = {
      scheduler: 'heuristic', K: cfg.filtersPerTile, N: job.N, S: job.S, offsets: cfg.offsets,
      sets: before.map((filters) => ({ filters, rows: heuristic(setWeights(job, filters), cfg.offsets, cfg.lookahead) })),
    };
    const ways: ExampleRun['ways'][number][] = [
      { way: 'heuristic', ...figures(await scheduleJob(job, cfg, 'heuristic')) },
      { way: 'best', ...figures(await scheduleJob(job, cfg, 'best')) },
      { way: 'heuristic, shuffled by rows (before)', ...figures(beforeSched) },
      { way: 'heuristic, shuffled by cycles', ...figures(await scheduleJob(job, cfg, 'heuristic', { shuffle: true })) },
      { way: 'best, shuffled by cycles', ...figures(await scheduleJob(job, cfg, 'best', { shuffle: true })) },
      // fewer sets than tiles: the idle tiles share the windows (model/tile-plan.ts split-windows, which the RTL runs)
      { way: 'best, split windows', ...figures(await scheduleJob(job, cfg, 'best'), 'split-windows') },
    ];
    out.push({ seed, ways });
  }
  return out;
}
