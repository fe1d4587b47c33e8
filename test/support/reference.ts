/**
 * A deliberately naive reference: direct convolution over the ORIGINAL weight and activation
 * tensors, in BigInt, sharing no code with lowering, scheduling or execution. The accumulator's
 * wrap-around after every add equals one wrap of the exact sum (addition modulo 2^bits is
 * associative), so the reference wraps once at the end with BigInt.asIntN. Slow on purpose; used
 * by tests only.
 */
import type { LayerData } from '../../model/types.ts';

/** Exact wrapped accumulators, [F][Ho][Wo] (FC: [F]), as BigInt. */
export function referenceConv(data: LayerData, accumulatorBits: number): { out: bigint[]; outH: number; outW: number } {
  const s = data.spec;
  const F = s.filters;
  const C = s.channels;
  const perGroup = F / s.groups;
  const outH = Math.floor((s.inH + s.padTop + s.padBottom - s.dilationH * (s.kernelH - 1) - 1) / s.strideH) + 1;
  const outW = Math.floor((s.inW + s.padLeft + s.padRight - s.dilationW * (s.kernelW - 1) - 1) / s.strideW) + 1;
  const out: bigint[] = [];
  for (let f = 0; f < F; f++) {
    const group = Math.floor(f / perGroup);
    for (let ho = 0; ho < outH; ho++) {
      for (let wo = 0; wo < outW; wo++) {
        let total = 0n;
        for (let c = 0; c < C; c++) {
          for (let r = 0; r < s.kernelH; r++) {
            for (let q = 0; q < s.kernelW; q++) {
              const y = ho * s.strideH - s.padTop + r * s.dilationH;
              const x = wo * s.strideW - s.padLeft + q * s.dilationW;
              if (y < 0 || x < 0 || y >= s.inH || x >= s.inW) continue;
              const weight = data.weights[f * C * s.kernelH * s.kernelW + c * s.kernelH * s.kernelW + r * s.kernelW + q];
              const act = data.acts[(group * C + c) * s.inH * s.inW + y * s.inW + x];
              total += BigInt(weight) * BigInt(act);
            }
          }
        }
        out.push(BigInt.asIntN(accumulatorBits, total));
      }
    }
  }
  return { out, outH, outW };
}

/** The output stage, written out on BigInt: ReLU, floor shift, then clamp or wrap to `bits`. */
export function referenceStage(acc: bigint, o: { relu: boolean; shift: number; bits: number; saturate: boolean }): bigint {
  let y = acc;
  if (o.relu && y < 0n) y = 0n;
  y = y >> BigInt(o.shift); // BigInt >> rounds toward -infinity, like an arithmetic shift
  if (!o.saturate) return BigInt.asIntN(o.bits, y);
  const max = (1n << BigInt(o.bits - 1)) - 1n;
  const min = -(1n << BigInt(o.bits - 1));
  return y > max ? max : y < min ? min : y;
}
