/**
 * Statistics of a scheduled layer (stats.json): cycles against the dense baseline, the slot
 * breakdown of the processed rows, the share of zeros removed, and a lower bound on rows
 * (model/bounds.ts setLowerBound).
 *
 * Slots are counted once per hardware row (all K*N slots, unused PEs and padding lanes included;
 * not multiplied by windows, which every set of a layer shares): a processed slot is
 *  - effectual unpromoted: select code 0 and a non-zero weight;
 *  - promoted by lookahead only: offset (a, 0) with a > 0;
 *  - promoted with lookaside: offset (a, d) with d != 0;
 *  - empty (ineffectual): weight 0. A set without rows counts its one all-zero hardware row.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { setLowerBound } from './bounds.ts';
import { issueFromRows, jobCycles } from './cycles.ts';
import type { LoweredJob } from './lower.ts';
import { setWeights, type JobSchedule } from './schedule.ts';

export interface SlotBreakdown {
  effectualUnpromoted: number;
  promotedLookahead: number;
  promotedLookaside: number;
  emptyProcessed: number;
  /** All slots of the processed hardware rows. */
  processed: number;
  /** All slots of the dense schedule (S rows per set). */
  dense: number;
  /** Empty slots of the dense schedule. */
  emptyDense: number;
}

export interface JobStats {
  issueCycles: number;
  cycles: number;
  denseIssueCycles: number;
  denseCycles: number;
  perTile: number[];
  rowsPerSet: number[];
  slots: SlotBreakdown;
  /** Lower bound on each set's hardware rows (model/bounds.ts setLowerBound). */
  lowerBoundRows: number[];
  lowerBoundCycles: number;
}

export function jobStats(job: LoweredJob, sched: JobSchedule, cfg: ResolvedConfig): JobStats {
  const { S, N } = job;
  const K = sched.K;
  const KN = K * N;
  const slots: SlotBreakdown = {
    effectualUnpromoted: 0, promotedLookahead: 0, promotedLookaside: 0, emptyProcessed: 0, processed: 0, dense: 0, emptyDense: 0,
  };
  const lowerBoundRows: number[] = [];
  for (const set of sched.sets) {
    const w = setWeights(job, set.filters);
    let nnz = 0;
    for (let i = 0; i < w.weights.length; i++) if (w.weights[i] !== 0) nnz++;
    slots.dense += S * KN;
    slots.emptyDense += S * KN - nnz;
    lowerBoundRows.push(setLowerBound(w, cfg.lookahead));
    if (set.rows.length === 0) {
      slots.processed += KN;
      slots.emptyProcessed += KN;
    }
    for (const row of set.rows) {
      slots.processed += KN;
      for (let i = 0; i < KN; i++) {
        if (row.weights[i] === 0) slots.emptyProcessed++;
        else if (row.selects[i] === 0) slots.effectualUnpromoted++;
        else if (sched.offsets[row.selects[i]][1] === 0) slots.promotedLookahead++;
        else slots.promotedLookaside++;
      }
    }
  }
  const lb = issueFromRows(cfg, lowerBoundRows, job.windows);
  const rowsPerSet = sched.sets.map((s) => s.rows.length);
  return { ...jobCycles(cfg, sched, job.windows), rowsPerSet, slots, lowerBoundRows, lowerBoundCycles: lb.issueCycles + cfg.pipelineLatency };
}

/** A layer's figures: cycles and slots summed over its jobs (groups), with the derived ratios. */
export interface LayerStats {
  cycles: number;
  denseCycles: number;
  issueCycles: number;
  denseIssueCycles: number;
  speedup: number;
  slots: SlotBreakdown;
  /** 1 - emptyProcessed / emptyDense; null when the dense schedule has no empty slot. */
  zerosRemoved: number | null;
  lowerBoundCycles: number;
  jobs: JobStats[];
}

export function layerStats(jobs: JobStats[]): LayerStats {
  const sum = (f: (j: JobStats) => number) => jobs.reduce((a, j) => a + f(j), 0);
  const slots: SlotBreakdown = {
    effectualUnpromoted: sum((j) => j.slots.effectualUnpromoted),
    promotedLookahead: sum((j) => j.slots.promotedLookahead),
    promotedLookaside: sum((j) => j.slots.promotedLookaside),
    emptyProcessed: sum((j) => j.slots.emptyProcessed),
    processed: sum((j) => j.slots.processed),
    dense: sum((j) => j.slots.dense),
    emptyDense: sum((j) => j.slots.emptyDense),
  };
  const cycles = sum((j) => j.cycles);
  const denseCycles = sum((j) => j.denseCycles);
  return {
    cycles,
    denseCycles,
    issueCycles: sum((j) => j.issueCycles),
    denseIssueCycles: sum((j) => j.denseIssueCycles),
    speedup: denseCycles / cycles,
    slots,
    zerosRemoved: slots.emptyDense === 0 ? null : 1 - slots.emptyProcessed / slots.emptyDense,
    lowerBoundCycles: sum((j) => j.lowerBoundCycles),
    jobs,
  };
}
