/**
 * Seeded random hardware configurations for co-simulation sweeps (test/e2e/cosim-random-configs.test.ts:
 * two per run, more in the slow tier): small enough for Icarus, covering the corners of the
 * schema (1 lane, 1 PE, non-power-of-two counts, every pattern shape, both bankings, every legal
 * adder-tree staging, narrow accumulators, wrap and saturate, ReLU on and off).
 */
import { resolveConfig, type ResolvedConfig } from '../../contract/config.ts';
import { SparsetileError } from '../../contract/errors.ts';
import { mulberry32 } from '../../model/random.ts';

export function randomConfig(seed: number): ResolvedConfig {
  const rng = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  for (let attempt = 0; ; attempt++) {
    const lanes = pick([1, 2, 3, 4, 5, 8]);
    const weightBits = pick([2, 3, 4, 6, 8]);
    const activationBits = pick([2, 4, 5, 8]);
    const tree = weightBits + activationBits + Math.ceil(Math.log2(Math.max(1, lanes)));
    const accumulatorBits = tree + pick([0, 0, 1, 3, 8]);
    // the RTL writes outputs back into the feature-map memory as activations (generators/limits.ts)
    const outBits = activationBits;
    const shapeKind = pick(['trident', 'L', 'offsets', 'dense'] as const);
    const h = pick([1, 1, 2, 3]);
    const pattern =
      shapeKind === 'dense' ? { offsets: [] as [number, number][] }
      : shapeKind === 'offsets' ? { offsets: [[1, 0], [h, Math.min(1, lanes - 1)]].filter((o, i, a) => i === 0 || o[0] !== a[0][0] || o[1] !== a[0][1]) as [number, number][] }
      : { shape: shapeKind, lookahead: h, lookaside: pick([0, 1, 2, 3]) };
    const depth = Math.max(1, Math.ceil(Math.log2(Math.max(1, lanes))));
    const input = {
      name: `rand-${seed}`,
      description: `random configuration from seed ${seed}`,
      lanes,
      filtersPerTile: pick([1, 2, 3]),
      tiles: pick([1, 2, 3]),
      weightBits,
      activationBits,
      accumulatorBits,
      pattern,
      adderTreeStages: Math.floor(rng.next() * (depth + 1)),
      memory: { weightBanking: pick(['per-pe', 'per-lane'] as const), weightDepth: 256, activationBankDepth: 512, featureMapBanks: 4, featureMapBankDepth: 256, outputFifoDepth: 2 },
      axi: { dataBits: 32, maxBurst: 8, maxOutstanding: 2 },
      maxLayers: 4,
      output: { relu: rng.next() < 0.5, shift: Math.floor(rng.next() * 4), bits: outBits, saturate: rng.next() < 0.5 },
    };
    try {
      return resolveConfig(input, `random configuration (seed ${seed})`);
    } catch (e) {
      // Collisions modulo the lane count and the like: draw again from the same stream.
      if (!(e instanceof SparsetileError) || attempt > 50) throw e;
    }
  }
}
