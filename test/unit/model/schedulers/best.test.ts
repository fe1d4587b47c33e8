import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countBound } from '../../../../model/bounds.ts';
import { scheduleBest } from '../../../../model/schedulers/best.ts';
import { heuristic } from '../../../../model/schedulers/heuristic.ts';
import { bruteForceMinRows, checkSchedule } from '../../../support/legal.ts';
import { fcParams, seedTag } from '../../../support/seed.ts';
import { caseArb } from './arbitraries.ts';
import { randomSet, TRIDENT_2_5 } from './support.ts';

describe(`best scheduler ${seedTag}`, () => {
  it('is legal, has no trailing empty rows, and never has more rows than heuristic (every effort)', () => {
    fc.assert(
      fc.property(caseArb(5, 24, 9), fc.integer({ min: 0, max: 2 }), ({ set, offsets, h }, effort) => {
        const rows = scheduleBest(set, offsets, h, { effort });
        const r = checkSchedule(set, offsets, h, rows);
        expect(r.errors).toEqual([]);
        expect(r.trailingEmpty).toBe(0);
        expect(rows.length).toBeLessThanOrEqual(heuristic(set, offsets, h).length);
      }),
      fcParams(300),
    );
  });

  it('does not modify its input and is deterministic', () => {
    fc.assert(
      fc.property(caseArb(4, 20, 8), ({ set, offsets, h }) => {
        const copy = Int32Array.from(set.weights);
        const a = scheduleBest(set, offsets, h);
        const b = scheduleBest(set, offsets, h);
        expect(set.weights).toEqual(copy);
        expect(a.map((r) => r.step)).toEqual(b.map((r) => r.step));
        expect(a.map((r) => [...r.weights, ...r.selects])).toEqual(b.map((r) => [...r.weights, ...r.selects]));
      }),
      fcParams(60),
    );
  });

  it('removes rows on paper-sized sets (16 filters x 72 steps x 16 lanes, trident 2/5, 60% sparse)', () => {
    let h = 0;
    let b = 0;
    for (let i = 0; i < 3; i++) {
      const set = randomSet(16, 72, 16, 0.6, 100 + i);
      const rows = scheduleBest(set, TRIDENT_2_5, 2);
      expect(checkSchedule(set, TRIDENT_2_5, 2, rows).errors).toEqual([]);
      h += heuristic(set, TRIDENT_2_5, 2).length;
      b += rows.length;
    }
    expect(b).toBeLessThan(h);
  });

  it('countBound is a lower bound: never above the exhaustive minimum, and its steps satisfy the gap rule', () => {
    fc.assert(
      fc.property(caseArb(3, 10, 6), ({ set, offsets, h }) => {
        const { bound, steps } = countBound(set, h);
        expect(steps.reduce((a, b) => a + b, 0)).toBe(bound);
        const exact = set.weights.some((w) => w !== 0) ? bruteForceMinRows(set, offsets, h) : 0;
        expect(bound).toBeLessThanOrEqual(exact);
        let prev = -1;
        for (let t = 0; t < set.S; t++) {
          if (!steps[t]) continue;
          expect(t - prev).toBeLessThanOrEqual(h + 1);
          prev = t;
        }
      }),
      fcParams(150),
    );
  });

  it('never reports fewer rows than countBound (every effort)', () => {
    fc.assert(
      fc.property(caseArb(5, 24, 9), fc.integer({ min: 0, max: 2 }), ({ set, offsets, h }, effort) => {
        const rows = scheduleBest(set, offsets, h, { effort });
        if (offsets.length > 1) expect(rows.length).toBeGreaterThanOrEqual(countBound(set, h).bound);
      }),
      fcParams(200),
    );
  });
});
