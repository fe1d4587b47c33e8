/**
 * The cycle model of docs/architecture.md section 8: each tile issues Wn * rowsHw rows for each of
 * its local sets, back to back; the job ends pipelineLatency cycles after the busiest tile's last
 * issue. The per-tile accounting (set s on tile s mod T, rowsHw) is contract/capacity.ts's.
 */
import { rowsHw, tileRows } from '../contract/capacity.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import type { JobSchedule } from './schedule.ts';
import { planTiles, type PlanMode } from './tile-plan.ts';

/** Sums per-set row counts the way section 8 does: per tile, times windows; the max over tiles. */
export function issueFromRows(cfg: ResolvedConfig, rowsPerSet: readonly number[], windows: number): { issueCycles: number; perTile: number[] } {
  const perTile = tileRows(rowsPerSet, cfg.tiles, windows);
  return { issueCycles: Math.max(...perTile), perTile };
}

/**
 * The same sum under a tile plan (model/tile-plan.ts): tile t issues rowsHw of each of its sets over
 * its own windows. Round-robin is issueFromRows; split-windows lets idle tiles share the windows when
 * there are fewer sets than tiles.
 */
export function planIssueFromRows(cfg: ResolvedConfig, rowsPerSet: readonly number[], windows: number, mode: PlanMode): { issueCycles: number; perTile: number[] } {
  if (mode === 'round-robin') return issueFromRows(cfg, rowsPerSet, windows);
  const perTile = planTiles(rowsPerSet.length, windows, cfg.tiles, mode).tiles.map((t) => t.sets.reduce((a, set) => a + rowsHw(rowsPerSet[set]) * t.winCount, 0));
  return { issueCycles: Math.max(...perTile), perTile };
}

export interface JobCycles {
  readonly issueCycles: number;
  readonly cycles: number;
  readonly denseIssueCycles: number;
  readonly denseCycles: number;
  readonly perTile: number[];
}

export function jobCycles(cfg: ResolvedConfig, sched: JobSchedule, windows: number, plan: PlanMode = 'round-robin'): JobCycles {
  const { issueCycles, perTile } = planIssueFromRows(cfg, sched.sets.map((s) => s.rows.length), windows, plan);
  const denseIssueCycles = planIssueFromRows(cfg, sched.sets.map(() => sched.S), windows, plan).issueCycles;
  return {
    issueCycles,
    cycles: issueCycles + cfg.pipelineLatency,
    denseIssueCycles,
    denseCycles: denseIssueCycles + cfg.pipelineLatency,
    perTile,
  };
}
