/**
 * Synthetic layers: seeded random layers for tests, studies and benchmarks (randomLayer), and
 * synthetic weights for catalog layers. The published pruned networks give only per-layer densities,
 * not weights, so sparsetile places exactly round(density * count) non-zero weights uniformly at
 * random from a seed. These weights are SYNTHETIC: their zero pattern has the published density but
 * none of the structure a real pruned network may have. Every output that uses them says so.
 */
import { checkArraySize } from '../contract/budget.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError, showValue } from '../contract/errors.ts';
import { mulberry32, type Rng } from '../model/random.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';
import { layerSpec, type LayerGeometry } from './layer-files.ts';
import { layerWeightCount, loadCatalogNetwork } from './catalog/schema.ts';

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

/**
 * A seeded random layer: each weight is non-zero with probability 1 - sparsity, uniform over the
 * non-zero values of weightBits; activations are uniform over activationBits. The default input is
 * 8x8 (or the effective kernel size if larger).
 */
export function randomLayer(
  shape: readonly number[],
  sparsity: number,
  seed: number,
  cfg: Pick<ResolvedConfig, 'weightBits' | 'activationBits'>,
  opts: LayerGeometry & { inputSize?: readonly [number, number] } = {},
): LayerData {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new SparsetileError(`--sparsity must be a number from 0 to 1, got ${showValue(sparsity)}.`);
  if (!Number.isInteger(seed)) throw new SparsetileError(`--seed must be an integer, got ${showValue(seed)}.`);
  if ((shape.length !== 4 && shape.length !== 2) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new SparsetileError(`--shape must be K,C,R,S (convolution) or K,C (fully connected) with positive integers, got ${showValue(shape.join(','))}.`);
  }
  const fc = shape.length === 2;
  const groups = opts.groups ?? 1;
  const [dilH, dilW] = Array.isArray(opts.dilation) ? opts.dilation : [opts.dilation ?? 1, opts.dilation ?? 1];
  const [F, C] = shape;
  const R = fc ? 1 : shape[2];
  const Q = fc ? 1 : shape[3];
  const [H, W] = fc ? [1, 1] : (opts.inputSize ?? [Math.max(8, dilH * (R - 1) + 1), Math.max(8, dilW * (Q - 1) + 1)]);
  const aShape = fc ? [C * groups] : [C * groups, H, W];
  checkArraySize(`--shape ${shape.join(',')}: the weights`, shape.reduce((x, y) => x * y, 1), 4, 'Use a smaller --shape.');
  checkArraySize(`--input-size ${H},${W}: the activations (${C * groups} channels)`, aShape.reduce((x, y) => x * y, 1), 4, 'Use a smaller --input-size.');
  const spec = layerSpec(shape, aShape, opts, { weights: '--shape', acts: '--input-size' });
  const rng = mulberry32(seed);
  const wlo = -(2 ** (cfg.weightBits - 1));
  const whi = 2 ** (cfg.weightBits - 1) - 1;
  const weights = new Int32Array(F * C * R * Q);
  for (let i = 0; i < weights.length; i++) {
    if (rng.next() < sparsity) continue;
    // uniform over wlo..-1, 1..whi: draw from wlo..whi-1 and shift the non-negative draws up by one
    const v = rng.int(wlo, whi - 1);
    weights[i] = v >= 0 ? v + 1 : v;
  }
  return { spec, weights, acts: randomActs(aShape.reduce((x, y) => x * y, 1), cfg.activationBits, rng) };
}

/** `count` activations uniform over the signed range of activationBits, drawn from `rng`. */
function randomActs(count: number, activationBits: number, rng: Rng): Int32Array {
  const lo = -(2 ** (activationBits - 1));
  const hi = 2 ** (activationBits - 1) - 1;
  const acts = new Int32Array(count);
  for (let i = 0; i < count; i++) acts[i] = rng.int(lo, hi);
  return acts;
}

/**
 * One layer of a catalog network at its published shape and density, with synthetic weights and
 * activations uniform over activationBits from the same seed (for example AlexNet-ES conv3, the
 * full-size layer the benchmarks and the slow co-simulation tier run).
 */
export function catalogLayer(network: string, layer: string, cfg: Pick<ResolvedConfig, 'weightBits' | 'activationBits'>, seed = 3): LayerData {
  const net = loadCatalogNetwork(network);
  const l = net.layers.find((x) => x.spec.name === layer);
  if (!l) throw new SparsetileError(`catalog network "${network}" has no layer "${layer}"; it has ${net.layers.map((x) => x.spec.name).join(', ')}.`);
  const { spec, weights } = syntheticLayer(l.spec, l.density!, seed, cfg.weightBits);
  const inputs = spec.kind === 'fc' ? spec.channels * spec.groups : spec.channels * spec.groups * spec.inH * spec.inW;
  return { spec, weights, acts: randomActs(inputs, cfg.activationBits, mulberry32(seed ^ 0x5eed)) };
}
