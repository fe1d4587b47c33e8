/**
 * BatchNormalization folded into the layer before it: y = (conv + b - mean) * k + beta with
 * k = gamma / sqrt(var + eps) becomes weights w * k and bias (b - mean) * k + beta, per filter.
 */
export interface Folded {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** max over filters of |k| (|b| + |mean|) + |beta|: the terms the unfolded reference adds, for the error bound. */
  readonly extraTerms: number;
}

export function foldBatchNorm(
  weights: Float64Array,
  bias: Float64Array | null,
  bn: { gamma: ArrayLike<number>; beta: ArrayLike<number>; mean: ArrayLike<number>; variance: ArrayLike<number>; epsilon: number },
): Folded {
  const F = bn.mean.length;
  const per = weights.length / F;
  const w = new Float64Array(weights.length);
  const b = new Float64Array(F);
  let extraTerms = 0;
  for (let f = 0; f < F; f++) {
    const k = bn.gamma[f]! / Math.sqrt(bn.variance[f]! + bn.epsilon);
    for (let i = f * per; i < (f + 1) * per; i++) w[i] = weights[i]! * k;
    const b0 = bias ? bias[f]! : 0;
    b[f] = (b0 - bn.mean[f]!) * k + bn.beta[f]!;
    extraTerms = Math.max(extraTerms, Math.abs(k) * (Math.abs(b0) + Math.abs(bn.mean[f]!)) + Math.abs(bn.beta[f]!));
  }
  return { weights: w, bias: b, extraTerms };
}

/** The largest |bias|, the only added term of an unfolded layer. */
export const biasTerms = (bias: Float64Array | null): number => (bias ? bias.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : 0);
