/**
 * Statistics of a scheduled layer (stats.json): cycles against the dense baseline, the slot
 * breakdown of the processed rows, the share of zeros removed, and a lower bound on rows.
 *
 * Slots are counted once per hardware row (all K*N slots, unused PEs and padding lanes included;
 * not multiplied by windows, which every set of a layer shares): a processed slot is
 *  - effectual unpromoted: select code 0 and a non-zero weight;
 *  - promoted by lookahead only: offset (a, 0) with a > 0;
 *  - promoted with lookaside: offset (a, d) with d != 0;
 *  - empty (ineffectual): weight 0. A set without rows counts its one all-zero hardware row.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { issueFromRows, jobCycles } from './cycles.ts';
import type { LoweredJob } from './lower.ts';
import type { JobSchedule } from './schedule.ts';

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
  /** Lower bound on each set's hardware rows (see setLowerBound). */
  lowerBoundRows: number[];
  lowerBoundCycles: number;
}

/**
 * A lower bound on the rows of any legal schedule of one set (K x S x N, index (k*S+t)*N+l):
 * max(chain, max over filters ceil(nnz/N)), at least 1 (hardware rows). `chain` is the fewest rows
 * whose windows [t, t+h] cover every non-empty step while starting at step <= h and advancing by at
 * most h+1: ceil(S/(h+1)) when no step is empty for all filters (the issue's formula), and smaller
 * when whole steps are empty, where the issue's ceil(S/(h+1)) is not a bound (an all-zero set has
 * no rows). Computed by placing each row as late as the next uncovered step allows.
 */
export function setLowerBound(weights: Int32Array, K: number, S: number, N: number, h: number): number {
  const stepUsed = new Uint8Array(S);
  let perFilter = 0;
  for (let k = 0; k < K; k++) {
    let nnz = 0;
    for (let t = 0; t < S; t++) {
      const b = (k * S + t) * N;
      for (let l = 0; l < N; l++) {
        if (weights[b + l] !== 0) {
          nnz++;
          stepUsed[t] = 1;
        }
      }
    }
    perFilter = Math.max(perFilter, Math.ceil(nnz / N));
  }
  let chain = 0;
  let prev = -1; // step of the last placed row (the start counts as step -1)
  let covered = -1; // the last placed row covers steps up to prev + h
  for (let u = 0; u < S; u++) {
    while (stepUsed[u] && u > covered) {
      prev = Math.min(u, prev + h + 1);
      covered = prev + h;
      chain++;
    }
  }
  return Math.max(1, chain, perFilter);
}

export function jobStats(job: LoweredJob, sched: JobSchedule, cfg: ResolvedConfig): JobStats {
  const { S, N } = job;
  const K = sched.K;
  const KN = K * N;
  const slots: SlotBreakdown = {
    effectualUnpromoted: 0, promotedLookahead: 0, promotedLookaside: 0, emptyProcessed: 0, processed: 0, dense: 0, emptyDense: 0,
  };
  const lowerBoundRows: number[] = [];
  const block = S * N;
  const setW = new Int32Array(K * block);
  for (const set of sched.sets) {
    setW.fill(0);
    set.filters.forEach((f, k) => {
      if (f >= 0) setW.set(job.weights.subarray(f * block, (f + 1) * block), k * block);
    });
    let nnz = 0;
    for (let i = 0; i < setW.length; i++) if (setW[i] !== 0) nnz++;
    slots.dense += S * KN;
    slots.emptyDense += S * KN - nnz;
    lowerBoundRows.push(setLowerBound(setW, K, S, N, cfg.lookahead));
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
