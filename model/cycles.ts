/**
 * The cycle model of docs/architecture.md section 8: each tile issues Wn * rowsHw rows for each of
 * its local sets, back to back; the job ends pipelineLatency cycles after the busiest tile's last
 * issue. The per-tile accounting (set s on tile s mod T, rowsHw) is contract/capacity.ts's.
 */
import { tileRows } from '../contract/capacity.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import type { JobSchedule } from './schedule.ts';

/** Sums per-set row counts the way section 8 does: per tile, times windows; the max over tiles. */
export function issueFromRows(cfg: ResolvedConfig, rowsPerSet: readonly number[], windows: number): { issueCycles: number; perTile: number[] } {
  const perTile = tileRows(rowsPerSet, cfg.tiles, windows);
  return { issueCycles: Math.max(...perTile), perTile };
}

export interface JobCycles {
  readonly issueCycles: number;
  readonly cycles: number;
  readonly denseIssueCycles: number;
  readonly denseCycles: number;
  readonly perTile: number[];
}

export function jobCycles(cfg: ResolvedConfig, sched: JobSchedule, windows: number): JobCycles {
  const { issueCycles, perTile } = issueFromRows(cfg, sched.sets.map((s) => s.rows.length), windows);
  const denseIssueCycles = issueFromRows(cfg, sched.sets.map(() => sched.S), windows).issueCycles;
  return {
    issueCycles,
    cycles: issueCycles + cfg.pipelineLatency,
    denseIssueCycles,
    denseCycles: denseIssueCycles + cfg.pipelineLatency,
    perTile,
  };
}
