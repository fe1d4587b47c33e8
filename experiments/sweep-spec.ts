/**
 * `sparsetile sweep`'s definition and results as data (experiments/sweep.ts runs it): speedup
 * against weight sparsity, per interconnect and scheduler, the design document's Figures 12 and 13
 * (docs/report.md).
 *
 * A sweep is a list of series (configuration x scheduler x layer shape) crossed with sparsities and
 * repetitions. Each point is a seeded random layer (each weight non-zero with probability
 * 1 - sparsity); the layer's seed depends only on the sparsity and the repetition, so every series
 * sees the same layers and differences between series are the hardware's and the scheduler's, not
 * the draw's. A few points are co-simulated in Verilator: their cycles and every output must match
 * the golden model exactly.
 */
import { SparsetileError } from '../contract/errors.ts';
import type { SchedulerName } from '../model/types.ts';
import { layerSeed } from '../workloads/synthetic.ts';
import type { PointResult, SweepPoint } from './tasks.ts';

export const SWEEP_FORMAT = 'sparsetile-sweep/1';

export interface SweepSeries {
  readonly id: string;
  readonly label: string;
  readonly config: string;
  readonly scheduler: SchedulerName;
  readonly shuffle?: boolean;
  readonly shape: readonly number[];
  readonly inputSize: readonly [number, number];
}

export interface SweepSpec {
  readonly name: string;
  readonly series: readonly SweepSeries[];
  readonly sparsities: readonly number[];
  readonly reps: number;
  readonly seed: number;
  /** MILP time limit per set for `optimal` series, seconds. */
  readonly milpSec: number;
  /** Points to co-simulate in Verilator: a series, a sparsity and a repetition each. */
  readonly cosim: readonly { readonly series: string; readonly sparsity: number; readonly rep: number }[];
}

/**
 * A co-simulated point. The RTL runs the point's layer through the whole memory system (feature-map
 * fill, weights streamed over AXI4 from the testbench's memory model), so its CYCLES are the compute
 * cycles the sweep plots plus the memory system's stalls and start-up; `ok` means outputs bit-exact
 * and CYCLES equal to `modelCycles`, the exact prediction of model/timing.ts.
 */
export interface CosimMark {
  readonly sim: 'verilator';
  readonly ok: boolean;
  /** The RTL's CYCLES register, or null when it did not finish. */
  readonly cycles: number | null;
  readonly modelCycles: number;
  readonly outputs: number;
  readonly mismatches: number;
  readonly dir: string;
}

export interface SweepPointResult extends PointResult {
  readonly cosim: CosimMark | null;
}

/** Per series and sparsity: the spread over repetitions. */
export interface SweepSummary {
  readonly series: string;
  readonly sparsity: number;
  readonly n: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly boundMean: number;
  readonly cosimulated: number;
}

export interface SweepResult {
  readonly format: typeof SWEEP_FORMAT;
  readonly spec: SweepSpec;
  readonly configs: Record<string, { readonly hash: string; readonly lookahead: number; readonly description: string }>;
  readonly points: SweepPointResult[];
  readonly summary: SweepSummary[];
}

const MAIN: Pick<SweepSeries, 'shape' | 'inputSize'> = { shape: [64, 128, 3, 3], inputSize: [6, 6] };
const SMALL: Pick<SweepSeries, 'shape' | 'inputSize'> = { shape: [16, 32, 3, 3], inputSize: [4, 4] };

/** The interconnects of Figure 12 (all with heuristic), the schedulers of Figure 13 on T8<2,5>, and optimal on a small layer. */
export function defaultSweep(profile: 'full' | 'quick' = 'full'): SweepSpec {
  const quick = profile === 'quick';
  const series: SweepSeries[] = [
    { id: 'dense', label: 'dense (DaDianNao++)', config: 'dense', scheduler: 'dense', ...MAIN },
    { id: 't25', label: 'T8<2,5> heuristic', config: 'paper', scheduler: 'heuristic', ...MAIN },
    { id: 't16', label: 'T8<1,6> heuristic', config: 't-1-6', scheduler: 'heuristic', ...MAIN },
    { id: 't34', label: 'T8<3,4> heuristic', config: 't-3-4', scheduler: 'heuristic', ...MAIN },
    { id: 'l25', label: 'L8<2,5> heuristic', config: 'l-2-5', scheduler: 'heuristic', ...MAIN },
    { id: 't25-greedy', label: 'T8<2,5> greedy', config: 'paper', scheduler: 'greedy', ...MAIN },
    { id: 't25-best', label: 'T8<2,5> best', config: 'paper', scheduler: 'best', ...MAIN },
    { id: 'small-heuristic', label: 'T8<2,5> heuristic, 16-filter layer', config: 'paper', scheduler: 'heuristic', ...SMALL },
    { id: 'small-best', label: 'T8<2,5> best, 16-filter layer', config: 'paper', scheduler: 'best', ...SMALL },
    { id: 'small-optimal', label: 'T8<2,5> optimal (MILP), 16-filter layer', config: 'paper', scheduler: 'optimal', ...SMALL },
  ];
  if (quick) series.push({ id: 'tiny', label: 'tiny T4<2,3> heuristic', config: 'tiny', scheduler: 'heuristic', shape: [4, 8, 3, 3], inputSize: [5, 5] });
  const sparsities = quick ? [0, 0.5, 0.8, 0.95] : Array.from({ length: 20 }, (_, i) => Math.round(i * 5) / 100);
  return {
    name: profile,
    series: quick ? series.filter((s) => s.id !== 'small-best') : series,
    sparsities,
    reps: quick ? 2 : 3,
    seed: 1,
    milpSec: quick ? 2 : 10,
    cosim: quick
      ? [{ series: 'tiny', sparsity: 0.5, rep: 0 }, { series: 'tiny', sparsity: 0.8, rep: 1 }]
      : [
          { series: 't25', sparsity: 0.5, rep: 0 },
          { series: 't25', sparsity: 0.8, rep: 1 },
          { series: 't25-best', sparsity: 0.7, rep: 0 },
          { series: 't34', sparsity: 0.9, rep: 2 },
        ],
  };
}

/** The seed of the layer at one sparsity and repetition (shared by every series). */
export function pointSeed(spec: Pick<SweepSpec, 'seed'>, sparsity: number, rep: number): number {
  return layerSeed(spec.seed, rep * 1000 + Math.round(sparsity * 100));
}

export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const points: SweepPoint[] = [];
  for (const s of spec.series) {
    for (const sparsity of spec.sparsities) {
      for (let rep = 0; rep < spec.reps; rep++) {
        points.push({
          id: `${s.id}/${sparsity}/${rep}`,
          series: s.id,
          config: s.config,
          scheduler: s.scheduler,
          shuffle: s.shuffle ?? false,
          shape: s.shape,
          inputSize: s.inputSize,
          sparsity,
          rep,
          seed: pointSeed(spec, sparsity, rep),
        });
      }
    }
  }
  return points;
}

/** Mean, min and max speedup over repetitions, per series and sparsity, in spec order. */
export function summarize(points: readonly SweepPointResult[]): SweepSummary[] {
  const groups = new Map<string, SweepPointResult[]>();
  for (const p of points) {
    const key = `${p.series}\0${p.sparsity}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  return [...groups.values()].map((g) => {
    const s = g.map((p) => p.speedup);
    return {
      series: g[0].series,
      sparsity: g[0].sparsity,
      n: g.length,
      mean: s.reduce((a, b) => a + b, 0) / g.length,
      min: Math.min(...s),
      max: Math.max(...s),
      boundMean: g.reduce((a, p) => a + p.boundSpeedup, 0) / g.length,
      cosimulated: g.filter((p) => p.cosim !== null).length,
    };
  });
}

export function checkSpec(spec: SweepSpec): void {
  const ids = new Set(spec.series.map((s) => s.id));
  if (ids.size !== spec.series.length) throw new SparsetileError('sweep: two series share an id; every series needs its own.');
  for (const s of spec.sparsities) if (!(s >= 0 && s <= 1)) throw new SparsetileError(`--sparsities must be numbers from 0 to 1, got ${s}.`);
  if (!Number.isInteger(spec.reps) || spec.reps < 1) throw new SparsetileError(`--reps must be a positive integer, got ${spec.reps}.`);
  for (const c of spec.cosim) {
    if (!ids.has(c.series) || !spec.sparsities.includes(c.sparsity) || !(c.rep >= 0 && c.rep < spec.reps)) {
      throw new SparsetileError(`sweep: the co-simulated point ${c.series}/${c.sparsity}/${c.rep} is not a point of the sweep; pick a series id, one of its sparsities and a repetition below ${spec.reps}.`);
    }
  }
}

const CSV_COLUMNS = ['id', 'series', 'config', 'scheduler', 'shuffle', 'shape', 'inputSize', 'sparsity', 'rep', 'seed', 'measuredSparsity', 'sets', 'cycles', 'denseCycles', 'speedup', 'lowerBoundCycles', 'boundSpeedup', 'provenSets', 'cosim', 'cosimCycles', 'cosimModelCycles'] as const;

/** One line per point; `cosim` is "verilator" for a co-simulated point (exact when cosimCycles equals cosimModelCycles; both include the memory system's stalls, which `cycles` does not). */
export function sweepCsv(r: SweepResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const p of r.points) {
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      ...p,
      shape: p.shape.join('x'),
      inputSize: p.inputSize.join('x'),
      cosim: p.cosim ? p.cosim.sim : '',
      cosimCycles: p.cosim?.cycles ?? '',
      cosimModelCycles: p.cosim?.modelCycles ?? '',
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
