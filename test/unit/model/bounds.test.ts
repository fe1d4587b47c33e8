import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countBound, intervalCuts, intervalNeeds, setLowerBound } from '../../../model/bounds.ts';
import { chainBound, naiveCountBound } from '../../support/bounds-reference.ts';
import { bruteForceMinRows } from '../../support/legal.ts';
import { fcParams, seedTag } from '../../support/seed.ts';
import { caseArb } from './schedulers/arbitraries.ts';
import { randomSet } from './schedulers/support.ts';

/** Sets whose density varies by step (runs of empty and dense steps), where the interval rule bites. */
const clusteredArb = fc
  .record({
    K: fc.integer({ min: 1, max: 5 }),
    S: fc.integer({ min: 1, max: 40 }),
    N: fc.integer({ min: 1, max: 17 }),
    h: fc.integer({ min: 0, max: 4 }),
    period: fc.integer({ min: 1, max: 7 }),
    dense: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ K, S, N, h, period, dense, seed }) => {
    const set = randomSet(K, S, N, 1 - dense, seed);
    const weights = set.weights.map((w, i) => (Math.floor(i / N) % S) % period < period / 2 ? w : 0);
    return { set: { K, S, N, weights }, h };
  });

describe(`lower bounds (model/bounds.ts) ${seedTag}`, () => {
  it('countBound (prefix sums) gives the bound and the point set of the naive O(K*S^2) greedy', () => {
    fc.assert(
      fc.property(fc.oneof(clusteredArb, caseArb(5, 40, 17).map(({ set, h }) => ({ set, h }))), ({ set, h }) => {
        const fast = countBound(set, h);
        const naive = naiveCountBound(set, h);
        expect(fast.bound).toBe(naive.bound);
        expect(Array.from(fast.steps)).toEqual(Array.from(naive.steps));
      }),
      fcParams(400),
    );
  });

  it('setLowerBound is at least the chain bound stats.json reported before (the tighter of the two)', () => {
    fc.assert(
      fc.property(clusteredArb, ({ set, h }) => {
        expect(setLowerBound(set, h)).toBeGreaterThanOrEqual(chainBound(set, h));
      }),
      fcParams(300),
    );
  });

  it('is strictly tighter than the chain bound when the gap rule meets a crowded stretch', () => {
    // one filter, 2 lanes, h = 2: two weights in each of steps 0, 1, 7 and 8, nothing between.
    // chain: rows 0, 3, 6 reach every weight, and ceil(8/2) = 4 rows hold them: 4.
    // interval rule: steps 0..1 need 2 rows in 0..1 and steps 7..8 need 2 rows in 5..8, and the gap
    // rule needs a row in 2..4 between them: 5, which the exhaustive search confirms.
    const set = { K: 1, S: 9, N: 2, weights: Int32Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]) };
    expect(chainBound(set, 2)).toBe(4);
    expect(setLowerBound(set, 2)).toBe(5);
    expect(bruteForceMinRows(set, [[0, 0], [1, 0], [2, 0]], 2)).toBe(5);
  });

  it('the screening table and the MILP cuts state the same interval rule', () => {
    fc.assert(
      fc.property(clusteredArb, ({ set, h }) => {
        const { S } = set;
        const D = S;
        const need = intervalNeeds(set, D);
        for (const cut of intervalCuts(set, h)) {
          // some source interval [u, to] with max(0, u - h) = from needs `need` rows (capped at the interval's length)
          const us = cut.from === 0 ? Array.from({ length: Math.min(h, cut.to) + 1 }, (_, u) => u) : [cut.from + h];
          const best = Math.max(...us.filter((u) => u <= cut.to).map((u) => need[u * D + cut.to - u]));
          expect(cut.need).toBeLessThanOrEqual(best);
          expect(cut.need).toBeGreaterThanOrEqual(2);
        }
      }),
      fcParams(100),
    );
  });
});
