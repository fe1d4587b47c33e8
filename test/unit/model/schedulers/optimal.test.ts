import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleBest } from '../../../../model/schedulers/best.ts';
import { scheduleOptimal } from '../../../../model/schedulers/optimal.ts';
import { bruteForceMinRows, checkSchedule } from '../../../support/legal.ts';
import { fcParams, seedTag } from '../../../support/seed.ts';
import { caseArb } from './arbitraries.ts';
import { randomSet, TRIDENT_2_5 } from './support.ts';

describe(`optimal scheduler (HiGHS MILP) ${seedTag}`, () => {
  it('equals an exhaustive search on tiny sets and proves it', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(3, 10, 6), async ({ set, offsets, h }) => {
        const res = await scheduleOptimal(set, offsets, h, { timeLimitSec: 10 });
        expect(checkSchedule(set, offsets, h, res.rows).errors).toEqual([]);
        expect(res.optimal).toBe(true);
        expect(res.bound).toBe(res.rows.length);
        expect(res.rows.length).toBe(bruteForceMinRows(set, offsets, h));
      }),
      fcParams(40),
    );
  });

  it('is never worse than best, and its bound is never above best, on small sets', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(3, 16, 8), async ({ set, offsets, h }) => {
        const best = scheduleBest(set, offsets, h);
        const res = await scheduleOptimal(set, offsets, h, { timeLimitSec: 2 });
        expect(checkSchedule(set, offsets, h, res.rows).errors).toEqual([]);
        expect(res.rows.length).toBeLessThanOrEqual(best.length);
        expect(res.bound).toBeLessThanOrEqual(res.rows.length);
      }),
      fcParams(25),
    );
  });

  it('handles a 4 x 36 x 16 trident 2/5 set within its time limit', async () => {
    const set = randomSet(4, 36, 16, 0.7, 5);
    const res = await scheduleOptimal(set, TRIDENT_2_5, 2, { timeLimitSec: 3 });
    expect(checkSchedule(set, TRIDENT_2_5, 2, res.rows).errors).toEqual([]);
    expect(res.seconds).toBeLessThan(15);
    expect(res.bound).toBeLessThanOrEqual(res.rows.length);
    expect(res.bound).toBeGreaterThanOrEqual(Math.ceil(36 / 3));
  });
});
