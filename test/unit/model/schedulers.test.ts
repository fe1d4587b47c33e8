import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../../contract/config.ts';
import { executeSchedule } from '../../../model/execute.ts';
import type { LoweredJob } from '../../../model/lower.ts';
import { checkLegality, defaultSets, scheduleJob, type JobSchedule } from '../../../model/schedule.ts';
import type { SchedulerName } from '../../../model/types.ts';
import { makeCfg } from './helpers.ts';

/** A one-window job from explicit per-filter step rows: weights[f][t] is one step's N lanes. */
function job(weights: number[][][], acts?: number[][]): LoweredJob {
  const F = weights.length;
  const S = weights[0].length;
  const N = weights[0][0].length;
  return {
    group: 0, filterIds: Array.from({ length: F }, (_, f) => f), S, N, windows: 1, outH: 1, outW: 1,
    weights: Int32Array.from(weights.flat(2)),
    acts: Int32Array.from(acts ? acts.flat() : new Array(S * N).fill(1)),
  };
}

async function rowsOf(j: LoweredJob, cfg: ResolvedConfig, name: SchedulerName) {
  const s = await scheduleJob(j, cfg, name);
  checkLegality(j, s, cfg);
  return s.sets.map((set) => set.rows.map((r) => ({ step: r.step, w: Array.from(r.weights), sel: Array.from(r.selects) })));
}

// tiny: N = 4, trident 2/3, codes 1 (1,-1), 2 (1,0), 3 (1,1), 4 (2,0), 5 (2,2); here K = 1
const tinyK1 = () => makeCfg({ filtersPerTile: 1 });

describe('hand-worked schedules (docs/architecture.md section 4)', () => {
  it('tiny offsets are the ones the examples below assume', () => {
    expect(tinyK1().offsets).toEqual([[0, 0], [1, -1], [1, 0], [1, 1], [2, 0], [2, 2]]);
  });

  // Steps (lanes 0..3):  t0 = [5, 0, 0, 0]   t1 = [0, 6, 7, 0]   t2 = [8, 0, 0, 9]
  const example = job([[[5, 0, 0, 0], [0, 6, 7, 0], [8, 0, 0, 9]]]);

  it('heuristic: fewest candidates first, ties to the lowest lane', async () => {
    // t = 0 is processed (lane 0 holds 5). Candidates of the empty lanes, in code order:
    //   lane 1: c2 (1,1)=6, c3 (1,2)=7, c5 (2,3)=9                 -> 3
    //   lane 2: c1 (1,1)=6, c2 (1,2)=7, c5 (2,0)=8                 -> 3
    //   lane 3: c1 (1,2)=7, c4 (2,3)=9                             -> 2
    // Lane 3 has the fewest: its first candidate c1 moves 7 from (1,2); lanes 2 (c2) and 1 (c3)
    // lose (1,2) and drop to 2 each. Tie: lane 1 takes its first candidate, c2 = 6 from (1,1),
    // which removes lane 2's c1: lane 2 has 1 candidate left, c5 = 8 from (2,0).
    // Row 0 = [5/0, 6/2, 8/5, 7/1]. Step 1 is now empty for all filters and skipped (skipped 0 < h=2);
    // step 2 still holds 9 in lane 3 and is processed; nothing lies ahead of it (t+a >= S).
    expect(await rowsOf(example, tinyK1(), 'heuristic')).toEqual([[
      { step: 0, w: [5, 6, 8, 7], sel: [0, 2, 5, 1] },
      { step: 2, w: [0, 0, 0, 9], sel: [0, 0, 0, 0] },
    ]]);
  });

  it('greedy: the lowest empty lane with any candidate takes its first one', async () => {
    // lane 1: c1 (1,0)=0, c2 (1,1)=6 -> takes 6. lane 2: c1 (1,1) now empty, c2 (1,2)=7 -> takes 7.
    // lane 3: c1 (1,2) empty, c2 (1,3)=0, c3 (1,0)=0, c4 (2,3)=9 -> takes 9.
    // Row 0 = [5/0, 6/2, 7/2, 9/4]; step 1 empty, skipped; step 2 holds 8 and is processed.
    expect(await rowsOf(example, tinyK1(), 'greedy')).toEqual([[
      { step: 0, w: [5, 6, 7, 9], sel: [0, 2, 2, 4] },
      { step: 2, w: [8, 0, 0, 0], sel: [0, 0, 0, 0] },
    ]]);
  });

  // Steps: t0 = [0, 0, 3, 4]   t1 = [10, 0, 0, 0]   t2 = [11, 0, 0, 0]
  const contested = job([[[0, 0, 3, 4], [10, 0, 0, 0], [11, 0, 0, 0]]]);

  it('heuristic beats greedy when the lowest lane would take another lane\'s only candidate', async () => {
    // lane 0: c2 (1,0)=10, c4 (2,0)=11 -> 2 candidates; lane 1: c1 (1,0)=10 only -> 1 candidate.
    // heuristic: lane 1 takes 10 (c1); lane 0 is left with c4 = 11. Steps 1 and 2 are then empty and
    // skipped: one row.
    expect(await rowsOf(contested, tinyK1(), 'heuristic')).toEqual([[{ step: 0, w: [11, 10, 3, 4], sel: [4, 1, 0, 0] }]]);
    // greedy: lane 0 takes 10 (c2); lane 1 has nothing left. Step 1 is skipped, step 2 (11) processed.
    expect(await rowsOf(contested, tinyK1(), 'greedy')).toEqual([[
      { step: 0, w: [10, 0, 3, 4], sel: [2, 0, 0, 0] },
      { step: 2, w: [11, 0, 0, 0], sel: [0, 0, 0, 0] },
    ]]);
  });

  it('dense keeps every step in place, S rows', async () => {
    expect((await rowsOf(example, tinyK1(), 'dense'))[0].map((r) => r.step)).toEqual([0, 1, 2]);
  });
});

describe('skip rule and trailing rows (one lane, offsets (1,0) and (2,0), h = 2)', () => {
  const cfg = () => makeCfg({ lanes: 1, filtersPerTile: 1, pattern: { offsets: [[1, 0], [2, 0]] } });
  const one = (steps: number[]) => job([steps.map((v) => [v])]);
  const steps = async (w: number[], name: SchedulerName = 'heuristic') => (await rowsOf(one(w), cfg(), name))[0].map((r) => [r.step, r.w[0], r.sel[0]]);

  it('at most h empty steps are skipped in a row; the next one is processed even if empty', async () => {
    // t0, t1 skipped; t2 processed but nothing reaches it (t3, t4 empty); t3, t4 skipped; t5 holds 7
    expect(await steps([0, 0, 0, 0, 0, 7])).toEqual([[2, 0, 0], [5, 7, 0]]);
  });
  it('a forced row promotes what it can reach', async () => {
    // t2 is processed after two skips and takes 7 from t3 with (1,0); the forced row at t5 is empty and trailing
    expect(await steps([0, 0, 0, 7, 0, 0])).toEqual([[2, 7, 1]]);
  });
  it('trailing empty rows are dropped', async () => {
    expect(await steps([7, 0, 0, 0, 0, 0])).toEqual([[0, 7, 0]]);
  });
  it('an all-zero set has no rows (hardware still runs one) and produces zeros', async () => {
    const j = one([0, 0, 0, 0, 0, 0]);
    const s = await scheduleJob(j, cfg(), 'heuristic');
    expect(s.sets[0].rows).toEqual([]);
    expect(Array.from(executeSchedule(j, s, cfg()).acc)).toEqual([0]);
  });
});

describe('fully dense and all-zero weights', () => {
  it('with no empty slot nothing is promoted or skipped: every scheduler equals dense', async () => {
    const cfg = makeCfg(); // N = 4, K = 2
    const w = Array.from({ length: 3 }, (_, f) => Array.from({ length: 5 }, (_, t) => Array.from({ length: 4 }, (_, l) => f * 100 + t * 10 + l + 1)));
    const d = await rowsOf(job(w), cfg, 'dense');
    expect(await rowsOf(job(w), cfg, 'greedy')).toEqual(d);
    expect(await rowsOf(job(w), cfg, 'heuristic')).toEqual(d);
    expect(d.map((s) => s.length)).toEqual([5, 5]);
  });
  it('all-zero weights: no rows for greedy and heuristic, S rows for dense', async () => {
    const cfg = makeCfg();
    const w = [[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]];
    expect(await rowsOf(job(w), cfg, 'heuristic')).toEqual([[]]);
    expect(await rowsOf(job(w), cfg, 'greedy')).toEqual([[]]);
    expect((await rowsOf(job(w), cfg, 'dense'))[0]).toHaveLength(4);
  });
});

describe('filter sets', () => {
  it('K not dividing F: the last set pads with -1 PEs', () => {
    expect(defaultSets(5, 2)).toEqual([[0, 1], [2, 3], [4, -1]]);
    expect(defaultSets(4, 4)).toEqual([[0, 1, 2, 3]]);
    expect(defaultSets(1, 3)).toEqual([[0, -1, -1]]);
  });
});

describe('checkLegality rejects broken schedules with a sentence', () => {
  const cfg = tinyK1();
  const j = job([[[5, 0, 0, 0], [0, 6, 7, 0], [8, 0, 0, 9]]]);
  const mutate = async (f: (s: JobSchedule) => JobSchedule) => {
    const s = await scheduleJob(j, cfg, 'heuristic');
    return () => checkLegality(j, f(s), cfg);
  };
  const withRows = (s: JobSchedule, rows: JobSchedule['sets'][number]['rows']): JobSchedule => ({ ...s, sets: [{ filters: s.sets[0].filters, rows }] });

  it('a dropped weight', async () => {
    const check = await mutate((s) => withRows(s, s.sets[0].rows.slice(0, 1)));
    expect(check).toThrow("schedule (heuristic) is illegal: filter 0's weight 9 at (step 2, lane 3) is never scheduled (set 0, PE 0).");
  });
  it('rows out of order, a repeated step, a step outside the set', async () => {
    const reversed = await mutate((s) => withRows(s, [...s.sets[0].rows].reverse()));
    expect(reversed).toThrow('schedule (heuristic) is illegal: set 0 row 1 has step 0 after step 2; the step delta must be 1..h+1 = 1..3.');
    const swapped = await mutate((s) => withRows(s, [s.sets[0].rows[0], { ...s.sets[0].rows[1], step: 0 }]));
    expect(swapped).toThrow('set 0 row 1 has step 0 after step 0; the step delta must be 1..h+1 = 1..3.');
    const outside = await mutate((s) => withRows(s, [{ step: 3, weights: new Int32Array(4), selects: new Uint8Array(4) }]));
    expect(outside).toThrow('schedule (heuristic) is illegal: set 0 row 0 has step 3, outside 0..2.');
  });
  it('a weight moved with the wrong select code', async () => {
    const check = await mutate((s) => {
      const r = s.sets[0].rows[0];
      const selects = Uint8Array.from(r.selects);
      selects[3] = 2;
      return withRows(s, [{ ...r, selects }, s.sets[0].rows[1]]);
    });
    expect(check).toThrow("schedule (heuristic) is illegal: set 0 row 0 (step 0) PE 0 lane 3 holds weight 7 with offset [1, 0], but filter 0's slot (step 1, lane 3) holds 0.");
  });
  it('an empty slot with a select code', async () => {
    const check = await mutate((s) => {
      const r = s.sets[0].rows[1];
      const selects = Uint8Array.from(r.selects);
      selects[0] = 1;
      return withRows(s, [s.sets[0].rows[0], { ...r, selects }]);
    });
    expect(check).toThrow('set 0 row 1 (step 2) PE 0 lane 0 is empty but has select code 1; an empty slot is [0, 0].');
  });
});
