/**
 * The tile plan (docs/architecture.md section 3): which filter sets and which windows each tile runs
 * in one layer job. Every (set, window) pair of the job runs on exactly one tile. The cycle model
 * (model/timing.ts), the weight streams (model/memory-images.ts) and the descriptors all read it.
 *
 *   round-robin      set s on tile s mod T, every tile its sets over all windows (the default);
 *   split-windows    when there are fewer sets than tiles, the idle tiles share the windows: set s
 *                    runs on the tiles t with t mod nSets = s, each over its own contiguous window
 *                    range (ranges as equal as possible, earlier tiles one window more). With as
 *                    many sets as tiles or more it is round-robin.
 */
import { SparsetileError } from '../contract/errors.ts';

export const PLAN_MODES = ['round-robin', 'split-windows'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

export interface TileAssignment {
  /** Job-local set indices, in run order. */
  readonly sets: readonly number[];
  readonly winBase: number;
  readonly winCount: number;
}

export interface TilePlan {
  readonly mode: PlanMode;
  readonly tiles: readonly TileAssignment[];
}

export function planTiles(nSets: number, windows: number, tiles: number, mode: PlanMode = 'round-robin'): TilePlan {
  if (!PLAN_MODES.includes(mode)) throw new SparsetileError(`The tile plan must be one of ${PLAN_MODES.join(', ')}, got ${JSON.stringify(mode)}.`);
  if (mode === 'round-robin' || nSets >= tiles || nSets === 0) {
    return {
      mode,
      tiles: Array.from({ length: tiles }, (_, t) => {
        const sets: number[] = [];
        for (let s = t; s < nSets; s += tiles) sets.push(s);
        return { sets, winBase: 0, winCount: sets.length > 0 ? windows : 0 };
      }),
    };
  }
  const out: TileAssignment[] = [];
  for (let t = 0; t < tiles; t++) {
    const s = t % nSets;
    const sharers = Math.floor((tiles - 1 - s) / nSets) + 1;
    const i = Math.floor(t / nSets);
    const base = Math.floor(windows / sharers);
    const extra = windows % sharers;
    const winCount = base + (i < extra ? 1 : 0);
    const winBase = i * base + Math.min(i, extra);
    out.push(winCount > 0 ? { sets: [s], winBase, winCount } : { sets: [], winBase: 0, winCount: 0 });
  }
  return { mode, tiles: out };
}

/** Checks that a plan covers every (set, window) pair exactly once; throws naming the first problem. */
export function checkPlan(plan: TilePlan, nSets: number, windows: number): void {
  const seen = new Uint8Array(nSets * windows);
  plan.tiles.forEach((t, i) => {
    for (const s of t.sets) {
      if (!Number.isInteger(s) || s < 0 || s >= nSets) throw new SparsetileError(`Tile plan: tile ${i} runs set ${s}, outside 0..${nSets - 1}.`);
      for (let w = t.winBase; w < t.winBase + t.winCount; w++) {
        if (w < 0 || w >= windows) throw new SparsetileError(`Tile plan: tile ${i}'s window ${w} is outside 0..${windows - 1}.`);
        if (seen[s * windows + w]++) throw new SparsetileError(`Tile plan: set ${s} window ${w} runs twice (again on tile ${i}).`);
      }
    }
  });
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new SparsetileError(`Tile plan: set ${Math.floor(missing / windows)} window ${missing % windows} runs on no tile.`);
}
