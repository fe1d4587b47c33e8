/**
 * Synthetic weights for catalog layers. The published pruned networks give only per-layer densities,
 * not weights, so sparsetile places exactly round(density * count) non-zero weights uniformly at
 * random from a seed. These weights are SYNTHETIC: their zero pattern has the published density but
 * none of the structure a real pruned network may have. Every output that uses them says so.
 */
import { mulberry32 } from '../model/random.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';
import { layerWeightCount } from './catalog/schema.ts';

export const SYNTHETIC_LABEL = 'synthetic weights: published per-layer densities, uniform random placement from a seed';

/** Mixes a layer index into a network seed so every layer has its own independent stream. */
export function layerSeed(seed: number, layerIndex: number): number {
  let h = (seed ^ Math.imul(layerIndex + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Number of non-zero weights a layer of `count` weights gets at `density`. */
export function nonZeroCount(count: number, density: number): number {
  return Math.min(count, Math.max(0, Math.round(density * count)));
}

/**
 * Weights [F, C, kernelH, kernelW] with exactly nonZeroCount(count, density) non-zeros at uniformly
 * random positions; values uniform in ±[1, 2^(weightBits-1) - 1].
 */
export function syntheticWeights(spec: LayerSpec, density: number, seed: number, weightBits = 16): Int32Array {
  const count = layerWeightCount(spec);
  const nnz = nonZeroCount(count, density);
  const rng = mulberry32(seed);
  const w = new Int32Array(count);
  const max = 2 ** (weightBits - 1) - 1;
  const value = () => (rng.next() < 0.5 ? -1 : 1) * rng.int(1, max);
  if (nnz * 2 <= count) {
    // sparse: draw positions until nnz distinct ones are set
    let placed = 0;
    while (placed < nnz) {
      const i = Math.floor(rng.next() * count);
      if (w[i] === 0) {
        w[i] = value();
        placed++;
      }
    }
  } else {
    // dense: fill everything, then clear (count - nnz) distinct positions
    for (let i = 0; i < count; i++) w[i] = value();
    let cleared = 0;
    while (cleared < count - nnz) {
      const i = Math.floor(rng.next() * count);
      if (w[i] !== 0) {
        w[i] = 0;
        cleared++;
      }
    }
  }
  return w;
}

/** A catalog layer as LayerData with synthetic weights and no activations (cycle counts need none). */
export function syntheticLayer(spec: LayerSpec, density: number, seed: number, weightBits = 16): LayerData {
  return { spec, weights: syntheticWeights(spec, density, seed, weightBits), acts: new Int32Array(0) };
}
