/**
 * Exact integer execution of a schedule, the way the RTL does it (docs/architecture.md sections 6
 * and 7): per window, per row, per PE, the N products of each slot's weight with the activation at
 * buffer slot a, lane (l+d) mod N; the adder-tree sum is loaded on the window's first row and added
 * with wrap-around to accumulatorBits on every later row; the output stage follows.
 *
 * Doubles are exact here: |product| < 2^31, |sum of 64 products| < 2^37, |acc| < 2^48.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import type { LoweredJob } from './lower.ts';
import type { JobSchedule } from './schedule.ts';

/** Reduces x modulo 2^bits into the signed range [-2^(bits-1), 2^(bits-1)). */
export function wrapSigned(x: number, bits: number): number {
  const m = 2 ** bits;
  const half = m / 2;
  const y = x - m * Math.floor((x + half) / m);
  return y === 0 ? 0 : y; // no -0
}

/** Section 7's output stage: ReLU, arithmetic right shift, then saturate or wrap to output.bits. */
export function outputStage(cfg: Pick<ResolvedConfig, 'output'>, acc: number): number {
  const { relu, shift, bits, saturate } = cfg.output;
  let y = relu && acc < 0 ? 0 : acc;
  y = Math.floor(y / 2 ** shift);
  if (saturate) {
    const hi = 2 ** (bits - 1) - 1;
    const lo = -(2 ** (bits - 1));
    y = y > hi ? hi : y < lo ? lo : y;
  } else {
    y = wrapSigned(y, bits);
  }
  return y === 0 ? 0 : y;
}

/**
 * Runs every set of the schedule on every window. Returns the wrapped accumulators and the output
 * stage, both [Fj][windows] in job-local filter order.
 */
export function executeSchedule(job: LoweredJob, sched: JobSchedule, cfg: ResolvedConfig): { acc: Float64Array; stage: Float64Array } {
  const { S, N, windows } = job;
  const K = sched.K;
  const bits = cfg.accumulatorBits;
  const M = sched.offsets.length;
  const ahead = new Int32Array(M);
  const rot = new Int32Array(M * N);
  sched.offsets.forEach(([a, d], j) => {
    ahead[j] = a;
    for (let l = 0; l < N; l++) rot[j * N + l] = (((l + d) % N) + N) % N;
  });
  const Fj = job.filterIds.length;
  const acc = new Float64Array(Fj * windows);
  const stage = new Float64Array(Fj * windows);
  const sums = new Float64Array(K);
  const accs = new Float64Array(K);
  for (const set of sched.sets) {
    for (let w = 0; w < windows; w++) {
      accs.fill(0); // a set without rows runs one all-zero row: its outputs are 0
      set.rows.forEach((row, i) => {
        const t = row.step;
        sums.fill(0);
        for (let k = 0; k < K; k++) {
          let sum = 0;
          for (let l = 0; l < N; l++) {
            const wt = row.weights[k * N + l];
            if (wt === 0) continue;
            const j = row.selects[k * N + l];
            const ta = t + ahead[j];
            if (ta < S) sum += wt * job.acts[(w * S + ta) * N + rot[j * N + l]];
          }
          sums[k] = sum;
        }
        for (let k = 0; k < K; k++) accs[k] = i === 0 ? wrapSigned(sums[k], bits) : wrapSigned(accs[k] + sums[k], bits);
      });
      set.filters.forEach((f, k) => {
        if (f < 0) return;
        acc[f * windows + w] = accs[k];
        stage[f * windows + w] = outputStage(cfg, accs[k]);
      });
    }
  }
  return { acc, stage };
}
