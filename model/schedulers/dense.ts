/**
 * The dense baseline (docs/architecture.md section 4): every step is a row, in order, with every
 * weight in its own slot (select code 0). No promotion, no skipping and no trailing-row drop, so a
 * dense schedule has exactly S rows: the `rowsHw = S` of section 8's dense cycle count.
 */
import type { ScheduledRow, Scheduler } from '../types.ts';

export const dense: Scheduler = (set) => {
  const { K, S, N } = set;
  const KN = K * N;
  const w = new Int32Array(S * KN);
  const sels = new Uint8Array(S * KN);
  const rows: ScheduledRow[] = new Array(S);
  for (let t = 0; t < S; t++) {
    for (let k = 0; k < K; k++) {
      const src = (k * S + t) * N;
      w.set(set.weights.subarray(src, src + N), t * KN + k * N);
    }
    rows[t] = { step: t, weights: w.subarray(t * KN, (t + 1) * KN), selects: sels.subarray(t * KN, (t + 1) * KN) };
  }
  return rows;
};
