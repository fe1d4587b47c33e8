import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignFilters, shuffleJob } from '../../../model/shuffle.ts';
import { loadConfig } from '../../../tools/configs.ts';
import { fcParams, seedTag } from '../../support/seed.ts';
import { randomSet } from './schedulers/support.ts';
import { jobCycles } from '../../../model/cycles.ts';
import { lowerLayer } from '../../../model/lower.ts';
import { checkLegality, scheduleJob } from '../../../model/schedule.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';

const isPartition = (sets: number[][], F: number) => {
  const all = sets.flat().filter((f) => f >= 0).sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: F }, (_, f) => f));
};

describe(`filter shuffling ${seedTag}`, () => {
  it('returns a partition of the filters into ceil(F/K) sets of at most K', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (F, K, S, N, refine, tiles, seed) => {
          const w = randomSet(F, S, N, 0.6, seed).weights;
          const sets = assignFilters(w, F, S, N, K, { refine, tiles, seed });
          expect(sets.length).toBe(Math.ceil(F / K));
          for (const s of sets) expect(s.length).toBeLessThanOrEqual(K);
          isPartition(sets, F);
        },
      ),
      fcParams(100),
    );
  });

  it('groups filters of similar work: sets are in non-increasing nnz order without tiles', () => {
    const F = 12;
    const S = 4;
    const N = 4;
    const w = new Int32Array(F * S * N);
    for (let f = 0; f < F; f++) for (let i = 0; i < f; i++) w[f * S * N + i] = 1; // filter f has f non-zeros
    expect(assignFilters(w, F, S, N, 4)).toEqual([[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
  });

  it('as model/schedule.ts calls it: candidates with exactly K entries per set, -1 padded, no tile with more local sets than the default, the default among them', () => {
    const cfg = loadConfig('paper');
    const F = 37;
    const S = 9;
    const N = cfg.lanes;
    const K = cfg.filtersPerTile;
    const job = { filterIds: Array.from({ length: F }, (_, f) => f), S, N, weights: randomSet(F, S, N, 0.7, 3).weights };
    const candidates = shuffleJob(job, cfg).map((c) => c.map((s) => s.filters));
    const n0 = Math.ceil(F / K);
    for (const sets of candidates) {
      expect(sets.length).toBeGreaterThanOrEqual(n0);
      expect(sets.length).toBeLessThanOrEqual(cfg.tiles * Math.ceil(n0 / cfg.tiles));
      for (const s of sets) expect(s.length).toBe(K);
      isPartition(sets, F);
    }
    expect(candidates).toContainEqual(Array.from({ length: n0 }, (_, s) => Array.from({ length: K }, (_, k) => (s * K + k < F ? s * K + k : -1))));
  });

  it('the 40-filter layer of issue 12 on 4 tiles: four sets of 10, one per tile, and fewer heuristic cycles than the default three', async () => {
    const cfg = loadConfig('paper');
    const layer = randomLayer([40, 64, 3, 3], 0.7, 1, cfg, { inputSize: [8, 8] });
    const [job] = lowerLayer(layer, cfg.lanes, { weightsOnly: true });
    const plain = await scheduleJob(job, cfg, 'heuristic');
    const shuffled = await scheduleJob(job, cfg, 'heuristic', { shuffle: true });
    checkLegality(job, shuffled, cfg);
    expect(plain.sets.length).toBe(3);
    expect(shuffled.sets.map((s) => s.filters.filter((f) => f >= 0).length)).toEqual([10, 10, 10, 10]);
    const cycles = (s: typeof plain) => jobCycles(cfg, s, job.windows).cycles;
    expect(cycles(shuffled)).toBeLessThan(cycles(plain));
  });

  it('never slower than without shuffling, for every scheduler that tries the candidates', async () => {
    const cfg = loadConfig('paper');
    for (const [F, seed] of [[40, 2], [24, 3], [70, 4]] as const) {
      const [job] = lowerLayer(randomLayer([F, 32, 3, 3], 0.7, seed, cfg, { inputSize: [5, 5] }), cfg.lanes, { weightsOnly: true });
      for (const name of ['greedy', 'best'] as const) {
        const plain = await scheduleJob(job, cfg, name);
        const shuffled = await scheduleJob(job, cfg, name, { shuffle: true });
        checkLegality(job, shuffled, cfg);
        expect(jobCycles(cfg, shuffled, job.windows).cycles, `${name} F=${F}`).toBeLessThanOrEqual(jobCycles(cfg, plain, job.windows).cycles);
      }
    }
  });
});
