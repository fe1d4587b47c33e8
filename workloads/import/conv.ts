/**
 * The arithmetic of one tile layer on the host, in float64: the convolution of docs/architecture.md
 * section 3 over weights [F, C, R, Q] and activations [C*G, H, W], with an optional per-filter bias.
 * On integer weights and activations every sum below 2^53 is exact, so the import's integer pass
 * gets the accumulators the tile computes (checked against test/support/reference.ts).
 */
import { outputSize } from '../../model/layer-spec.ts';
import type { LayerSpec } from '../../model/types.ts';

/**
 * Output [F, Ho, Wo] (FC: [F]) of weights [F, C, kH, kW] over input [C*G, H, W]. Weight by weight
 * (zero weights skipped), each one added over a whole output row at a time: on integers the sums are
 * exact in any order.
 */
export function convolve(spec: LayerSpec, weights: ArrayLike<number>, acts: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  // one array type in the loops below keeps them monomorphic (fast)
  const w = weights instanceof Float64Array ? weights : Float64Array.from(weights);
  const x = acts instanceof Float64Array ? acts : Float64Array.from(acts);
  const { filters: F, channels: C, kernelH: R, kernelW: Q, inH: H, inW: W, groups: G } = spec;
  const { strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, padTop, padLeft } = spec;
  const { outH: oH, outW: oW } = outputSize(spec);
  const out = new Float64Array(F * oH * oW);
  const Fg = F / G;
  // per kernel column q: the output columns ox whose input column ox*sw + q*dw - padLeft lies in [0, W)
  const first = Int32Array.from({ length: Q }, (_, q) => Math.max(0, Math.ceil((padLeft - q * dw) / sw)));
  const last = Int32Array.from({ length: Q }, (_, q) => Math.min(oW - 1, Math.floor((W - 1 + padLeft - q * dw) / sw)));
  for (let f = 0; f < F; f++) {
    const g = Math.floor(f / Fg);
    const o = f * oH * oW;
    for (let c = 0; c < C; c++) {
      const xc = (g * C + c) * H;
      for (let r = 0; r < R; r++) {
        for (let q = 0; q < Q; q++) {
          const wv = w[((f * C + c) * R + r) * Q + q]!;
          if (wv === 0) continue;
          const x0 = first[q]!;
          const x1 = last[q]!;
          const shift = q * dw - padLeft + x0 * sw;
          for (let oy = 0; oy < oH; oy++) {
            const y = oy * sh + r * dh - padTop;
            if (y < 0 || y >= H) continue;
            let xi = (xc + y) * W + shift;
            const end = o + oy * oW + x1;
            for (let oi = o + oy * oW + x0; oi <= end; oi++, xi += sw) out[oi]! += wv * x[xi]!;
          }
        }
      }
    }
    if (bias) for (let i = o; i < o + oH * oW; i++) out[i] += bias[f]!;
  }
  return out;
}
