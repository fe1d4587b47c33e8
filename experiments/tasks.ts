/**
 * The units of work of sweeps and reports, as plain data in and plain data out, so that they run
 * the same in a worker thread (experiments/worker.mjs, through piscina) or in the calling thread:
 *
 *  - a sweep point: one seeded random layer on one configuration with one scheduler, through the
 *    golden model (lowering, scheduling, section 8's cycles and the counting lower bound);
 *  - a network run: `sparsetile net`'s runNetwork on a catalog network or an imported workload;
 *  - a network's energy: `sparsetile energy`'s model (model/access.ts counts priced by
 *    model/energy.ts with the default 45 nm table) for dense, gating and skipping.
 *
 * A task carries its configuration's input (the JSON object), not a name, so a worker resolves the
 * same configuration whatever files it can see. Every result is a function of the task alone (the
 * layer's seed is in the point), hence identical for any number of workers.
 */
import { resolveConfig, type ConfigInput, type ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layerAccessAll, planLayer } from '../model/access.ts';
import { setLowerBound } from '../model/bounds.ts';
import { layerEnergy, networkTotals, parseEnergyTable } from '../model/energy.ts';
import { CONFIG_DIR } from '../tools/configs.ts';
import { issueFromRows, jobCycles } from '../model/cycles.ts';
import { lowerLayer } from '../model/lower.ts';
import { defaultSets, scheduleJob, setWeights, type JobSchedule } from '../model/schedule.ts';
import { scheduleOptimal } from '../model/schedulers/optimal.ts';
import type { SchedulerName } from '../model/types.ts';
import { resolveSource, runNetwork, type NetResult } from '../workloads/net.ts';
import { randomLayer } from '../workloads/synthetic.ts';

/** The energy table of the report: the design document's 45 nm figures (configs/energy/45nm.yaml). */
export const DEFAULT_ENERGY_TABLE = join(CONFIG_DIR, 'energy', '45nm.yaml');

/** One point of a sweep: which layer (shape, input, sparsity, seed), configuration and scheduler. */
export interface SweepPoint {
  /** series/sparsity/rep, unique in a sweep. */
  readonly id: string;
  readonly series: string;
  readonly config: string;
  readonly scheduler: SchedulerName;
  readonly shuffle: boolean;
  readonly shape: readonly number[];
  readonly inputSize: readonly [number, number];
  readonly sparsity: number;
  /** Repetition index 0..reps-1 and the layer's seed (the same layer for every series at this sparsity and repetition). */
  readonly rep: number;
  readonly seed: number;
}

export interface PointResult extends SweepPoint {
  readonly cycles: number;
  readonly denseCycles: number;
  readonly speedup: number;
  /** Section 8's cycles with every set at its counting lower bound, and the speedup it would give. */
  readonly lowerBoundCycles: number;
  readonly boundSpeedup: number;
  /** Measured share of zero weights (the layer is Bernoulli(sparsity) per weight). */
  readonly measuredSparsity: number;
  readonly sets: number;
  /** `optimal` only: sets whose row count the MILP proved minimal. */
  readonly provenSets: number | null;
  readonly seconds: number;
}

export type Task =
  | { readonly kind: 'point'; readonly point: SweepPoint; readonly config: ConfigInput; readonly milpSec: number }
  | { readonly kind: 'network'; readonly network: string; readonly config: ConfigInput; readonly scheduler: SchedulerName; readonly shuffle: boolean; readonly seed: number; readonly layers: string | null }
  | { readonly kind: 'energy'; readonly network: string; readonly config: ConfigInput; readonly scheduler: SchedulerName; readonly seed: number; readonly layers: string | null };

/** A network's energy per mode: cycles, picojoules and picojoules per component, summed over its layers. */
export interface EnergyRun {
  readonly network: string;
  readonly title: string;
  readonly table: string;
  readonly totals: ReturnType<typeof networkTotals>;
}

export type TaskValue = PointResult | NetResult | EnergyRun;

/** Off-chip figures of the energy runs: `sparsetile energy`'s defaults (plain weights, 4-bit runs, 128-bit bus). */
export const ENERGY_OPTIONS = { offChipRle: false, busBits: 128, rleRunBits: 4 } as const;

export async function runTask(task: Task): Promise<TaskValue> {
  const cfg = resolveConfig(task.config, `configuration "${task.config.name}"`);
  if (task.kind === 'point') return runPoint(task.point, cfg, task.milpSec);
  const layerFilter = task.layers === null ? undefined : new RegExp(task.layers);
  if (task.kind === 'energy') return runEnergy(task.network, cfg, task.scheduler, task.seed, layerFilter);
  return runNetwork(task.network, cfg, { scheduler: task.scheduler, shuffle: task.shuffle, seed: task.seed, layerFilter });
}

async function runEnergy(network: string, cfg: ResolvedConfig, scheduler: SchedulerName, seed: number, layerFilter?: RegExp): Promise<EnergyRun> {
  const table = parseEnergyTable(readFileSync(DEFAULT_ENERGY_TABLE, 'utf8'), DEFAULT_ENERGY_TABLE);
  const src = resolveSource(network, cfg, seed);
  const layers = [];
  for (const entry of src.layers.filter((l) => !layerFilter || layerFilter.test(l.name))) {
    const plans = await planLayer(entry.load(), cfg, scheduler);
    const access = layerAccessAll(plans, { rleRunBits: ENERGY_OPTIONS.rleRunBits, busBits: ENERGY_OPTIONS.busBits });
    layers.push(layerEnergy(entry.name, access, table, ENERGY_OPTIONS));
  }
  return { network: src.name, title: src.title, table: table.name, totals: networkTotals(layers) };
}

/** The sweep point's layer, as `sparsetile run --random` builds it. */
export function pointLayer(p: SweepPoint, cfg: ResolvedConfig) {
  return randomLayer(p.shape, p.sparsity, p.seed, cfg, { inputSize: p.inputSize });
}

export async function runPoint(p: SweepPoint, cfg: ResolvedConfig, milpSec: number): Promise<PointResult> {
  const t0 = performance.now();
  const layer = pointLayer(p, cfg);
  let zeros = 0;
  for (let i = 0; i < layer.weights.length; i++) if (layer.weights[i] === 0) zeros++;
  let cycles = 0;
  let denseCycles = 0;
  let lowerBoundCycles = 0;
  let sets = 0;
  let provenSets: number | null = null;
  for (const job of lowerLayer(layer, cfg.lanes, { weightsOnly: true })) {
    let sched: JobSchedule;
    if (p.scheduler === 'optimal') {
      // the MILP per set with its time limit, keeping whether it proved the minimum
      const assignment = defaultSets(job.filterIds.length, cfg.filtersPerTile);
      const found = [];
      provenSets ??= 0;
      for (const filters of assignment) {
        const r = await scheduleOptimal(setWeights(job, filters), cfg.offsets, cfg.lookahead, { timeLimitSec: milpSec });
        if (r.optimal) provenSets++;
        found.push({ filters, rows: r.rows });
      }
      sched = { scheduler: 'optimal', K: cfg.filtersPerTile, N: job.N, S: job.S, offsets: cfg.offsets, sets: found };
    } else {
      sched = await scheduleJob(job, cfg, p.scheduler, { shuffle: p.shuffle });
    }
    const c = jobCycles(cfg, sched, job.windows);
    cycles += c.cycles;
    denseCycles += c.denseCycles;
    const bounds = sched.sets.map((s) => setLowerBound(setWeights(job, s.filters), cfg.lookahead));
    lowerBoundCycles += issueFromRows(cfg, bounds, job.windows).issueCycles + cfg.pipelineLatency;
    sets += sched.sets.length;
  }
  return {
    ...p,
    cycles,
    denseCycles,
    speedup: denseCycles / cycles,
    lowerBoundCycles,
    boundSpeedup: denseCycles / lowerBoundCycles,
    measuredSparsity: zeros / layer.weights.length,
    sets,
    provenSets,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** What a worker thread returns: errors cross the thread boundary as data, so a SparsetileError stays one. */
export type Outcome = { readonly ok: true; readonly value: TaskValue } | { readonly ok: false; readonly message: string; readonly user: boolean; readonly stack?: string };

export async function runTaskOutcome(task: Task): Promise<Outcome> {
  try {
    return { ok: true, value: await runTask(task) };
  } catch (e) {
    return { ok: false, message: (e as Error).message, user: e instanceof SparsetileError, stack: (e as Error).stack };
  }
}
