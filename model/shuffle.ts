/**
 * Filter shuffling (`--shuffle`): which filters share a set (and in which PE order), and which tile
 * runs each set. The K PEs of a set are synchronized, so a set runs as many rows as its "hardest"
 * filter needs, and a step is skipped only when all its filters are empty there; a job takes as
 * long as its busiest tile (docs/architecture.md section 8). Shuffling therefore
 *
 *  1. groups filters of similar work: sort them by non-zero count (descending; ties by index) and
 *     deal them into sets in that order (sum over sets of the max work is minimal for a
 *     sort-then-chunk split);
 *  2. spreads the job over the tiles: set s runs on tile s mod T, and the sets are dealt to tiles in
 *     a snake order of their `heuristic` rows, which balances the tiles' row sums;
 *  3. (shuffleJob) minimizes the job's cycles, not its rows: it also tries smaller sets that keep
 *     every tile busy (up to T * ceil(ceil(F/K) / T) sets, so no tile runs more local sets than the
 *     default assignment and the output memory use is unchanged; when there are fewer sets than
 *     tiles, that is the only way idle tiles can take work), and then moves and swaps filters
 *     between a set of the busiest tile and a set of another tile while that lowers the job's
 *     cycles (sorted tile loads, then total rows). Deterministic: no seed.
 *
 * Entry points:
 *  - assignFilters(weights [F][S][N], F, S, N, K, opts?): steps 1 and 2 (with an optional seeded
 *    refinement that lowers the total rows), sets of job-local filter indices, each <= K, no padding;
 *  - shuffleJob(job, cfg): the FilterShuffler of model/types.ts that model/schedule.ts calls; every
 *    set has exactly K entries (-1 for an unused PE) and carries the `heuristic` rows it was scored
 *    with, so that the set is not scheduled a second time.
 */
import { tileRows } from '../contract/capacity.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { mulberry32 } from './random.ts';
import type { Offsets } from './schedulers/common.ts';
import { heuristic } from './schedulers/heuristic.ts';
import type { FilterShuffler, ScheduledRow } from './types.ts';

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

/** Sets of job-local filter indices in PE order, each of at most K filters (steps 1 and 2). */
export function assignFilters(weights: Int32Array, F: number, S: number, N: number, K: number, opts: ShuffleOptions = {}): number[][] {
  const sc = new Scorer(weights, F, S, N, K, opts);
  const sets = chunk(sc.order, chunkSizes(F, Math.ceil(F / K), K, false));
  const T = opts.tiles ?? 1;
  const refine = opts.refine ?? 0;
  if (sets.length <= 1 || (refine <= 0 && T <= 1)) return sets;
  if (refine > 0) refineTotal(sc, sets, refine, opts.seed ?? 0);
  return deal(sets, sets.map((s) => sc.cost(s)), T);
}

/**
 * `--shuffle` as model/schedule.ts runs it (the configuration's K, T and pattern; the job's cycles
 * as objective). Returns candidate assignments, the one `heuristic` scores best first; the default
 * assignment (filter f in set floor(f/K), PE f mod K) is always among them, so a caller that
 * schedules the candidates with another scheduler and keeps the fastest is never slower than
 * without shuffling.
 */
export const shuffleJob: FilterShuffler = (job, cfg: ResolvedConfig) => {
  const K = cfg.filtersPerTile;
  const T = cfg.tiles;
  const F = job.filterIds.length;
  const sc = new Scorer(job.weights, F, job.S, job.N, K, { offsets: cfg.offsets, lookahead: cfg.lookahead });
  const n0 = Math.ceil(F / K);
  const nMax = Math.min(F, T * Math.ceil(n0 / T));
  // by work: the default sizes (K, ..., K, rest), then equal sizes with the default number of sets and with every tile busy
  const starts = [chunkSizes(F, n0, K, false), chunkSizes(F, n0, K, true), chunkSizes(F, nMax, K, true)];
  let best: number[][] | undefined;
  let bestKey: number[] = [];
  const seen = new Set<string>();
  for (const sizes of starts) {
    if (seen.has(sizes.join())) continue;
    seen.add(sizes.join());
    const sets = chunk(sc.order, sizes);
    const dealt = deal(sets, sets.map((s) => sc.cost(s)), T);
    const key = sc.layerKey(dealt, T);
    if (!best || less(key, bestKey)) [best, bestKey] = [dealt, key];
  }
  const shuffled = refineCritical(sc, best!, T);
  const identity = chunk(Array.from({ length: F }, (_, f) => f), chunkSizes(F, n0, K, false));
  const same = identity.length === shuffled.length && identity.every((s, i) => s.join() === shuffled[i].join());
  const ranked = same ? [identity] : less(sc.layerKey(identity, T), sc.layerKey(shuffled, T)) ? [identity, shuffled] : [shuffled, identity];
  return ranked.map((sets) => sets.map((filters) => ({ filters: [...filters, ...new Array<number>(K - filters.length).fill(-1)], heuristicRows: sc.rows(filters) })));
};

/**
 * Scores sets with `heuristic` on K PEs (missing PEs all zero), exactly as scheduleJob would schedule
 * them; rows are remembered per set. A set's filters are kept in canonical order (non-zero count
 * descending, then index), so the same filters always give the same PE order and the same rows.
 */
class Scorer {
  /** Filters by non-zero count, descending; ties by index. */
  readonly order: number[];
  private readonly rank: Int32Array;
  private readonly memo = new Map<string, ScheduledRow[]>();
  private readonly offsets: Offsets;
  private readonly h: number;

  constructor(
    private readonly weights: Int32Array,
    F: number,
    private readonly S: number,
    private readonly N: number,
    /** PEs of a set. */
    readonly K: number,
    opts: ShuffleOptions,
  ) {
    if (!Number.isInteger(K) || K < 1) throw new Error(`assignFilters: K must be a positive integer, got ${K}`);
    if (weights.length < F * S * N) throw new Error(`assignFilters: weights has ${weights.length} entries, expected F*S*N = ${F * S * N}`);
    const block = S * N;
    const nnz = new Int32Array(F);
    for (let f = 0; f < F; f++) {
      let n = 0;
      for (let i = f * block, e = i + block; i < e; i++) if (weights[i] !== 0) n++;
      nnz[f] = n;
    }
    this.order = Array.from({ length: F }, (_, f) => f).sort((x, y) => nnz[y] - nnz[x] || x - y);
    this.rank = new Int32Array(F);
    this.order.forEach((f, i) => (this.rank[f] = i));
    this.offsets = opts.offsets ?? TRIDENT_2_5;
    this.h = opts.lookahead ?? Math.max(...this.offsets.map(([x]) => x));
  }

  /** The set's filters in canonical order. */
  canonical(filters: readonly number[]): number[] {
    return [...filters].sort((x, y) => this.rank[x] - this.rank[y]);
  }

  /** The set's heuristic rows, its filters in PE order (memoized). */
  rows(filters: readonly number[]): ScheduledRow[] {
    const key = filters.join(',');
    let r = this.memo.get(key);
    if (!r) {
      const { S, N, K } = this;
      const block = S * N;
      const w = new Int32Array(K * block);
      filters.forEach((f, k) => w.set(this.weights.subarray(f * block, (f + 1) * block), k * block));
      r = heuristic({ K, S, N, weights: w }, this.offsets, this.h);
      this.memo.set(key, r);
    }
    return r;
  }

  /** Hardware rows of the set (rowsHw). */
  cost(filters: readonly number[]): number {
    return Math.max(1, this.rows(filters).length);
  }

  /** The job's cost with set s on tile s mod T: tile loads, largest first, then the total rows. */
  layerKey(sets: readonly (readonly number[])[], T: number): number[] {
    const costs = sets.map((s) => this.cost(s));
    return [...tileRows(costs, T).sort((a, b) => b - a), costs.reduce((a, b) => a + b, 0)];
  }
}

/** Lexicographic a < b. */
function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** Set sizes for F filters in n sets: K, ..., K and the rest (equal = false), or sizes differing by at most one. */
function chunkSizes(F: number, n: number, K: number, equal: boolean): number[] {
  if (!equal) return Array.from({ length: n }, (_, i) => Math.min(K, F - i * K));
  return Array.from({ length: n }, (_, i) => Math.floor(F / n) + (i < F % n ? 1 : 0));
}

function chunk(order: readonly number[], sizes: readonly number[]): number[][] {
  let at = 0;
  return sizes.map((n) => order.slice(at, (at += n)));
}

/** Snake order: round j deals the next T costliest sets to tiles 0..T-1 (even j) or T-1..0 (odd j). */
function deal<X>(sets: readonly X[], cost: readonly number[], T: number): X[] {
  if (T <= 1) return [...sets];
  const byCost = sets.map((_, s) => s).sort((x, y) => cost[y] - cost[x] || x - y);
  const out: X[] = new Array(sets.length);
  const rounds = Math.ceil(sets.length / T);
  let next = 0;
  for (let j = 0; j < rounds; j++) {
    const inRound = Math.min(T, sets.length - j * T);
    for (let i = 0; i < inRound; i++) out[j * T + (j % 2 === 0 ? i : inRound - 1 - i)] = sets[byCost[next++]];
  }
  return out;
}

/** Random swaps of two filters between two sets, kept when the two sets' total rows drop (seeded). */
function refineTotal(sc: Scorer, sets: number[][], refine: number, seed: number): void {
  const rand = mulberry32(seed).next;
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
    if (sc.cost(a) + sc.cost(b) < sc.cost(sets[s1]) + sc.cost(sets[s2])) {
      sets[s1] = a;
      sets[s2] = b;
    }
  }
}

/**
 * Step 3: while the job's cycles drop, move a filter from a set of the busiest tile to a set of
 * another tile that has a free PE, or swap it with one of that set's filters; the sets are dealt to
 * the tiles again after every change. Heaviest filters of the busiest tile and the lightest tiles
 * are tried first; the number of scored changes is bounded (2 per set plus 16, at most 48).
 */
function refineCritical(sc: Scorer, start: number[][], T: number): number[][] {
  let sets = start.map((s) => sc.canonical(s));
  let key = sc.layerKey(sets, T);
  let budget = Math.min(48, 2 * sets.length + 16);
  const tileOf = (s: number) => s % T;
  const tryChange = (i: number, a: number[], j: number, b: number[]): boolean => {
    budget--;
    const next = sets.slice();
    next[i] = sc.canonical(a);
    next[j] = sc.canonical(b);
    const dealt = deal(next, next.map((s) => sc.cost(s)), T);
    const k = sc.layerKey(dealt, T);
    if (!less(k, key)) return false;
    [sets, key] = [dealt, k];
    return true;
  };
  search: while (budget > 0) {
    const loads = tileRows(sets.map((s) => sc.cost(s)), T);
    const critical = loads.indexOf(Math.max(...loads));
    const mine = sets.map((_, s) => s).filter((s) => tileOf(s) === critical);
    const others = sets.map((_, s) => s).filter((s) => tileOf(s) !== critical).sort((x, y) => loads[tileOf(x)] - loads[tileOf(y)] || x - y);
    for (const i of mine) {
      for (const f of sets[i]) {
        for (const j of others) {
          if (budget <= 0) break search;
          const rest = sets[i].filter((x) => x !== f);
          if (rest.length > 0 && sets[j].length < sc.K && tryChange(i, rest, j, [...sets[j], f])) continue search;
          for (const g of [...sets[j]].reverse()) {
            if (budget <= 0) break search;
            if (tryChange(i, [...rest, g], j, sets[j].map((x) => (x === g ? f : x)))) continue search;
          }
        }
      }
    }
    break;
  }
  return sets;
}
