/** fast-check arbitraries for the scheduler tests: small random sets with a pattern that is valid for their N. */
import fc from 'fast-check';
import type { SetWeights } from '../../../../model/types.ts';
import { rng, type Offsets } from './support.ts';

/** Patterns in code order (ascending (ahead, aside), (0,0) first) with the smallest N they are valid for. */
export const PATTERNS: readonly { name: string; offsets: Offsets; minN: number }[] = [
  { name: 'trident 2/5', offsets: [[0, 0], [1, -1], [1, 0], [1, 1], [1, 3], [2, -2], [2, 0], [2, 2]], minN: 5 },
  { name: 'L 2/1', offsets: [[0, 0], [1, -1], [1, 0], [2, 0]], minN: 2 },
  { name: 'lookahead 1', offsets: [[0, 0], [1, 0]], minN: 1 },
  { name: 'lookahead 3', offsets: [[0, 0], [1, 0], [2, 0], [3, 0]], minN: 1 },
  { name: 'trident 1/2', offsets: [[0, 0], [1, -1], [1, 0], [1, 1]], minN: 3 },
  { name: 'dense', offsets: [[0, 0]], minN: 1 },
];

export interface Case {
  readonly set: SetWeights;
  readonly offsets: Offsets;
  readonly h: number;
  readonly pattern: string;
}

export const lookaheadOf = (offsets: Offsets) => Math.max(...offsets.map(([a]) => a));

/** A random set of K x S x N (bounded by the arguments) at a random density, with a valid pattern. */
export function caseArb(maxK: number, maxS: number, maxN: number, patterns = PATTERNS): fc.Arbitrary<Case> {
  return fc
    .record({
      K: fc.integer({ min: 1, max: maxK }),
      S: fc.integer({ min: 1, max: maxS }),
      N: fc.integer({ min: 1, max: maxN }),
      p: fc.integer({ min: 0, max: patterns.length - 1 }),
      density: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .filter(({ N, p }) => N >= patterns[p].minN)
    .map(({ K, S, N, p, density, seed }) => {
      const rand = rng(seed);
      const weights = new Int32Array(K * S * N);
      for (let i = 0; i < weights.length; i++) if (rand() < density) weights[i] = (1 + Math.floor(rand() * 100)) * (rand() < 0.5 ? -1 : 1);
      const { offsets, name } = patterns[p];
      return { set: { K, S, N, weights }, offsets, h: lookaheadOf(offsets), pattern: name };
    });
}
