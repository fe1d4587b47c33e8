/**
 * Helpers for the scheduler tests: random sets, the trident 2/5 offsets, and a literal
 * transcription of the section 4 `heuristic` that cross-checks model/schedulers/heuristic.ts.
 */
import type { ScheduledRow, SetWeights } from '../../../../model/types.ts';
import { mulberry32 } from '../../../../model/random.ts';

export type Offsets = readonly (readonly [number, number])[];

/** Trident 2/5 in code order (docs/architecture.md section 2). */
export const TRIDENT_2_5: Offsets = [[0, 0], [1, -1], [1, 0], [1, 1], [1, 3], [2, -2], [2, 0], [2, 2]];

/** The project's seeded PRNG (model/random.ts, mulberry32). */
export const rng = (seed: number): (() => number) => mulberry32(seed).next;

/** A random set: each slot is non-zero (a value in -8..8 without 0) with probability 1 - sparsity. */
export function randomSet(K: number, S: number, N: number, sparsity: number, seed: number): SetWeights {
  const r = rng(seed);
  const weights = new Int32Array(K * S * N);
  for (let i = 0; i < weights.length; i++) {
    if (r() >= sparsity) {
      const v = 1 + Math.floor(r() * 8);
      weights[i] = r() < 0.5 ? -v : v;
    }
  }
  return { K, S, N, weights };
}

/**
 * Section 4 of docs/architecture.md, transcribed literally and slowly (a test oracle only).
 */
export function refHeuristic(set: SetWeights, offsets: Offsets, h: number): ScheduledRow[] {
  const { K, S, N } = set;
  const W = Int32Array.from(set.weights);
  const sel = new Uint8Array(K * S * N);
  const idx = (k: number, t: number, l: number) => (k * S + t) * N + l;
  const mod = (x: number, n: number) => ((x % n) + n) % n;
  const rows: ScheduledRow[] = [];
  let skipped = 0;
  for (let t = 0; t < S; t++) {
    let empty = true;
    for (let k = 0; k < K && empty; k++) for (let l = 0; l < N; l++) if (W[idx(k, t, l)] !== 0) { empty = false; break; }
    if (skipped < h && empty) { skipped++; continue; }
    skipped = 0;
    for (let k = 0; k < K; k++) {
      for (;;) {
        let bestLane = -1;
        let bestCount = Infinity;
        let bestCode = -1;
        for (let l = 0; l < N; l++) {
          if (W[idx(k, t, l)] !== 0) continue;
          let count = 0;
          let first = -1;
          for (let c = 1; c < offsets.length; c++) {
            const [a, d] = offsets[c];
            if (t + a >= S) continue;
            if (W[idx(k, t + a, mod(l + d, N))] !== 0) { count++; if (first < 0) first = c; }
          }
          if (count >= 1 && count < bestCount) { bestCount = count; bestLane = l; bestCode = first; }
        }
        if (bestLane < 0) break;
        const [a, d] = offsets[bestCode];
        const src = idx(k, t + a, mod(bestLane + d, N));
        W[idx(k, t, bestLane)] = W[src];
        sel[idx(k, t, bestLane)] = bestCode;
        W[src] = 0;
      }
    }
    const rw = new Int32Array(K * N);
    const rs = new Uint8Array(K * N);
    for (let k = 0; k < K; k++) for (let l = 0; l < N; l++) { rw[k * N + l] = W[idx(k, t, l)]; rs[k * N + l] = sel[idx(k, t, l)]; }
    rows.push({ step: t, weights: rw, selects: rs });
  }
  while (rows.length > 0 && rows[rows.length - 1].weights.every((w) => w === 0)) rows.pop();
  return rows;
}
