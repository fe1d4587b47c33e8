/**
 * Layer lowering, docs/architecture.md section 3: a convolution (or FC layer) becomes one job per
 * group, each with dense weights [Fj][S][N] and lowered activation rows [windows][S][N].
 *
 * Step t = ((r*Q + q)*Gc + g) for kernel position (r, q) and channel group g; lane l holds channel
 * g*N + l, zero past C. All layouts are flat row-major typed arrays.
 */
import { checkArraySize } from '../contract/budget.ts';
import { outputSize } from './layer-spec.ts';
import type { LayerData, LayerSpec } from './types.ts';

export interface LoweredJob {
  /** Group index g: this job's filters are g*Fj .. (g+1)*Fj-1 and its channels g*C .. (g+1)*C-1. */
  readonly group: number;
  /** Global filter index of each job-local filter. */
  readonly filterIds: number[];
  /** Dense steps per window, R*Q*ceil(C/N). */
  readonly S: number;
  readonly N: number;
  /** Output positions Wn = outH*outW. */
  readonly windows: number;
  readonly outH: number;
  readonly outW: number;
  /** [Fj][S][N], index (f*S + t)*N + l. */
  readonly weights: Int32Array;
  /** Lowered activation rows [windows][S][N], index (w*S + t)*N + l; empty with weightsOnly. */
  readonly acts: Int32Array;
}

/** Dense steps per window for a layer on N lanes. */
export function denseSteps(spec: LayerSpec, N: number): number {
  return spec.kernelH * spec.kernelW * Math.ceil(spec.channels / N);
}

/**
 * Lowers a layer into one job per group. With `weightsOnly` the activation rows are not built
 * (schedulers only read weights), which the benchmarks use for whole networks.
 */
export function lowerLayer(data: LayerData, N: number, opts: { weightsOnly?: boolean } = {}): LoweredJob[] {
  const sp = data.spec;
  const { channels: C, kernelH: R, kernelW: Q, groups: G } = sp;
  const Fj = sp.filters / G;
  const Gc = Math.ceil(C / N);
  const S = R * Q * Gc;
  const { outH, outW } = outputSize(sp);
  const windows = outH * outW;
  const fix = 'Use a smaller layer or input, or split the layer.';
  checkArraySize(`Lowering layer "${sp.name}": the weights of one group (filters x steps x lanes)`, Fj * S * N, 4, fix);
  if (!opts.weightsOnly) checkArraySize(`Lowering layer "${sp.name}": the lowered activations (${windows} windows x ${S} steps x ${N} lanes)`, windows * S * N, 4, fix);
  const jobs: LoweredJob[] = [];
  for (let g = 0; g < G; g++) {
    const weights = new Int32Array(Fj * S * N);
    const RQ = R * Q;
    for (let f = 0; f < Fj; f++) {
      const src = (g * Fj + f) * C * RQ;
      if (RQ === 1) {
        // 1x1 kernel: step cg lane l is channel cg*N + l, so the filter's C weights are contiguous
        weights.set(data.weights.subarray(src, src + C), f * S * N);
        continue;
      }
      // kernel position p = r*Q + q: steps p*Gc .. p*Gc+Gc-1 hold channels 0..C-1 back to back
      for (let p = 0; p < RQ; p++) {
        const dst = (f * S + p * Gc) * N;
        for (let c = 0; c < C; c++) weights[dst + c] = data.weights[src + c * RQ + p];
      }
    }
    const acts = opts.weightsOnly ? new Int32Array(0) : lowerActs(data, g, S, N, outH, outW);
    const filterIds = Array.from({ length: Fj }, (_, f) => g * Fj + f);
    jobs.push({ group: g, filterIds, S, N, windows, outH, outW, weights, acts });
  }
  return jobs;
}

function lowerActs(data: LayerData, g: number, S: number, N: number, outH: number, outW: number): Int32Array {
  const sp = data.spec;
  const { channels: C, kernelH: R, kernelW: Q, inH: H, inW: W } = sp;
  const Gc = Math.ceil(C / N);
  const acts = new Int32Array(outH * outW * S * N);
  for (let ho = 0; ho < outH; ho++) {
    for (let wo = 0; wo < outW; wo++) {
      const w = ho * outW + wo;
      for (let r = 0; r < R; r++) {
        const y = ho * sp.strideH + r * sp.dilationH - sp.padTop;
        if (y < 0 || y >= H) continue;
        for (let q = 0; q < Q; q++) {
          const x = wo * sp.strideW + q * sp.dilationW - sp.padLeft;
          if (x < 0 || x >= W) continue;
          for (let c = 0; c < C; c++) {
            const cg = Math.floor(c / N);
            const t = (r * Q + q) * Gc + cg;
            acts[(w * S + t) * N + (c - cg * N)] = data.acts[((g * C + c) * H + y) * W + x];
          }
        }
      }
    }
  }
  return acts;
}
