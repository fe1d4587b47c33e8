import { describe, expect, it } from 'vitest';
import { checkPlan, planTiles } from '../../../model/tile-plan.ts';

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
