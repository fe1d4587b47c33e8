import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shuffleFilters } from '../../../model/shuffle.ts';
import { loadConfig } from '../../../tools/configs.ts';
import { fcParams, seedTag } from '../../support/seed.ts';
import { randomSet } from './schedulers/support.ts';

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
          const sets = shuffleFilters(w, F, S, N, K, { refine, tiles, seed });
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
    expect(shuffleFilters(w, F, S, N, 4)).toEqual([[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
  });

  it('as model/schedule.ts calls it: every set has exactly K entries, -1 padded', async () => {
    const cfg = loadConfig('paper');
    const F = 37;
    const S = 9;
    const N = cfg.lanes;
    const job = { filterIds: Array.from({ length: F }, (_, f) => f), S, N, weights: randomSet(F, S, N, 0.7, 3).weights };
    const sets = await shuffleFilters(job, cfg, { seed: 1, scheduler: 'heuristic' });
    expect(sets.length).toBe(Math.ceil(F / cfg.filtersPerTile));
    for (const s of sets) expect(s.length).toBe(cfg.filtersPerTile);
    isPartition(sets, F);
  });
});
