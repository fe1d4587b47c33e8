/**
 * Lower bounds on the rows of a set's legal schedules (docs/architecture.md section 4, "Legality"),
 * written once: `stats.json` reports them, `best` stops when it meets them and screens its moves
 * with them, `optimal` adds them to its MILP as cuts, and the studies quote them.
 *
 * Two rules hold for every legal schedule of a set (K filters x S steps x N lanes, lookahead h):
 *
 *  - the interval rule: a weight moves at most h steps earlier, so for every filter k and every
 *    interval of source steps [u, v], the rows processed in [max(0, u-h), v] number at least
 *    ceil(c / N), where c is filter k's weights in steps u..v. With P_k the filter's prefix counts
 *    (P_k[t] = its weights in steps < t) and Y the prefix count of processed steps, that is
 *    N * (Y[v+1] - Y[max(0, u-h)]) >= P_k[v+1] - P_k[u];
 *  - the gap rule up to the last step t_last that holds a weight: one row in each window
 *    [u-h-1, u-1] for u = h+1..t_last-h (the first row is at a step <= h and rows are at most h+1
 *    apart), and one row in [t_last-h, t_last].
 *
 * Both say "at least n points in an interval of the line". Taking the intervals by ascending right
 * end and putting each one's deficit at the rightmost free steps gives a minimum point set (the
 * classic greedy for interval multi-cover); its size, `countBound`, is a lower bound on the rows of
 * any legal schedule, and hardware runs at least one row (rowsHw = max(1, rows)).
 */
import type { SetWeights } from './types.ts';

/** Non-zero weights of each filter at each step, cnt[k*S + t], and the last step holding one (-1: none). */
export function stepCounts(set: SetWeights): { cnt: Int32Array; last: number } {
  const { K, S, N, weights } = set;
  const cnt = new Int32Array(K * S);
  let last = -1;
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < S; t++) {
      const b = (k * S + t) * N;
      let n = 0;
      for (let l = 0; l < N; l++) if (weights[b + l] !== 0) n++;
      cnt[k * S + t] = n;
      if (n > 0 && t > last) last = t;
    }
  }
  return { cnt, last };
}

/**
 * The counting lower bound and a processed-step set that attains it (module comment). For each right
 * end b the largest deficit over all constraints ending at b comes from prefix counts: with
 * X = P_k[b+1] = N*qx + rx and P_k[u] = N*qz + rz, ceil((X - P_k[u]) / N) = qx - qz + [rz < rx], so
 * the interval rule's deficit is qx + val(u) + [rz < rx] - Y[b+1] with val(u) = Y[a(u)] - qz,
 * a(u) = max(0, u-h). Its maximum over u <= b is M + [r* < rx], where M is the largest val of the
 * filter and r* the smallest residue rz among the u that reach it; values only ever grow (placing a
 * point at step p raises Y[a(u)] for the u > p + h already seen), so M and r* are kept as they go
 * and a right end costs O(K).
 */
export function countBound(set: SetWeights, h: number): { bound: number; steps: Uint8Array } {
  const { K, S, N } = set;
  const { cnt, last } = stepCounts(set);
  const y = new Uint8Array(S);
  if (last < 0) return { bound: 0, steps: y };
  const P = new Int32Array(K); // P_k[b]: filter k's weights in steps < b
  const Y = new Int32Array(S + 1); // Y[x]: points in steps < x, valid for x <= b + 1
  const val = new Int32Array(K * S); // val(u) of filter k, for u <= b
  const res = new Int32Array(K * S); // P_k[u] mod N
  const M = new Int32Array(K).fill(-(2 ** 30)); // the largest val(u) of filter k
  const rStar = new Int32Array(K); // the smallest residue among the u with val(u) = M
  const offer = (k: number, u: number) => {
    const v = val[k * S + u];
    const r = res[k * S + u];
    if (v > M[k]) {
      M[k] = v;
      rStar[k] = r;
    } else if (v === M[k] && r < rStar[k]) rStar[k] = r;
  };
  let bound = 0;
  for (let b = 0; b <= last; b++) {
    Y[b + 1] = Y[b] + y[b];
    const a = Math.max(0, b - h);
    let d = 0;
    for (let k = 0; k < K; k++) {
      // the constraints of filter k starting at u = b
      const pu = P[k];
      val[k * S + b] = Y[a] - Math.floor(pu / N);
      res[k * S + b] = pu % N;
      offer(k, b);
      // its largest deficit over the constraints ending at b
      const X = pu + cnt[k * S + b];
      P[k] = X;
      const def = Math.floor(X / N) + M[k] + (rStar[k] < X % N ? 1 : 0) - Y[b + 1];
      if (def > d) d = def;
    }
    // the gap rule's windows
    if (b >= h && b <= last - h - 1) d = Math.max(d, 1 - (Y[b + 1] - Y[b - h]));
    if (b === last) d = Math.max(d, 1 - (Y[b + 1] - Y[Math.max(0, last - h)]));
    // the deficit goes to the rightmost free steps <= b
    for (let p = b; d > 0; p--) {
      if (y[p]) continue;
      y[p] = 1;
      d--;
      bound++;
      for (let x = p + 1; x <= b + 1; x++) Y[x]++;
      for (let u = p + h + 1; u <= b; u++) {
        for (let k = 0; k < K; k++) {
          val[k * S + u]++;
          offer(k, u);
        }
      }
    }
  }
  return { bound, steps: y };
}

/** The hardware's lower bound on a set's rows: countBound, and at least one row (rowsHw). */
export function setLowerBound(set: SetWeights, h: number): number {
  return Math.max(1, countBound(set, h).bound);
}

/**
 * The interval rule for intervals shorter than D steps, as a table for screening:
 * need[u*D + (v-u)] = max over filters of ceil(weights in source steps u..v / N), the rows any
 * legal schedule processes in [max(0, u-h), v].
 */
export function intervalNeeds(set: SetWeights, D: number): Int32Array {
  const { K, S, N } = set;
  const { cnt } = stepCounts(set);
  const need = new Int32Array(S * D);
  for (let k = 0; k < K; k++) {
    for (let u = 0; u < S; u++) {
      let tot = 0;
      for (let v = u; v < S && v - u < D; v++) {
        tot += cnt[k * S + v];
        const n = Math.ceil(tot / N);
        if (n > need[u * D + v - u]) need[u * D + v - u] = n;
      }
    }
  }
  return need;
}

/** One interval-rule constraint: at least `need` processed steps in from..to. */
export interface IntervalCut {
  readonly from: number;
  readonly to: number;
  readonly need: number;
}

/**
 * The interval rule as a list of constraints with need >= 2 (need 1 is implied by placing the
 * weights), each (from, to, need) once, by filter, then source interval, in ascending order.
 * Exhaustive (O(K*S^2)): for the MILP of small sets.
 */
export function intervalCuts(set: SetWeights, h: number): IntervalCut[] {
  const { K, S, N } = set;
  const { cnt } = stepCounts(set);
  const seen = new Set<string>();
  const cuts: IntervalCut[] = [];
  for (let k = 0; k < K; k++) {
    for (let u = 0; u < S; u++) {
      let tot = 0;
      for (let v = u; v < S; v++) {
        tot += cnt[k * S + v];
        const need = Math.ceil(tot / N);
        if (need < 2) continue;
        const from = Math.max(0, u - h);
        const key = `${from},${v},${need}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cuts.push({ from, to: v, need: Math.min(need, v - from + 1) });
      }
    }
  }
  return cuts;
}
