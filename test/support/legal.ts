/**
 * An independent legality checker for one set's schedule (docs/architecture.md section 4,
 * "Legality"), written for the tests of `best`, `optimal` and filter shuffling. It shares no code
 * with the schedulers it checks.
 *
 * A schedule is legal when
 *  - row steps are integers in 0..S-1, strictly increasing, the first at most h and consecutive
 *    steps 1..h+1 apart;
 *  - every row has K*N weights and K*N select codes, each select a valid code, and an empty slot
 *    has weight 0 and select 0;
 *  - every placed weight at (row step t, PE k, lane l) with select c = (a, d) comes from the
 *    original slot (k, t+a, (l+d) mod N) with t+a < S, holds that slot's value, and every non-zero
 *    original slot is placed exactly once.
 */
import type { ScheduledRow, SetWeights } from '../../model/types.ts';

export interface LegalityReport {
  /** Human-readable violations; empty when the schedule is legal. */
  readonly errors: string[];
  /** Processed rows (the schedule's cycle count per window before the hardware's max(1, rows)). */
  readonly rows: number;
  /** Trailing rows that are entirely empty (legal, but a scheduler should not emit them). */
  readonly trailingEmpty: number;
}

const mod = (x: number, n: number) => ((x % n) + n) % n;

export function checkSchedule(
  set: SetWeights,
  offsets: readonly (readonly [number, number])[],
  lookahead: number,
  rows: readonly ScheduledRow[],
  maxErrors = 20,
): LegalityReport {
  const { K, S, N, weights } = set;
  const h = lookahead;
  const errors: string[] = [];
  const err = (m: string) => {
    if (errors.length < maxErrors) errors.push(m);
  };
  const used = new Uint8Array(K * S * N);
  let prev = -1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const t = row.step;
    if (!Number.isInteger(t) || t < 0 || t >= S) err(`row ${i}: step ${t} is not in 0..${S - 1}`);
    const delta = t - prev;
    if (delta < 1 || delta > h + 1) err(`row ${i}: step ${t} follows step ${prev} (delta ${delta}, allowed 1..${h + 1})`);
    prev = t;
    if (row.weights.length !== K * N || row.selects.length !== K * N) {
      err(`row ${i}: has ${row.weights.length} weights and ${row.selects.length} selects, expected ${K * N}`);
      continue;
    }
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < N; l++) {
        const w = row.weights[k * N + l];
        const c = row.selects[k * N + l];
        if (w === 0) {
          if (c !== 0) err(`row ${i} (step ${t}) PE ${k} lane ${l}: empty slot with select ${c}`);
          continue;
        }
        if (c >= offsets.length) {
          err(`row ${i} (step ${t}) PE ${k} lane ${l}: select ${c} is not a code of the pattern`);
          continue;
        }
        const [a, d] = offsets[c];
        const ts = t + a;
        const ls = mod(l + d, N);
        if (ts >= S) {
          err(`row ${i} (step ${t}) PE ${k} lane ${l}: select ${c} reaches step ${ts} >= S = ${S}`);
          continue;
        }
        const src = (k * S + ts) * N + ls;
        if (weights[src] !== w) {
          err(`row ${i} (step ${t}) PE ${k} lane ${l}: weight ${w} but source slot (${ts}, ${ls}) holds ${weights[src]}`);
          continue;
        }
        if (used[src]) err(`row ${i} (step ${t}) PE ${k} lane ${l}: source slot (${ts}, ${ls}) is placed twice`);
        used[src] = 1;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < S; t++) {
      for (let l = 0; l < N; l++) {
        const src = (k * S + t) * N + l;
        if (weights[src] !== 0 && !used[src]) err(`PE ${k}: weight at step ${t} lane ${l} is never placed`);
      }
    }
  }
  let trailingEmpty = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i].weights.some((w) => w !== 0)) break;
    trailingEmpty++;
  }
  return { errors, rows: rows.length, trailingEmpty };
}

/** Throws with the first violations when the schedule is not legal; returns the row count. */
export function assertLegal(
  set: SetWeights,
  offsets: readonly (readonly [number, number])[],
  lookahead: number,
  rows: readonly ScheduledRow[],
): number {
  const r = checkSchedule(set, offsets, lookahead, rows);
  if (r.errors.length > 0) throw new Error(`illegal schedule:\n  ${r.errors.join('\n  ')}`);
  return r.rows;
}

/**
 * Exhaustive minimum row count for tiny sets: enumerates every gap-legal set of processed steps in
 * order of size and tests it with a plain augmenting-path matching (weights to reachable slots).
 * Exponential in S; meant for S <= ~14.
 */
export function bruteForceMinRows(
  set: SetWeights,
  offsets: readonly (readonly [number, number])[],
  lookahead: number,
): number {
  const { K, S, N, weights } = set;
  if (S > 20) throw new Error(`bruteForceMinRows: S = ${S} is too large`);
  const h = lookahead;
  const srcs: { k: number; t: number; l: number }[] = [];
  for (let k = 0; k < K; k++) for (let t = 0; t < S; t++) for (let l = 0; l < N; l++) if (weights[(k * S + t) * N + l] !== 0) srcs.push({ k, t, l });
  if (srcs.length === 0) return 0;
  // Candidate slots of each weight: (row step, slot id).
  const cand = srcs.map(({ k, t, l }) =>
    offsets.filter(([a]) => t - a >= 0).map(([a, d]) => ({ step: t - a, slot: (k * S + (t - a)) * N + mod(l - d, N) })),
  );
  const feasible = (mask: number): boolean => {
    const owner = new Map<number, number>();
    const tryW = (w: number, seen: Set<number>): boolean => {
      for (const { step, slot } of cand[w]) {
        if (!((mask >> step) & 1) || seen.has(slot)) continue;
        seen.add(slot);
        const o = owner.get(slot);
        if (o === undefined || tryW(o, seen)) {
          owner.set(slot, w);
          return true;
        }
      }
      return false;
    };
    for (let w = 0; w < srcs.length; w++) if (!tryW(w, new Set())) return false;
    return true;
  };
  const gapLegal = (mask: number): boolean => {
    let prev = -1;
    for (let t = 0; t < S; t++) {
      if (!((mask >> t) & 1)) continue;
      if (t - prev > h + 1) return false;
      prev = t;
    }
    return true;
  };
  const popcount = (m: number) => {
    let c = 0;
    for (; m; m &= m - 1) c++;
    return c;
  };
  const bySize: number[][] = Array.from({ length: S + 1 }, () => []);
  for (let m = 1; m < 1 << S; m++) bySize[popcount(m)].push(m);
  for (let size = 1; size <= S; size++) for (const m of bySize[size]) if (gapLegal(m) && feasible(m)) return size;
  throw new Error('bruteForceMinRows: no feasible schedule (impossible: all steps always work)');
}
