/**
 * The cycle model of docs/architecture.md section 8: each tile issues Wn * rowsHw rows for each of
 * its local sets, back to back; the job ends pipelineLatency cycles after the busiest tile's last
 * issue. Set s runs on tile s mod T.
 */
import type { ResolvedConfig } from '../contract/config.ts';
import type { JobSchedule } from './schedule.ts';

/** Rows a set occupies in hardware: a set without rows still runs one all-zero row. */
export const rowsHw = (rows: number): number => Math.max(1, rows);

/** Sums per-set row counts the way section 8 does: per tile, times windows; the max over tiles. */
export function issueFromRows(cfg: ResolvedConfig, rowsPerSet: readonly number[], windows: number): { issueCycles: number; perTile: number[] } {
  const perTile = new Array<number>(cfg.tiles).fill(0);
  rowsPerSet.forEach((rows, s) => {
    perTile[s % cfg.tiles] += windows * rowsHw(rows);
  });
  return { issueCycles: Math.max(...perTile), perTile };
}

export function jobCycles(
  cfg: ResolvedConfig,
  sched: JobSchedule,
  windows: number,
): { issueCycles: number; cycles: number; denseIssueCycles: number; denseCycles: number; perTile: number[] } {
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
