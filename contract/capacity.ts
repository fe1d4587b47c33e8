/**
 * Section 5's capacity rules and the per-tile accounting behind them and behind section 8's cycles:
 * which tile runs which set, how many hardware rows a set takes, how many activation words a window
 * takes. Computed here once; the packer enforces the rules, `sparsetile run` reports them, the cycle
 * model sums rows with the same accounting, and the demo's layer choice fits layers with them.
 */
import type { WordLayout } from './layout.ts';

/** Qw: activation words per window in each bank, ceil((S + h) / (h + 1)). */
export function windowStride(S: number, h: number): number {
  return Math.ceil((S + h) / (h + 1));
}

/**
 * Rows a set occupies in hardware (section 4, "Hardware rows"): a set without rows still runs one
 * all-zero row, so that its outputs are written.
 */
export const rowsHw = (rows: number): number => Math.max(1, rows);

/**
 * Section 8's per-tile accounting: set s runs on tile s mod T, so tile t issues the sum of rowsHw
 * over its local sets, times `windows` (1 gives weight-memory rows, Wn gives issue cycles).
 */
export function tileRows(rowsPerSet: readonly number[], tiles: number, windows = 1): number[] {
  const perTile = new Array<number>(tiles).fill(0);
  rowsPerSet.forEach((rows, s) => {
    perTile[s % tiles] += windows * rowsHw(rows);
  });
  return perTile;
}

/** Local sets of tile t when `sets` sets are spread round-robin over `tiles` tiles. */
export function tileSetCounts(sets: number, tiles: number): number[] {
  return Array.from({ length: tiles }, (_, t) => (sets > t ? Math.ceil((sets - t) / tiles) : 0));
}

/** What section 5's capacity rules read from a configuration (a WordLayout or a ResolvedConfig). */
export type CapacityLimits = Pick<WordLayout, 'tiles' | 'lookahead' | 'weightDepth' | 'activationBankDepth' | 'outputDepth'>;

/** What they read from a job: its dense steps, its windows, and the rows of each global set. */
export interface CapacityJob {
  readonly S: number;
  readonly windows: number;
  /** Scheduled rows of each global set; an empty set still takes one row (rowsHw). */
  readonly rowsPerSet: readonly number[];
}

export type CapacityRule = 'weightDepth' | 'activationBankDepth' | 'outputDepth';

/** Section 5's figures for one job, and the first rule it breaks. */
export interface Capacity {
  /** Activation words per window in each bank (the WIN_STRIDE CSR). */
  readonly Qw: number;
  /** Local sets of each tile (the TILE_SETS CSRs) and of the fullest tile. */
  readonly tileSets: number[];
  readonly localSets: number;
  /** Weight-memory rows each tile uses, and the most any tile uses. */
  readonly weightRowsPerTile: number[];
  readonly weightRows: number;
  /** Wn * Qw words per activation bank. */
  readonly activationWords: number;
  /** localSets * Wn output words on the fullest tile. */
  readonly outputWords: number;
  /** The first rule broken (weight rows, then activation words, then output words), or null when the job fits. */
  readonly rule: CapacityRule | null;
  /** That rule as a sentence naming the figures, the configuration and the fix, or null. */
  readonly problem: string | null;
}

/**
 * Section 5's capacity rules: every tile's local sets fit its weight memory, Wn * Qw <= activationBankDepth,
 * and localSets * Wn <= outputDepth. The one place they are computed: packJob enforces them,
 * `sparsetile run` reports them, and the demo's layer choice (workloads/demo-layer.ts) fits layers with them.
 */
export function capacity(L: CapacityLimits, job: CapacityJob, cfgName = 'config'): Capacity {
  const T = L.tiles;
  const Wn = job.windows;
  const Qw = windowStride(job.S, L.lookahead);
  const tileSets = tileSetCounts(job.rowsPerSet.length, T);
  const localSets = Math.max(0, ...tileSets);
  const weightRowsPerTile = tileRows(job.rowsPerSet, T);
  const weightRows = Math.max(0, ...weightRowsPerTile);
  const activationWords = Wn * Qw;
  const outputWords = localSets * Wn;
  let rule: CapacityRule | null = null;
  let problem: string | null = null;
  const over = weightRowsPerTile.findIndex((used) => used > L.weightDepth);
  if (over >= 0) {
    rule = 'weightDepth';
    problem = `The job needs ${weightRowsPerTile[over]} weight-memory rows on tile ${over}, but configuration "${cfgName}" has weightDepth ${L.weightDepth} (rule: the rows of a tile's local sets must fit its weight memory). Use a smaller layer, a sparser one, or a configuration with a larger memory.weightDepth.`;
  } else if (activationWords > L.activationBankDepth) {
    rule = 'activationBankDepth';
    problem = `The job needs ${Wn} windows x ${Qw} words = ${activationWords} words per activation bank, but configuration "${cfgName}" has activationBankDepth ${L.activationBankDepth} (rule: Wn * Qw <= activationBankDepth). Use a smaller layer or a configuration with a larger memory.activationBankDepth.`;
  } else if (outputWords > L.outputDepth) {
    rule = 'outputDepth';
    problem = `The job writes ${localSets} local sets x ${Wn} windows = ${outputWords} output words on one tile, but configuration "${cfgName}" has outputDepth ${L.outputDepth} (rule: localSets * Wn <= outputDepth). Use fewer filters or windows, or a configuration with a larger memory.outputDepth.`;
  }
  return { Qw, tileSets, localSets, weightRowsPerTile, weightRows, activationWords, outputWords, rule, problem };
}
