import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heuristic } from '../../../model/schedulers/heuristic.ts';
import { bruteForceMinRows, checkSchedule } from '../../support/legal.ts';
import type { ScheduledRow, SetWeights } from '../../../model/types.ts';
import { fcParams, seedTag } from '../../support/seed.ts';
import { caseArb } from '../model/schedulers/arbitraries.ts';
import { refHeuristic, TRIDENT_2_5 } from '../model/schedulers/support.ts';

const L21 = [[0, 0], [1, -1], [1, 0], [2, 0]] as const;
const row = (step: number, w: number[], s: number[]): ScheduledRow => ({ step, weights: Int32Array.from(w), selects: Uint8Array.from(s) });

describe('legality checker (model/schedulers/legal.ts)', () => {
  // K=1, S=3, N=2: weights at (0,0)=5, (2,1)=7
  const set: SetWeights = { K: 1, S: 3, N: 2, weights: Int32Array.from([5, 0, 0, 0, 0, 7]) };

  it('accepts a legal schedule that promotes with lookahead 2', () => {
    const r = checkSchedule(set, L21, 2, [row(0, [5, 7], [0, 3])]);
    expect(r.errors).toEqual([]);
    expect(r.rows).toBe(1);
  });

  it('rejects a missing weight, a double placement, a wrong value, a bad select and bad steps', () => {
    expect(checkSchedule(set, L21, 2, [row(0, [5, 0], [0, 0])]).errors.join()).toMatch(/never placed/);
    expect(checkSchedule(set, L21, 2, [row(0, [5, 7], [0, 3]), row(2, [0, 7], [0, 0])]).errors.join()).toMatch(/twice/);
    expect(checkSchedule(set, L21, 2, [row(0, [5, 8], [0, 3])]).errors.join()).toMatch(/holds 7/);
    expect(checkSchedule(set, L21, 2, [row(0, [5, 7], [0, 9])]).errors.join()).toMatch(/not a code/);
    expect(checkSchedule(set, L21, 2, [row(0, [5, 0], [0, 1]), row(2, [0, 7], [0, 0])]).errors.join()).toMatch(/empty slot with select/);
    // first row at step 3 > h... S is 3, so use a row at step 1 after step 1
    expect(checkSchedule(set, L21, 2, [row(0, [5, 0], [0, 0]), row(0, [0, 7], [0, 0])]).errors.join()).toMatch(/delta 0/);
    expect(checkSchedule(set, L21, 1, [row(2, [5, 7], [0, 0])]).errors.join()).toMatch(/delta 3/);
    expect(checkSchedule(set, L21, 2, [row(1, [0, 7], [0, 2]), row(0, [5, 0], [0, 0])]).errors.length).toBeGreaterThan(0);
  });

  it('brute force: one row suffices here, the reference heuristic agrees on a trident example', () => {
    expect(bruteForceMinRows(set, L21, 2)).toBe(1);
    const empty: SetWeights = { K: 2, S: 4, N: 5, weights: new Int32Array(40) };
    expect(bruteForceMinRows(empty, TRIDENT_2_5, 2)).toBe(0);
    expect(refHeuristic(empty, TRIDENT_2_5, 2)).toEqual([]);
  });
});

describe(`section 4 heuristic, cross-checked against a literal transcription ${seedTag}`, () => {
  it('model/schedulers/heuristic.ts produces exactly the rows of the transcription', () => {
    fc.assert(
      fc.property(caseArb(4, 20, 9), ({ set, offsets, h }) => {
        const a = heuristic(set, offsets, h);
        const b = refHeuristic(set, offsets, h);
        expect(a.map((r) => r.step)).toEqual(b.map((r) => r.step));
        expect(a.map((r) => [...r.weights, ...r.selects])).toEqual(b.map((r) => [...r.weights, ...r.selects]));
      }),
      fcParams(200),
    );
  });
});
