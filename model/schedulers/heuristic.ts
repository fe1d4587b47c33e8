/**
 * The paper's heuristic scheduler (docs/architecture.md section 4): at each processed step, for
 * each filter, repeatedly fill the lowest-numbered empty lane among those with the fewest (>= 1)
 * candidates, from that lane's first candidate in code order.
 *
 * Candidate counts are computed once per (filter, step) and then maintained incrementally: moving
 * a weight empties one source slot (t+a, m), which removes one candidate from exactly the lanes
 * inv[j][m] of the codes j with that ahead. Counts only ever decrease, so the loop ends after at
 * most N moves.
 *
 * Two implementations of the same rule: for N <= 32 (every shipped configuration) candidates are
 * bit masks per code and lanes sit in per-count bit masks, so a pick is a few word operations; the
 * linear scan serves any N up to 64. Tests check that both give identical schedules.
 */
import type { Scheduler } from '../types.ts';
import { move, skipAndPromote, type Promoter } from './common.ts';

const cnt = new Int32Array(64);
/** cand[j]: bit l set when empty lane l still has code j as a candidate (N <= 32). */
const cand = new Int32Array(64);
/** bucket[c]: bit l set when empty lane l has exactly c candidates (N <= 32). */
const bucket = new Int32Array(64);

const promoteMasks: Promoter = (st, k, t) => {
  const { mask, S, P } = st;
  const { N, M, ahead, dmod, inv, same, sameStart, full } = P;
  const row = k * S;
  const empty = ~mask[row + t] & full;
  if (empty === 0) return;
  let any = 0;
  for (let j = 1; j < M; j++) {
    const ta = t + ahead[j];
    let c = 0;
    if (ta < S) {
      const nz = mask[row + ta];
      const d = dmod[j];
      // bit l of the candidate mask is bit (l + d) mod N of the source row
      c = (d === 0 ? nz : (nz >>> d) | (nz << (N - d))) & empty;
    }
    cand[j] = c;
    any |= c;
  }
  if (any === 0) return;
  let maxC = 0;
  for (let rest = any; rest !== 0; rest &= rest - 1) {
    const l = 31 - Math.clz32(rest & -rest);
    let c = 0;
    for (let j = 1; j < M; j++) c += (cand[j] >>> l) & 1;
    cnt[l] = c;
    bucket[c] |= 1 << l;
    if (c > maxC) maxC = c;
  }
  for (;;) {
    let c = 1;
    while (c <= maxC && bucket[c] === 0) c++;
    if (c > maxC) return; // every bucket is empty again: each lane left its bucket when picked or at count 0
    const lanes = bucket[c];
    const l = 31 - Math.clz32(lanes & -lanes); // the lowest-numbered lane with the fewest candidates
    bucket[c] = lanes & ~(1 << l);
    cnt[l] = 0;
    let j = 1;
    while (((cand[j] >>> l) & 1) === 0) j++; // its first candidate in code order
    const m = move(st, k, t, l, j);
    // source lane m of step t+a is empty now: it was a candidate of lane inv[jj][m] for each code jj with that ahead
    for (let i = sameStart[j]; i < sameStart[j + 1]; i++) {
      const jj = same[i];
      const ll = inv[jj * N + m];
      const bit = 1 << ll;
      if ((cand[jj] & bit) === 0) continue;
      cand[jj] &= ~bit;
      const cc = cnt[ll];
      if (cc > 0) {
        bucket[cc] &= ~bit;
        cnt[ll] = cc - 1;
        if (cc > 1) bucket[cc - 1] |= bit;
      }
    }
  }
};

const promoteScan: Promoter = (st, k, t) => {
  const { work, S, P } = st;
  const { N, M, ahead, rot, inv, same, sameStart } = P;
  const b = (k * S + t) * N;
  let open = 0;
  for (let l = 0; l < N; l++) {
    let c = 0;
    if (work[b + l] === 0) {
      for (let j = 1; j < M; j++) {
        const ta = t + ahead[j];
        if (ta < S && work[(k * S + ta) * N + rot[j * N + l]] !== 0) c++;
      }
    }
    cnt[l] = c;
    if (c > 0) open++;
  }
  while (open > 0) {
    let l = -1;
    let best = 1 << 30;
    for (let i = 0; i < N; i++) {
      const c = cnt[i];
      if (c > 0 && c < best) {
        best = c;
        l = i;
        if (c === 1) break;
      }
    }
    cnt[l] = 0;
    open--;
    let j = 1;
    for (; j < M; j++) {
      const ta = t + ahead[j];
      if (ta < S && work[(k * S + ta) * N + rot[j * N + l]] !== 0) break;
    }
    const m = move(st, k, t, l, j);
    for (let i = sameStart[j]; i < sameStart[j + 1]; i++) {
      const ll = inv[same[i] * N + m];
      if (cnt[ll] > 0 && --cnt[ll] === 0) open--;
    }
  }
};

export const heuristic: Scheduler = (set, offsets, lookahead, hint) =>
  hint?.heuristicRows ? [...hint.heuristicRows] : skipAndPromote(set, offsets, lookahead, set.N <= 32 ? promoteMasks : promoteScan);

/** The linear-scan implementation for any N; exported so tests can check that both agree. */
export const heuristicScan: Scheduler = (set, offsets, lookahead) => skipAndPromote(set, offsets, lookahead, promoteScan);
