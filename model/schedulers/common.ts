/**
 * The skip-and-promote loop of docs/architecture.md section 4, shared by `greedy` and `heuristic`,
 * which differ only in how they promote into one filter's row.
 *
 * Everything works on one flat working copy of the set's weights, index (k*S + t)*N + l, plus a
 * parallel array of select codes and a per-step count of non-zero slots across the K filters (so
 * "step t is empty for all K filters" is one comparison). Buffers are module-level scratch that
 * only grows, so scheduling a whole network allocates per set only the rows it returns.
 */
import { mod } from '../../contract/bits.ts';
import type { ScheduledRow, SetWeights } from '../types.ts';

export type Offsets = readonly (readonly [number, number])[];

/** Offsets prepared for one lane count: code j has ahead[j] and reaches lane rot[j*N + l] from lane l. */
export interface PreparedOffsets {
  readonly N: number;
  /** Number of codes, including code 0 = (0, 0). */
  readonly M: number;
  readonly ahead: Int32Array;
  /** rot[j*N + l] = (l + aside_j) mod N: the source lane of code j for destination lane l. */
  readonly rot: Int32Array;
  /** inv[j*N + m] = (m - aside_j) mod N: the destination lane whose code-j candidate is source lane m. */
  readonly inv: Int32Array;
  /** aside_j mod N, in 0..N-1. */
  readonly dmod: Int32Array;
  /** Codes with the same ahead as code j (j included): same[sameStart[j] .. sameStart[j+1]). */
  readonly same: Int32Array;
  readonly sameStart: Int32Array;
  /** Bit mask of all N lanes (N <= 32). */
  readonly full: number;
}

const prepared = new WeakMap<Offsets, Map<number, PreparedOffsets>>();

export function prepareOffsets(offsets: Offsets, N: number): PreparedOffsets {
  let byN = prepared.get(offsets);
  if (!byN) prepared.set(offsets, (byN = new Map()));
  let p = byN.get(N);
  if (p) return p;
  const M = offsets.length;
  const ahead = new Int32Array(M);
  const rot = new Int32Array(M * N);
  const inv = new Int32Array(M * N);
  const dmod = new Int32Array(M);
  for (let j = 0; j < M; j++) {
    const [a, d] = offsets[j];
    ahead[j] = a;
    dmod[j] = mod(d, N);
    for (let l = 0; l < N; l++) {
      rot[j * N + l] = mod(l + d, N);
      inv[j * N + l] = mod(l - d, N);
    }
  }
  const same: number[] = [];
  const sameStart = new Int32Array(M + 1);
  for (let j = 0; j < M; j++) {
    sameStart[j] = same.length;
    for (let jj = 1; jj < M; jj++) if (ahead[jj] === ahead[j]) same.push(jj);
  }
  sameStart[M] = same.length;
  p = { N, M, ahead, rot, inv, dmod, same: Int32Array.from(same), sameStart, full: N >= 32 ? -1 : (1 << N) - 1 };
  byN.set(N, p);
  return p;
}

/**
 * The working state of one set. `work`/`sel` are the weights and select codes, index
 * (k*S + t)*N + l; `stepNnz[t]` counts the non-zero slots of step t over all filters; for N <= 32,
 * `mask[k*S + t]` has bit l set when slot (k, t, l) holds a weight. move() keeps all of them
 * consistent.
 */
export interface SetState {
  readonly work: Int32Array;
  readonly sel: Uint8Array;
  readonly stepNnz: Int32Array;
  readonly mask: Int32Array;
  readonly K: number;
  readonly S: number;
  readonly P: PreparedOffsets;
}

/** Promotes weights into filter k's row at step t. */
export type Promoter = (st: SetState, k: number, t: number) => void;

/** Moves filter k's weight reached from (t, l) with code j into (t, l); returns its source lane. */
export function move(st: SetState, k: number, t: number, l: number, j: number): number {
  const { work, sel, stepNnz, mask, S, P } = st;
  const N = P.N;
  const ta = t + P.ahead[j];
  const m = P.rot[j * N + l];
  const src = (k * S + ta) * N + m;
  const dst = (k * S + t) * N + l;
  work[dst] = work[src];
  sel[dst] = j;
  work[src] = 0;
  stepNnz[t]++;
  stepNnz[ta]--;
  if (N <= 32) {
    mask[k * S + t] |= 1 << l;
    mask[k * S + ta] &= ~(1 << m);
  }
  return m;
}

let workBuf = new Int32Array(0);
let selBuf = new Uint8Array(0);
let nnzBuf = new Int32Array(0);
let stepBuf = new Int32Array(0);
let maskBuf = new Int32Array(0);

function scratch(size: number, KS: number, S: number): void {
  if (workBuf.length < size) {
    workBuf = new Int32Array(size);
    selBuf = new Uint8Array(size);
  }
  if (maskBuf.length < KS) maskBuf = new Int32Array(KS);
  if (nnzBuf.length < S) {
    nnzBuf = new Int32Array(S);
    stepBuf = new Int32Array(S);
  }
}

/** Section 4's loop: skip up to h all-empty steps in a row, promote into every processed step, drop trailing empty rows. */
export function skipAndPromote(set: SetWeights, offsets: Offsets, lookahead: number, promote: Promoter): ScheduledRow[] {
  const { K, S, N } = set;
  const size = K * S * N;
  scratch(size, K * S, S);
  const work = workBuf;
  const sel = selBuf;
  const stepNnz = nnzBuf;
  const steps = stepBuf;
  const mask = maskBuf;
  work.set(set.weights.subarray(0, size));
  sel.fill(0, 0, size);
  stepNnz.fill(0, 0, S);
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < S; t++) {
      const b = (k * S + t) * N;
      let n = 0;
      let bits = 0;
      for (let l = 0; l < N; l++) {
        if (work[b + l] !== 0) {
          n++;
          bits |= 1 << l; // meaningful for N <= 32 only
        }
      }
      stepNnz[t] += n;
      mask[k * S + t] = bits;
    }
  }
  const st: SetState = { work, sel, stepNnz, mask, K, S, P: prepareOffsets(offsets, N) };
  const h = lookahead;
  let rows = 0;
  let skipped = 0;
  for (let t = 0; t < S; t++) {
    if (skipped < h && stepNnz[t] === 0) {
      skipped++;
      continue;
    }
    skipped = 0;
    for (let k = 0; k < K; k++) promote(st, k, t);
    steps[rows++] = t;
  }
  while (rows > 0 && stepNnz[steps[rows - 1]] === 0) rows--;
  return collectRows(work, sel, steps, rows, K, S, N);
}

/** Copies the processed steps out of the working arrays into rows backed by one buffer per set. */
export function collectRows(work: Int32Array, sel: Uint8Array, steps: Int32Array, rows: number, K: number, S: number, N: number): ScheduledRow[] {
  const KN = K * N;
  const wOut = new Int32Array(rows * KN);
  const sOut = new Uint8Array(rows * KN);
  const out: ScheduledRow[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = steps[i];
    for (let k = 0; k < K; k++) {
      const src = (k * S + t) * N;
      const dst = i * KN + k * N;
      wOut.set(work.subarray(src, src + N), dst);
      sOut.set(sel.subarray(src, src + N), dst);
    }
    out[i] = { step: t, weights: wOut.subarray(i * KN, (i + 1) * KN), selects: sOut.subarray(i * KN, (i + 1) * KN) };
  }
  return out;
}
