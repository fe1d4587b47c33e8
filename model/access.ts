/**
 * Access counts of the current architecture (docs/architecture.md sections 5, 6 and 8), read from a
 * layer's schedules and the configuration: what each memory array is read and written, how many
 * arithmetic operations run, and what crosses the chip boundary, per job and per layer, for three
 * ways of running the layer:
 *
 *   dense     the dense baseline (contract/config.ts denseBaseline) runs all S steps of every set;
 *             every multiplier, adder and memory works in every cycle.
 *   gating    the same cycles and memory traffic as dense, but a multiplier whose weight is zero is
 *             gated: it and its adder-tree add cost no energy (the adds of a PE's row are e - 1 for
 *             e non-zero weights).
 *   skipping  this design: the configuration's interconnect, the schedule's rows (fewer rows, so
 *             fewer weight-memory, activation-memory and buffer reads); the empty slots of a
 *             processed row are not gated.
 *
 * The memory system is a described thing: MEMORY_SYSTEM lists one function per memory, each
 * returning its arrays (kind, copies, width, depth) with their reads and writes. Issue 10's
 * feature-map memory and streamed weight memory replace entries of that list. Counts are those of
 * issued rows: the RTL's idle reads (the control bank reads address 0 while idle, section 6) are not
 * counted. Zero activations are not exploited by any mode.
 */
import { denseBaseline, type ResolvedConfig } from '../contract/config.ts';
import { rowsHw, windowStride } from '../contract/capacity.ts';
import { jobCycles } from './cycles.ts';
import { weightImageStorage } from './compression/storage.ts';
import { lowerLayer, type LoweredJob } from './lower.ts';
import { scheduleJob, type JobSchedule } from './schedule.ts';
import type { LayerData, LayerSpec, SchedulerName } from './types.ts';

export type Mode = 'dense' | 'gating' | 'skipping';
export const MODES: readonly Mode[] = ['dense', 'gating', 'skipping'];

export type MemoryName = 'weightMemory' | 'activationMemory' | 'activationBuffer' | 'outputMemory';

/** One kind of physical memory array and what the job does to it, summed over all its copies. */
export interface ArrayAccess {
  readonly memory: MemoryName;
  /** What the array is within its memory, e.g. "data bank". */
  readonly array: string;
  readonly kind: 'sram' | 'regfile';
  /** Physical copies in the design (over all tiles). */
  readonly copies: number;
  /** Bits of one access (one word). */
  readonly widthBits: number;
  /** Words per copy (0 for a register file, whose size does not enter the model). */
  readonly depthWords: number;
  readonly reads: number;
  readonly writes: number;
}

/** Arithmetic: one entry per operation kind and width. */
export interface OpCount {
  readonly op: 'mult' | 'add';
  /** "multipliers", "adder tree", "accumulators". */
  readonly unit: string;
  /** Operand widths: [weightBits, activationBits] for a multiply, [width] for an add. */
  readonly widths: readonly number[];
  readonly count: number;
}

/** What crosses the chip boundary for one job, in bits (bytes = ceil(bits / 8) of each stream). */
export interface OffChip {
  /** The weight-memory image as it is (slots and control words). */
  readonly weightBits: number;
  /** The same image with the slot streams run-length coded (contract/rle.ts), bus-word padding included. */
  readonly weightBitsRle: number;
  /** The job's input feature map, C * H * W activations, once. */
  readonly inputBits: number;
  /** The job's outputs, Fj * Wn values of output.bits, once. */
  readonly outputBits: number;
}

/** A job's or a layer's counts in one mode. */
export interface AccessFigures {
  readonly mode: Mode;
  readonly cycles: number;
  /** Rows issued over all tiles: the sum over sets of Wn * rowsHw. */
  readonly issuedRows: number;
  /** Rows of the weight-memory image: the sum over sets of rowsHw. */
  readonly imageRows: number;
  readonly arrays: readonly ArrayAccess[];
  readonly ops: readonly OpCount[];
  readonly offChip: OffChip;
}

export type JobAccess = AccessFigures;

/** What the memory functions read: one job's schedule on the configuration that runs it. */
export interface JobPlan {
  readonly cfg: ResolvedConfig;
  readonly sched: JobSchedule;
  readonly windows: number;
  /** Filters of the job (Fj). */
  readonly filters: number;
  /** Input activations of the job's group, C * H * W. */
  readonly inputActivations: number;
  readonly gated: boolean;
}

interface PlanFigures {
  readonly issuedRows: number;
  readonly imageRows: number;
}

const figures = (p: JobPlan): PlanFigures => {
  let issuedRows = 0;
  let imageRows = 0;
  for (const set of p.sched.sets) {
    imageRows += rowsHw(set.rows.length);
    issuedRows += p.windows * rowsHw(set.rows.length);
  }
  return { issuedRows, imageRows };
};

/**
 * Weight memory (section 5): per tile, weightDataBanks data banks and one control bank, all read at
 * the row's address once per issued row; the host writes each image row once per job.
 */
export function weightMemory(p: JobPlan, f: PlanFigures): ArrayAccess[] {
  const { cfg } = p;
  return [
    { memory: 'weightMemory', array: 'data bank', kind: 'sram', copies: cfg.tiles * cfg.weightDataBanks, widthBits: cfg.weightBankWidth, depthWords: cfg.weightDepth,
      reads: f.issuedRows * cfg.weightDataBanks, writes: f.imageRows * cfg.weightDataBanks },
    { memory: 'weightMemory', array: 'control bank', kind: 'sram', copies: cfg.tiles, widthBits: cfg.controlBits, depthWords: cfg.weightDepth,
      reads: f.issuedRows, writes: f.imageRows },
  ];
}

/**
 * Activation memory (sections 5 and 6): per tile, h+1 banks, every bank read once per issued row;
 * the host writes Wn * Qw words into every bank, broadcast into every tile's copy.
 */
export function activationMemory(p: JobPlan, f: PlanFigures): ArrayAccess[] {
  const { cfg } = p;
  const B = cfg.activationBanks;
  const Qw = windowStride(p.sched.S, cfg.lookahead);
  return [
    { memory: 'activationMemory', array: 'bank', kind: 'sram', copies: cfg.tiles * B, widthBits: cfg.activationBankWidth, depthWords: cfg.activationBankDepth,
      reads: f.issuedRows * B, writes: cfg.tiles * B * p.windows * Qw },
  ];
}

/**
 * Activation buffer (section 6): the banks' read registers, loaded with h+1 words per issued row;
 * each of the K * N multipliers reads one activation operand from it per issued row.
 */
export function activationBuffer(p: JobPlan, f: PlanFigures): ArrayAccess[] {
  const { cfg } = p;
  const B = cfg.activationBanks;
  return [
    { memory: 'activationBuffer', array: 'row register', kind: 'regfile', copies: cfg.tiles * B, widthBits: cfg.activationBankWidth, depthWords: 0,
      reads: 0, writes: f.issuedRows * B },
    { memory: 'activationBuffer', array: 'operand read', kind: 'regfile', copies: cfg.tiles * cfg.filtersPerTile * cfg.lanes, widthBits: cfg.activationBits, depthWords: 0,
      reads: f.issuedRows * cfg.filtersPerTile * cfg.lanes, writes: 0 },
  ];
}

/** Output memory (section 5): one word of K outputs per set and window, written once and read out once by the host. */
export function outputMemory(p: JobPlan): ArrayAccess[] {
  const { cfg } = p;
  const words = p.sched.sets.length * p.windows;
  return [
    { memory: 'outputMemory', array: 'word', kind: 'sram', copies: cfg.tiles, widthBits: cfg.outputWordBits, depthWords: cfg.featureMapBankDepth, reads: words, writes: words },
  ];
}

/** The memory system of the current architecture, one function per memory. */
export const MEMORY_SYSTEM: readonly ((p: JobPlan, f: PlanFigures) => ArrayAccess[])[] = [weightMemory, activationMemory, activationBuffer, outputMemory];

/**
 * Arithmetic per issued row and PE: N multiplies, N - 1 adder-tree adds, one accumulator add. With
 * gating, a zero weight's multiply is not counted and a PE row with e non-zero weights counts
 * max(e - 1, 0) tree adds; the accumulator still runs.
 */
export function arithmetic(p: JobPlan, f: PlanFigures): OpCount[] {
  const { cfg } = p;
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  let mults = f.issuedRows * K * N;
  let treeAdds = f.issuedRows * K * (N - 1);
  if (p.gated) {
    mults = 0;
    treeAdds = 0;
    for (const set of p.sched.sets) {
      for (const row of set.rows) {
        for (let k = 0; k < K; k++) {
          let e = 0;
          for (let l = 0; l < N; l++) if (row.weights[k * N + l] !== 0) e++;
          mults += p.windows * e;
          treeAdds += p.windows * Math.max(e - 1, 0);
        }
      }
    }
  }
  return [
    { op: 'mult', unit: 'multipliers', widths: [cfg.weightBits, cfg.activationBits], count: mults },
    { op: 'add', unit: 'adder tree', widths: [cfg.treeBits], count: treeAdds },
    { op: 'add', unit: 'accumulators', widths: [cfg.accumulatorBits], count: f.issuedRows * K },
  ];
}

export interface AccessOptions {
  /** Run field of the run-length coded weight image. */
  readonly rleRunBits: number;
  /** Bus word width of the coded weight stream. */
  readonly busBits: number;
}

export function jobAccess(mode: Mode, p: JobPlan, o: AccessOptions): JobAccess {
  const f = figures(p);
  const { cycles } = jobCycles(p.cfg, p.sched, p.windows);
  return {
    mode,
    cycles,
    issuedRows: f.issuedRows,
    imageRows: f.imageRows,
    arrays: MEMORY_SYSTEM.flatMap((m) => m(p, f)),
    ops: arithmetic(p, f),
    offChip: {
      weightBits: weightImageStorage(p.cfg, [p.sched], { busBits: o.busBits }).totalBits,
      weightBitsRle: weightImageStorage(p.cfg, [p.sched], { busBits: o.busBits, rleRunBits: o.rleRunBits }).totalBits,
      inputBits: p.inputActivations * p.cfg.activationBits,
      outputBits: p.filters * p.windows * p.cfg.output.bits,
    },
  };
}

/** A layer's counts in one mode: its jobs and their sums. */
export interface LayerAccess extends AccessFigures {
  readonly jobs: readonly JobAccess[];
}

/** Sums jobs: arrays by (memory, array), ops by (unit, widths); grouped layers run their jobs one after the other. */
export function sumJobs(mode: Mode, jobs: readonly JobAccess[]): LayerAccess {
  const arrays = new Map<string, ArrayAccess>();
  const ops = new Map<string, OpCount>();
  for (const j of jobs) {
    for (const a of j.arrays) {
      const key = `${a.memory}/${a.array}`;
      const prev = arrays.get(key);
      arrays.set(key, prev ? { ...prev, reads: prev.reads + a.reads, writes: prev.writes + a.writes } : a);
    }
    for (const o of j.ops) {
      const key = `${o.unit}/${o.widths.join('x')}`;
      const prev = ops.get(key);
      ops.set(key, prev ? { ...prev, count: prev.count + o.count } : o);
    }
  }
  const sum = (g: (j: JobAccess) => number) => jobs.reduce((a, j) => a + g(j), 0);
  return {
    mode,
    cycles: sum((j) => j.cycles),
    issuedRows: sum((j) => j.issuedRows),
    imageRows: sum((j) => j.imageRows),
    arrays: [...arrays.values()],
    ops: [...ops.values()],
    offChip: {
      weightBits: sum((j) => j.offChip.weightBits),
      weightBitsRle: sum((j) => j.offChip.weightBitsRle),
      inputBits: sum((j) => j.offChip.inputBits),
      outputBits: sum((j) => j.offChip.outputBits),
    },
    jobs,
  };
}

/** The schedules of a layer in the three modes: the design's (skipping) and the dense baseline's (dense, gating). */
export interface LayerPlans {
  readonly spec: LayerSpec;
  readonly jobs: readonly LoweredJob[];
  readonly cfg: ResolvedConfig;
  readonly scheds: readonly JobSchedule[];
  readonly denseCfg: ResolvedConfig;
  readonly denseScheds: readonly JobSchedule[];
}

/** Schedules the dense baseline's rows for jobs already scheduled on cfg (filters in the same sets). */
export async function layerPlans(spec: LayerSpec, jobs: readonly LoweredJob[], cfg: ResolvedConfig, scheds: readonly JobSchedule[]): Promise<LayerPlans> {
  const denseCfg = cfg.dense ? cfg : denseBaseline(cfg);
  const denseScheds: JobSchedule[] = [];
  for (const job of jobs) denseScheds.push(await scheduleJob(job, denseCfg, 'dense'));
  return { spec, jobs, cfg, scheds, denseCfg, denseScheds };
}

/** Lowers a layer (weights only), schedules it on cfg with `scheduler`, and the dense baseline's rows beside it. */
export async function planLayer(data: LayerData, cfg: ResolvedConfig, scheduler: SchedulerName, opts: { shuffle?: boolean; seed?: number } = {}): Promise<LayerPlans> {
  const jobs = lowerLayer(data, cfg.lanes, { weightsOnly: true });
  const scheds: JobSchedule[] = [];
  for (const job of jobs) scheds.push(await scheduleJob(job, cfg, scheduler, opts));
  return layerPlans(data.spec, jobs, cfg, scheds);
}

/** The layer's counts in all three modes. */
export function layerAccessAll(plans: LayerPlans, o: AccessOptions): Record<Mode, LayerAccess> {
  return Object.fromEntries(MODES.map((m) => [m, layerAccess(plans, m, o)])) as Record<Mode, LayerAccess>;
}

export function layerAccess(plans: LayerPlans, mode: Mode, o: AccessOptions): LayerAccess {
  const { spec } = plans;
  const inputActivations = spec.channels * spec.inH * spec.inW;
  const jobs = plans.jobs.map((job, j) => {
    const skipping = mode === 'skipping';
    return jobAccess(mode, {
      cfg: skipping ? plans.cfg : plans.denseCfg,
      sched: skipping ? plans.scheds[j] : plans.denseScheds[j],
      windows: job.windows,
      filters: job.filterIds.length,
      inputActivations,
      gated: mode === 'gating',
    }, o);
  });
  return sumJobs(mode, jobs);
}
