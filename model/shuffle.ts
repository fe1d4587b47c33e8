/**
 * Filter shuffling (`--shuffle`): assigning a job's filters to sets and PEs. The K PEs of a set are
 * synchronized, so a set runs as many rows as its "hardest" filter needs; a step is skipped only
 * when all K filters are empty there. Mixing a dense filter with sparse ones wastes the sparse
 * filters' lanes. So filters are grouped with similar ones:
 *
 *  1. sort filters by non-zero count (descending; ties by index) and deal them into sets of K in
 *     that order, so each set holds filters of similar work (sum over sets of the max work is
 *     minimal for a sort-then-chunk split);
 *  2. optional refinement (`refine` > 0): random swaps of two filters between two sets, kept when
 *     the two sets' total `heuristic` rows drop (deterministic PRNG, seeded);
 *  3. sets are ordered for the tiles: set s runs on tile s mod T, so the sets (by heuristic rows)
 *     are dealt to tiles in a snake order that balances the tiles' row sums.
 *
 * Two entry points:
 *  - assignFilters(weights [F][S][N], F, S, N, K, opts?): sets of job-local filter indices in PE
 *    order, each of length <= K (no padding);
 *  - shuffleJob(job, cfg): the FilterShuffler of model/types.ts that model/schedule.ts calls; every
 *    set has exactly K entries, -1 for an unused PE, and carries the `heuristic` rows the shuffler
 *    scored it with, so that the set is not scheduled a second time.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { mulberry32 } from './random.ts';
import type { Offsets } from './schedulers/common.ts';
import { heuristic } from './schedulers/heuristic.ts';
import type { FilterShuffler, ScheduledRow, ShuffledSet } from './types.ts';

export interface ShuffleOptions {
  /** Random filter swaps tried between sets, as a multiple of the number of sets (default 0). */
  readonly refine?: number;
  /** Tiles T: sets are ordered so that tile s mod T's sets balance (default 1: no reordering). */
  readonly tiles?: number;
  /** Offsets and lookahead used to score sets with `heuristic` (default trident 2/5, h = 2). */
  readonly offsets?: Offsets;
  readonly lookahead?: number;
  readonly seed?: number;
}

const TRIDENT_2_5: Offsets = [[0, 0], [1, -1], [1, 0], [1, 1], [1, 3], [2, -2], [2, 0], [2, 2]];

/** Sets of job-local filter indices in PE order, each of at most K filters. */
export function assignFilters(weights: Int32Array, F: number, S: number, N: number, K: number, opts: ShuffleOptions = {}): number[][] {
  return assign(weights, F, S, N, K, opts).map((s) => s.filters);
}

/** `--shuffle` as model/schedule.ts runs it: the configuration's K, T and pattern; sets padded to K with -1. */
export const shuffleJob: FilterShuffler = (job, cfg: ResolvedConfig) => {
  const K = cfg.filtersPerTile;
  const sets = assign(job.weights, job.filterIds.length, job.S, job.N, K, { tiles: cfg.tiles, offsets: cfg.offsets, lookahead: cfg.lookahead });
  return sets.map((s) => ({ filters: [...s.filters, ...new Array<number>(K - s.filters.length).fill(-1)], heuristicRows: s.heuristicRows }));
};

function assign(weights: Int32Array, F: number, S: number, N: number, K: number, opts: ShuffleOptions): ShuffledSet[] {
  if (!Number.isInteger(K) || K < 1) throw new Error(`assignFilters: K must be a positive integer, got ${K}`);
  if (weights.length < F * S * N) throw new Error(`assignFilters: weights has ${weights.length} entries, expected F*S*N = ${F * S * N}`);
  const block = S * N;
  const nnz = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (let i = f * block, e = i + block; i < e; i++) if (weights[i] !== 0) n++;
    nnz[f] = n;
  }
  const order = Array.from({ length: F }, (_, f) => f).sort((x, y) => nnz[y] - nnz[x] || x - y);
  const sets: number[][] = [];
  for (let i = 0; i < F; i += K) sets.push(order.slice(i, i + K));

  const offsets = opts.offsets ?? TRIDENT_2_5;
  const h = opts.lookahead ?? Math.max(...offsets.map(([x]) => x));
  /** The set's heuristic rows, on K PEs (missing PEs all zero), as scheduleJob would compute them. */
  const rowsOf = (filters: readonly number[]): ScheduledRow[] => {
    const w = new Int32Array(K * block);
    filters.forEach((f, k) => w.set(weights.subarray(f * block, (f + 1) * block), k * block));
    return heuristic({ K, S, N, weights: w }, offsets, h);
  };

  const refine = opts.refine ?? 0;
  const T = opts.tiles ?? 1;
  if (sets.length <= 1 || (refine <= 0 && T <= 1)) return sets.map((filters) => ({ filters }));
  const rows = sets.map(rowsOf);
  const cost = rows.map((r) => Math.max(1, r.length));
  if (refine > 0) {
    const rand = mulberry32(opts.seed ?? 0).next;
    const tries = Math.round(refine * sets.length);
    for (let i = 0; i < tries; i++) {
      const s1 = Math.floor(rand() * sets.length);
      const s2 = Math.floor(rand() * sets.length);
      if (s1 === s2) continue;
      const i1 = Math.floor(rand() * sets[s1].length);
      const i2 = Math.floor(rand() * sets[s2].length);
      const a = sets[s1].slice();
      const b = sets[s2].slice();
      [a[i1], b[i2]] = [b[i2], a[i1]];
      const ra = rowsOf(a);
      const rb = rowsOf(b);
      const ca = Math.max(1, ra.length);
      const cb = Math.max(1, rb.length);
      if (ca + cb < cost[s1] + cost[s2]) {
        [sets[s1], sets[s2], rows[s1], rows[s2], cost[s1], cost[s2]] = [a, b, ra, rb, ca, cb];
      }
    }
  }
  const scored = sets.map((filters, s) => ({ filters, heuristicRows: rows[s] }));
  if (T <= 1) return scored;
  // snake order: round j deals the next T heaviest sets to tiles 0..T-1 (even j) or T-1..0 (odd j)
  const byCost = sets.map((_, s) => s).sort((x, y) => cost[y] - cost[x] || x - y);
  const out: ShuffledSet[] = new Array(sets.length);
  const rounds = Math.ceil(sets.length / T);
  let next = 0;
  for (let j = 0; j < rounds; j++) {
    const inRound = Math.min(T, sets.length - j * T);
    for (let i = 0; i < inRound; i++) {
      const tile = j % 2 === 0 ? i : inRound - 1 - i;
      out[j * T + tile] = scored[byCost[next++]];
    }
  }
  return out;
}
