import { describe, expect, it } from 'vitest';
import { checkPlan, planTiles } from '../../../model/tile-plan.ts';
import fc from 'fast-check';
import { tileRows } from '../../../contract/capacity.ts';
import { planIssueFromRows } from '../../../model/cycles.ts';
import { loadConfig } from '../../../tools/configs.ts';

describe('tile plan', () => {
  it('round-robin: set s on tile s mod T, every window', () => {
    const p = planTiles(5, 7, 2);
    expect(p.tiles).toEqual([{ sets: [0, 2, 4], winBase: 0, winCount: 7 }, { sets: [1, 3], winBase: 0, winCount: 7 }]);
    expect(planTiles(1, 7, 3).tiles.map((t) => t.sets)).toEqual([[0], [], []]);
    checkPlan(p, 5, 7);
  });

  it('split-windows: fewer sets than tiles share the windows over the idle tiles', () => {
    const p = planTiles(1, 10, 4, 'split-windows');
    expect(p.tiles).toEqual([
      { sets: [0], winBase: 0, winCount: 3 }, { sets: [0], winBase: 3, winCount: 3 }, { sets: [0], winBase: 6, winCount: 2 }, { sets: [0], winBase: 8, winCount: 2 },
    ]);
    const q = planTiles(2, 5, 4, 'split-windows');
    expect(q.tiles).toEqual([{ sets: [0], winBase: 0, winCount: 3 }, { sets: [1], winBase: 0, winCount: 3 }, { sets: [0], winBase: 3, winCount: 2 }, { sets: [1], winBase: 3, winCount: 2 }]);
    for (const [s, w, t] of [[1, 10, 4], [2, 5, 4], [3, 2, 16], [1, 1, 3], [4, 9, 4], [6, 3, 4]]) checkPlan(planTiles(s, w, t, 'split-windows'), s, w);
    // more sets than tiles: round-robin
    expect(planTiles(5, 7, 2, 'split-windows').tiles).toEqual(planTiles(5, 7, 2).tiles);
  });

  it('checkPlan names a pair that runs twice or never', () => {
    expect(() => checkPlan({ mode: 'round-robin', tiles: [{ sets: [0], winBase: 0, winCount: 2 }, { sets: [0], winBase: 1, winCount: 1 }] }, 1, 2)).toThrow('Tile plan: set 0 window 1 runs twice (again on tile 1).');
    expect(() => checkPlan({ mode: 'round-robin', tiles: [{ sets: [0], winBase: 0, winCount: 1 }] }, 1, 2)).toThrow('Tile plan: set 0 window 1 runs on no tile.');
  });
});

describe('issue cycles under a tile plan (model/cycles.ts planIssueFromRows)', () => {
  const cfg = loadConfig('paper'); // 4 tiles
  it('round-robin is the default accounting; split-windows conserves the work and never makes the busiest tile busier', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 50 }), (rows, windows) => {
        const rr = planIssueFromRows(cfg, rows, windows, 'round-robin');
        expect(rr.perTile).toEqual(tileRows(rows, cfg.tiles, windows));
        const split = planIssueFromRows(cfg, rows, windows, 'split-windows');
        const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(total(split.perTile)).toBe(total(rr.perTile));
        expect(split.issueCycles).toBeLessThanOrEqual(rr.issueCycles);
        if (rows.length >= cfg.tiles) expect(split.perTile).toEqual(rr.perTile);
      }),
      { seed: 20261202 },
    );
  });
  it('3 sets of 10, 20 and 30 rows on 4 tiles over 7 windows: the fourth tile takes 3 of set 0\'s windows', () => {
    expect(planIssueFromRows(cfg, [10, 20, 30], 7, 'split-windows').perTile).toEqual([40, 140, 210, 30]);
  });
});
