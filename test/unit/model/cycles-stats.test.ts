import { describe, expect, it } from 'vitest';
import { jobCycles } from '../../../model/cycles.ts';
import { outputStage, wrapSigned } from '../../../model/execute.ts';
import type { LoweredJob } from '../../../model/lower.ts';
import { scheduleJob, type JobSchedule } from '../../../model/schedule.ts';
import { setLowerBound } from '../../../model/bounds.ts';
import { jobStats, layerStats } from '../../../model/stats.ts';
import { makeCfg } from './helpers.ts';

const rowsOfLength = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i, weights: new Int32Array(4), selects: new Uint8Array(4) }));

describe('cycle model (docs/architecture.md section 8)', () => {
  it('sums Wn * rowsHw per tile, takes the busiest tile and adds the pipeline latency', () => {
    const cfg = makeCfg({ tiles: 2 }); // K = 2, adderTreeStages 0: latency 1 + 1 + 0 + 1 + 1 = 4
    expect(cfg.pipelineLatency).toBe(4);
    const sched: JobSchedule = {
      scheduler: 'heuristic', K: 2, N: 4, S: 6, offsets: cfg.offsets,
      sets: [3, 0, 5].map((n, s) => ({ filters: [2 * s, 2 * s + 1], rows: rowsOfLength(n) })),
    };
    // tile 0 runs sets 0 and 2: 4*3 + 4*5 = 32; tile 1 runs set 1, which has no rows but still one: 4*1
    // dense: tile 0 runs 2 sets of S = 6 rows: 48; tile 1: 24
    expect(jobCycles(cfg, sched, 4)).toEqual({ issueCycles: 32, cycles: 36, denseIssueCycles: 48, denseCycles: 52, perTile: [32, 4] });
  });
});

describe('stats', () => {
  // the hand-worked heuristic example of schedulers.test.ts: rows [5/0, 6/2, 8/5, 7/1] and [0, 0, 0, 9/0]
  const job: LoweredJob = {
    group: 0, filterIds: [0], S: 3, N: 4, windows: 1, outH: 1, outW: 1,
    weights: Int32Array.from([5, 0, 0, 0, 0, 6, 7, 0, 8, 0, 0, 9]), acts: new Int32Array(12),
  };

  it('slot breakdown, zeros removed and lower bound of a hand-worked schedule', async () => {
    const cfg = makeCfg({ filtersPerTile: 1 }); // codes 1 (1,-1), 2 (1,0), 5 (2,2)
    const st = jobStats(job, await scheduleJob(job, cfg, 'heuristic'), cfg);
    expect(st.slots).toEqual({
      effectualUnpromoted: 2, // 5 and 9
      promotedLookahead: 1, // 6 with code 2 = (1, 0)
      promotedLookaside: 2, // 8 with (2, 2) and 7 with (1, -1)
      emptyProcessed: 3,
      processed: 8,
      dense: 12,
      emptyDense: 7,
    });
    expect(st.lowerBoundRows).toEqual([2]); // max(ceil(3/3) = 1, ceil(5 non-zeros / 4 lanes) = 2)
    const ls = layerStats([st]);
    expect(ls.zerosRemoved).toBeCloseTo(1 - 3 / 7, 12);
    expect(ls.speedup).toBeCloseTo((3 + cfg.pipelineLatency) / (2 + cfg.pipelineLatency), 12);
  });

  it('lower bound: ceil(S/(h+1)) when every step holds a weight, fewer rows when whole steps are empty', () => {
    const one = (steps: number[]) => setLowerBound({ K: 1, S: steps.length, N: 1, weights: Int32Array.from(steps) }, 2);
    expect(one([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toBe(10); // one lane: ceil(nnz/N) = 10 dominates
    expect(setLowerBound({ K: 1, S: 10, N: 4, weights: new Int32Array(40).fill(1).map((v, i) => (i % 4 === 0 ? v : 0)) }, 2)).toBe(4); // ceil(10/3)
    expect(one([0, 0, 0, 0, 0, 0])).toBe(1); // no rows needed; hardware still runs one
    expect(one([7, 0, 0, 0, 0, 0])).toBe(1);
    expect(one([0, 0, 0, 0, 0, 7])).toBe(2); // a row at step <= 2 must exist before a row covering step 5
  });
});

describe('output stage (docs/architecture.md section 7)', () => {
  it('ReLU, then a floor shift, then saturate', () => {
    const cfg = makeCfg({ output: { relu: true, shift: 4, bits: 8, saturate: true } });
    expect([1000, 5000, -5, 15, 16].map((v) => outputStage(cfg, v))).toEqual([62, 127, 0, 0, 1]);
  });
  it('without ReLU the shift rounds toward minus infinity; without saturation the value wraps', () => {
    const cfg = makeCfg({ output: { relu: false, shift: 4, bits: 8, saturate: false } });
    expect([-17, 5000, -5000, -16].map((v) => outputStage(cfg, v))).toEqual([-2, 56, -57, -1]);
    const sat = makeCfg({ output: { relu: false, shift: 0, bits: 8, saturate: true } });
    expect([-129, -128, 127, 128].map((v) => outputStage(sat, v))).toEqual([-128, -128, 127, 127]);
  });
  it('wrapSigned reduces into the signed range', () => {
    expect([2 ** 17, -(2 ** 17) - 1, 2 ** 17 - 1, -5, 2 ** 18 + 3].map((v) => wrapSigned(v, 18))).toEqual([-(2 ** 17), 2 ** 17 - 1, 2 ** 17 - 1, -5, 3]);
  });
});
