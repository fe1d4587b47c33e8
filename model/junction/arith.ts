/**
 * The junction chain's fixed-point rules (docs/junction.md section 6), written once for the golden
 * model. Every value is an integer in a signed two's-complement width; sums are exact (the resolver
 * sizes accumulatorBits so that none can overflow).
 */
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';

/** Arithmetic right shift by `s` with rounding half up: floor((x + 2^(s-1)) / 2^s); x itself for s = 0. */
export function roundShift(x: number, s: number): number {
  return s === 0 ? x : Math.floor((x + 2 ** (s - 1)) / 2 ** s);
}

/** Clamps x to the signed range of `bits` bits. */
export function saturate(x: number, bits: number): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  return x > hi ? hi : x < lo ? lo : x;
}

/** A weighted sum brought back to the operands' own format: roundShift by the weight's fraction bits, then saturate. */
export function requant(sum: number, cfg: ResolvedJunctionConfig, bits: number): number {
  return saturate(roundShift(sum, cfg.weightFractionBits), bits);
}

/** q of a stored pre-activation h: the activation-width value both activation functions start from. */
export function quantize(h: number, cfg: ResolvedJunctionConfig): number {
  return requant(h, cfg, cfg.activationBits);
}

/** The activation of a hidden layer from its q: ReLU or identity. */
export function activate(q: number, cfg: ResolvedJunctionConfig): number {
  return cfg.hiddenActivation === 'relu' && q < 0 ? 0 : q;
}

/** The activation's derivative as a mask: ReLU passes errors where q > 0; linear everywhere. */
export function passes(q: number, cfg: ResolvedJunctionConfig): boolean {
  return cfg.hiddenActivation === 'linear' || q > 0;
}

/** The output layer's error: saturate(q_J - y) to deltaBits (the output layer is linear). */
export function outputDelta(q: number, y: number, cfg: ResolvedJunctionConfig): number {
  return saturate(q - y, cfg.deltaBits);
}

/** A back-propagated error from its weighted sum, masked by the left layer's derivative. */
export function hiddenDelta(sum: number, pass: boolean, cfg: ResolvedJunctionConfig): number {
  return pass ? requant(sum, cfg, cfg.deltaBits) : 0;
}

/** The updated weight: saturate(w - roundShift(a x delta, updateShift)) to weightBits. */
export function updatedWeight(w: number, a: number, delta: number, cfg: ResolvedJunctionConfig): number {
  return saturate(w - roundShift(a * delta, cfg.updateShift), cfg.weightBits);
}
