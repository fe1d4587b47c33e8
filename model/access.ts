/**
 * Access counts of the memory system (docs/architecture.md sections 5, 6 and 8), from a layer's
 * schedules, its tile plan and its geometry: what each memory array is read and written, how many
 * arithmetic operations run, and what crosses the chip boundary, per job and per layer, for three
 * ways of running the layer:
 *
 *   dense     the dense baseline (contract/config.ts denseBaseline) runs all S steps of every set;
 *             every multiplier, adder and memory works in every issued row.
 *   gating    the same cycles and memory traffic as dense, but a multiplier whose weight is zero is
 *             gated: it and its adder-tree add cost no energy (the adds of a PE's row are e - 1 for
 *             e non-zero weights).
 *   skipping  this design: the configuration's interconnect, the schedule's rows (fewer rows, so
 *             fewer weight-ring, activation-buffer and operand reads); the empty slots of a
 *             processed row are not gated.
 *
 * The counts are those of section 8.4's per-tile counters, worked out from the work alone (tileWork),
 * so that they exist for any layer, also one that does not fit the chip's memories: for a program
 * that runs, they equal model/timing.ts's counters (test/unit/model/access-energy.test.ts), which
 * co-simulation checks against the RTL's; BUF_WRITES is the lines the fill walks, of which a layer's
 * last few may be cut off when the layer ends (the counter is at most this). Idle reads (a
 * controller that waits keeps reading its row) are not counted; zero activations are not exploited.
 */
import { denseBaseline, type ResolvedConfig } from '../contract/config.ts';
import { rowsHw } from '../contract/capacity.ts';
import { channelGroups, regionWords } from '../contract/fmap.ts';
import { layoutFromConfig } from '../contract/layout.ts';
import { fillLines, layerFillGeometry, stepAddress } from './address-gen.ts';
import { jobCycles } from './cycles.ts';
import { weightImageStorage } from './compression/storage.ts';
import { lowerLayer, type LoweredJob } from './lower.ts';
import { packSetStream } from './memory-images.ts';
import { outChannelPositions, scheduleJob, type JobSchedule } from './schedule.ts';
import { planTiles, type PlanMode } from './tile-plan.ts';
import { outputGroups, type TileCounters } from './timing.ts';
import type { LayerData, LayerSpec, SchedulerName } from './types.ts';

export type Mode = 'dense' | 'gating' | 'skipping';
export const MODES: readonly Mode[] = ['dense', 'gating', 'skipping'];

export type MemoryName = 'weightMemory' | 'activationMemory' | 'activationBuffer' | 'outputFifo';

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

/** What crosses the chip boundary for one job, in bits. */
export interface OffChip {
  /** The weight streams as the tiles fetch them over AXI (AXI_BYTES x 8: headers and padding included; run-length coded when cfg.weightStream is). */
  readonly weightBits: number;
  /** What-if: the slot streams run-length coded (contract/rle.ts) in the given format and bus width, bus-word padding included, plus the control words (docs/energy.md). */
  readonly weightBitsRle: number;
  /** The job's input feature map as the host writes it: brick words of N lanes. */
  readonly inputBits: number;
  /** The job's output feature map as the host reads it: brick words of N lanes. */
  readonly outputBits: number;
}

/** A job's or a layer's counts in one mode. */
export interface AccessFigures {
  readonly mode: Mode;
  /** Compute cycles (section 8.6): the memory system's stalls add cycles but no accesses. */
  readonly cycles: number;
  /** Rows issued over all tiles (the ISSUE counters' sum). */
  readonly issuedRows: number;
  /** Row records written into the weight rings (a set's rows, once per tile that runs it). */
  readonly ringRows: number;
  readonly arrays: readonly ArrayAccess[];
  readonly ops: readonly OpCount[];
  readonly offChip: OffChip;
}

export type JobAccess = AccessFigures;

/** One tile's work in a job: section 8.4's counters, and the row records and output words behind them. */
export interface TileWork extends Pick<TileCounters, 'ISSUE' | 'FM_READS' | 'BUF_WRITES' | 'BUF_READS' | 'OUT_WRITES' | 'AXI_BYTES'> {
  /** Row records the tile's fetcher writes into its weight ring. */
  readonly ringRows: number;
  /** Output words (K outputs, one per set and window) through the tile's output FIFO. */
  readonly fifoWords: number;
}

/**
 * Each tile's counters for one job under a tile plan, from section 8.4's consequences: ISSUE =
 * Σ rowsHw·WIN_COUNT over its sets, BUF_READS = (h+1)·ISSUE, OUT_WRITES = Σ WIN_COUNT·(groups of the
 * set), AXI_BYTES = its sets' streams (contract/stream.ts, in cfg's coding), FM_READS = the valid steps
 * of the lines its fill walks (every set walks the tile's window range), BUF_WRITES = those lines.
 */
export function tileWork(cfg: ResolvedConfig, spec: LayerSpec, job: Pick<LoweredJob, 'S' | 'windows' | 'outW'>, sched: JobSchedule, plan: PlanMode = 'round-robin'): TileWork[] {
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  const g = layerFillGeometry(spec, job.outW, N);
  const Qw = fillLines(g, cfg.lookahead);
  const outChannels = outChannelPositions(sched, K);
  const valid = new Float64Array(job.windows + 1); // prefix sums of the valid steps per window
  for (let w = 0; w < job.windows; w++) {
    let n = 0;
    for (let t = 0; t < job.S; t++) if (stepAddress(g, w, t) >= 0) n++;
    valid[w + 1] = valid[w] + n;
  }
  const L = layoutFromConfig(cfg);
  const streamBytes = sched.sets.map((set, s) => packSetStream(cfg, L, set, s).beats.length * cfg.axi.beatBytes);
  return planTiles(sched.sets.length, job.windows, cfg.tiles, plan).tiles.map((a) => {
    const rows = a.sets.reduce((x, s) => x + rowsHw(sched.sets[s].rows.length), 0);
    const groups = a.sets.reduce((x, s) => x + outputGroups(s * K, K, outChannels, N).count, 0);
    const issue = rows * a.winCount;
    return {
      ISSUE: issue,
      FM_READS: a.sets.length * (valid[a.winBase + a.winCount] - valid[a.winBase]),
      BUF_WRITES: a.sets.length * a.winCount * Qw,
      BUF_READS: cfg.activationBanks * issue,
      OUT_WRITES: groups * a.winCount,
      AXI_BYTES: a.sets.reduce((x, s) => x + streamBytes[s], 0),
      ringRows: rows,
      fifoWords: a.sets.length * a.winCount,
    };
  });
}

/** What the memory functions read: one job on the configuration that runs it. */
export interface JobPlan {
  readonly cfg: ResolvedConfig;
  readonly spec: LayerSpec;
  readonly job: LoweredJob;
  readonly sched: JobSchedule;
  readonly plan: PlanMode;
  readonly gated: boolean;
}

interface Work {
  readonly tiles: readonly TileWork[];
  /** Σ over tiles. */
  readonly sum: Readonly<Record<keyof TileWork, number>>;
  /** Feature-map words of the job's input and output regions. */
  readonly inputWords: number;
  readonly outputWords: number;
}

function work(p: JobPlan): Work {
  const tiles = tileWork(p.cfg, p.spec, p.job, p.sched, p.plan);
  const keys = Object.keys(tiles[0]) as (keyof TileWork)[];
  const sum = Object.fromEntries(keys.map((k) => [k, tiles.reduce((a, t) => a + t[k], 0)])) as Record<keyof TileWork, number>;
  const g = layerFillGeometry(p.spec, p.job.outW, p.cfg.lanes);
  const outCg = channelGroups(outChannelPositions(p.sched, p.cfg.filtersPerTile), p.cfg.lanes);
  return { tiles, sum, inputWords: regionWords(g.inH, g.inW, g.inCgroups), outputWords: regionWords(p.job.outH, p.job.outW, outCg) };
}

/**
 * Weight ring (sections 5.3, 6.4): per tile, weightDataBanks data banks and one control bank, all
 * read once per issued row and written once per row record the fetcher brings in.
 */
export function weightMemory(p: JobPlan, w: Work): ArrayAccess[] {
  const { cfg } = p;
  return [
    { memory: 'weightMemory', array: 'data bank', kind: 'sram', copies: cfg.tiles * cfg.weightDataBanks, widthBits: cfg.weightBankWidth, depthWords: cfg.weightDepth,
      reads: w.sum.ISSUE * cfg.weightDataBanks, writes: w.sum.ringRows * cfg.weightDataBanks },
    { memory: 'weightMemory', array: 'control bank', kind: 'sram', copies: cfg.tiles, widthBits: cfg.controlBits, depthWords: cfg.weightDepth,
      reads: w.sum.ISSUE, writes: w.sum.ringRows },
  ];
}

/**
 * Feature-map (activation) memory (sections 5.4, 6.3, 6.6): featureMapBanks banks per tile; each
 * tile's fill reads its own copy (FM_READS); every write goes to all T copies: the host's input
 * words and every tile's output words (OUT_WRITES); the host reads the outputs out of one copy.
 */
export function activationMemory(p: JobPlan, w: Work): ArrayAccess[] {
  const { cfg } = p;
  return [
    { memory: 'activationMemory', array: 'feature-map bank', kind: 'sram', copies: cfg.tiles * cfg.featureMapBanks, widthBits: cfg.activationBankWidth, depthWords: cfg.featureMapBankDepth,
      reads: w.sum.FM_READS + w.outputWords, writes: cfg.tiles * (w.inputWords + w.sum.OUT_WRITES) },
  ];
}

/**
 * Activation buffer (sections 5.5, 6.5): h+1 banks of activationBankDepth lines per tile, a line
 * written as h+1 bank words (BUF_WRITES) and every bank read per issued row (BUF_READS); each of the
 * K·N multipliers then reads its operand from the rotated bank outputs through its mux.
 */
export function activationBuffer(p: JobPlan, w: Work): ArrayAccess[] {
  const { cfg } = p;
  const B = cfg.activationBanks;
  return [
    { memory: 'activationBuffer', array: 'bank', kind: 'sram', copies: cfg.tiles * B, widthBits: cfg.activationBankWidth, depthWords: cfg.activationBankDepth,
      reads: w.sum.BUF_READS, writes: w.sum.BUF_WRITES * B },
    { memory: 'activationBuffer', array: 'operand read', kind: 'regfile', copies: cfg.tiles * cfg.filtersPerTile * cfg.lanes, widthBits: cfg.activationBits, depthWords: 0,
      reads: w.sum.ISSUE * cfg.filtersPerTile * cfg.lanes, writes: 0 },
  ];
}

/** Output FIFO (section 6.6): one word of K outputs per set and window, pushed once and popped once by the output writer. */
export function outputFifo(p: JobPlan, w: Work): ArrayAccess[] {
  const { cfg } = p;
  return [
    { memory: 'outputFifo', array: 'word', kind: 'regfile', copies: cfg.tiles, widthBits: cfg.outputWordBits, depthWords: 0, reads: w.sum.fifoWords, writes: w.sum.fifoWords },
  ];
}

/** The memory system, one function per memory. */
export const MEMORY_SYSTEM: readonly ((p: JobPlan, w: Work) => ArrayAccess[])[] = [weightMemory, activationMemory, activationBuffer, outputFifo];

/**
 * Arithmetic per issued row and PE: N multiplies, N - 1 adder-tree adds, one accumulator add. With
 * gating, a zero weight's multiply is not counted and a PE row with e non-zero weights counts
 * max(e - 1, 0) tree adds; the accumulator still runs. Every set runs every window once, whatever
 * the tile plan.
 */
export function arithmetic(p: JobPlan, w: Work): OpCount[] {
  const { cfg } = p;
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  const issued = w.sum.ISSUE;
  let mults = issued * K * N;
  let treeAdds = issued * K * (N - 1);
  if (p.gated) {
    mults = 0;
    treeAdds = 0;
    for (const set of p.sched.sets) {
      for (const row of set.rows) {
        for (let k = 0; k < K; k++) {
          let e = 0;
          for (let l = 0; l < N; l++) if (row.weights[k * N + l] !== 0) e++;
          mults += p.job.windows * e;
          treeAdds += p.job.windows * Math.max(e - 1, 0);
        }
      }
    }
  }
  return [
    { op: 'mult', unit: 'multipliers', widths: [cfg.weightBits, cfg.activationBits], count: mults },
    { op: 'add', unit: 'adder tree', widths: [cfg.treeBits], count: treeAdds },
    { op: 'add', unit: 'accumulators', widths: [cfg.accumulatorBits], count: issued * K },
  ];
}

export interface AccessOptions {
  /** Run field of the run-length coded weight image. */
  readonly rleRunBits: number;
  /** Bus word width of the coded weight stream. */
  readonly busBits: number;
}

/** A job's counts in one mode; `w` is its work, which dense and gating share (the same rows and streams). */
export function jobAccess(mode: Mode, p: JobPlan, o: AccessOptions, w: Work = work(p)): JobAccess {
  return {
    mode,
    cycles: jobCycles(p.cfg, p.sched, p.job.windows, p.plan).cycles,
    issuedRows: w.sum.ISSUE,
    ringRows: w.sum.ringRows,
    arrays: MEMORY_SYSTEM.flatMap((m) => m(p, w)),
    ops: arithmetic(p, w),
    offChip: {
      weightBits: 8 * w.sum.AXI_BYTES,
      weightBitsRle: weightImageStorage(p.cfg, [p.sched], { busBits: o.busBits, rleRunBits: o.rleRunBits }).totalBits,
      inputBits: w.inputWords * p.cfg.activationBankWidth,
      outputBits: w.outputWords * p.cfg.activationBankWidth,
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
    ringRows: sum((j) => j.ringRows),
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
  /** How the sets and windows are dealt to the tiles (model/tile-plan.ts), in every mode. */
  readonly plan: PlanMode;
}

/** Schedules the dense baseline's rows for jobs already scheduled on cfg (filters in the same sets). */
export async function layerPlans(spec: LayerSpec, jobs: readonly LoweredJob[], cfg: ResolvedConfig, scheds: readonly JobSchedule[], plan: PlanMode = 'round-robin'): Promise<LayerPlans> {
  const denseCfg = cfg.dense ? cfg : denseBaseline(cfg);
  const denseScheds: JobSchedule[] = [];
  for (const job of jobs) denseScheds.push(await scheduleJob(job, denseCfg, 'dense'));
  return { spec, jobs, cfg, scheds, denseCfg, denseScheds, plan };
}

/** Lowers a layer (weights only), schedules it on cfg with `scheduler`, and the dense baseline's rows beside it. */
export async function planLayer(data: LayerData, cfg: ResolvedConfig, scheduler: SchedulerName, opts: { shuffle?: boolean; seed?: number; plan?: PlanMode } = {}): Promise<LayerPlans> {
  const jobs = lowerLayer(data, cfg.lanes, { weightsOnly: true });
  const scheds: JobSchedule[] = [];
  for (const job of jobs) scheds.push(await scheduleJob(job, cfg, scheduler, opts));
  return layerPlans(data.spec, jobs, cfg, scheds, opts.plan);
}

/** Job j of the layer as `mode` runs it. */
function jobPlanOf(plans: LayerPlans, mode: Mode, j: number): JobPlan {
  const skipping = mode === 'skipping';
  return {
    cfg: skipping ? plans.cfg : plans.denseCfg,
    spec: plans.spec,
    job: plans.jobs[j],
    sched: skipping ? plans.scheds[j] : plans.denseScheds[j],
    plan: plans.plan,
    gated: mode === 'gating',
  };
}

/** The layer's counts in all three modes; the dense baseline's work is worked out once for dense and gating. */
export function layerAccessAll(plans: LayerPlans, o: AccessOptions): Record<Mode, LayerAccess> {
  const denseWork = plans.jobs.map((_, j) => work(jobPlanOf(plans, 'dense', j)));
  return Object.fromEntries(MODES.map((m) => [m, layerAccess(plans, m, o, m === 'skipping' ? undefined : denseWork)])) as Record<Mode, LayerAccess>;
}

export function layerAccess(plans: LayerPlans, mode: Mode, o: AccessOptions, works?: readonly Work[]): LayerAccess {
  return sumJobs(mode, plans.jobs.map((_, j) => {
    const p = jobPlanOf(plans, mode, j);
    return jobAccess(mode, p, o, works?.[j] ?? work(p));
  }));
}
