/**
 * Symmetric fixed-point quantisation (int8 / int16): value = q / 2^fracBits with q in
 * [-(2^(bits-1)-1), 2^(bits-1)-1]. Each layer gets the most fractional bits for which its largest
 * magnitude still fits, so nothing overflows; the error of every value is then at most 2^-(fracBits+1).
 */
export interface Quantized {
  readonly q: Int32Array;
  readonly fracBits: number;
  readonly bits: number;
  /** max |x - q/2^f| */
  readonly maxAbsError: number;
  /** 10 log10(sum x^2 / sum (x - q/2^f)^2); null when there is no error (or no signal). */
  readonly snrDb: number | null;
  /** Values that had to be clamped (always 0 when fracBits came from chooseFracBits on the same data). */
  readonly saturated: number;
}

export const qmax = (bits: number): number => 2 ** (bits - 1) - 1;

/** The largest f in [-24, 40] with round(maxAbs * 2^f) <= 2^(bits-1) - 1. */
export function chooseFracBits(maxAbs: number, bits: number): number {
  if (!(maxAbs > 0)) return bits - 1;
  let f = 40;
  while (f > -24 && Math.round(maxAbs * 2 ** f) > qmax(bits)) f--;
  return f;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

export function quantize(x: ArrayLike<number>, fracBits: number, bits: number): Quantized {
  const lim = qmax(bits);
  const scale = 2 ** fracBits;
  const q = new Int32Array(x.length);
  let sig = 0;
  let noise = 0;
  let maxErr = 0;
  let saturated = 0;
  for (let i = 0; i < x.length; i++) {
    let v = Math.round(x[i]! * scale);
    if (v > lim || v < -lim) {
      saturated++;
      v = Math.max(-lim, Math.min(lim, v));
    }
    q[i] = v;
    const e = x[i]! - v / scale;
    sig += x[i]! * x[i]!;
    noise += e * e;
    maxErr = Math.max(maxErr, Math.abs(e));
  }
  return { q, fracBits, bits, maxAbsError: maxErr, snrDb: noise === 0 || sig === 0 ? null : 10 * Math.log10(sig / noise), saturated };
}

/** Signal-to-noise ratio of an approximation `y` of `x`, in dB (null when identical). */
export function snrDb(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]! * x[i]!;
    n += (x[i]! - y[i]!) ** 2;
  }
  return n === 0 || s === 0 ? null : 10 * Math.log10(s / n);
}
