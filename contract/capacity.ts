/**
 * Section 5's capacity rules and the per-tile accounting behind them and behind the issue-bound
 * cycle count: which tile runs which set in the default plan, how many hardware rows a set takes,
 * how many activation-buffer lines a window takes. Computed here once; the program builder enforces
 * the rules (with the descriptor checks of contract/descriptors.ts), `sparsetile run` reports them,
 * and the demo's layer choice fits layers with them.
 */

/** Qw: activation-buffer lines per window, ceil((S + h) / (h + 1)). */
export function windowStride(S: number, h: number): number {
  return Math.ceil((S + h) / (h + 1));
}

/**
 * Rows a set occupies in hardware (section 4, "Hardware rows"): a set without rows still runs one
 * all-zero row, so that its outputs are written.
 */
export const rowsHw = (rows: number): number => Math.max(1, rows);

/**
 * The default plan's per-tile accounting: set s runs on tile s mod T, so tile t issues the sum of
 * rowsHw over its sets, times `windows` (1 gives weight rows, Wn gives issue cycles).
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

/** What section 5's capacity rules read from a configuration. */
export interface CapacityLimits {
  readonly lookahead: number;
  readonly weightDepth: number;
  readonly featureMapHalfWords: number;
}

/** What they read from one layer: its dense steps, the rows of each set, its feature-map regions (all groups). */
export interface CapacityJob {
  readonly S: number;
  /** Scheduled rows of each set; an empty set still takes one row (rowsHw). */
  readonly rowsPerSet: readonly number[];
  /** Words of the input and output regions, brick layout (contract/fmap.ts), every group. */
  readonly inputWords: number;
  readonly outputWords: number;
}

export type CapacityRule = 'weightDepth' | 'featureMapInput' | 'featureMapOutput';

/** Section 5's figures for one layer, and the first rule it breaks. */
export interface Capacity {
  /** Activation-buffer lines per window (the WIN_STRIDE register). */
  readonly Qw: number;
  /** Weight-ring records the largest set needs: its rows and its header. */
  readonly setRecords: number;
  readonly inputWords: number;
  readonly outputWords: number;
  /** The first rule broken (weight ring, then input region, then output region), or null when the layer fits. */
  readonly rule: CapacityRule | null;
  /** That rule as a sentence naming the figures, the configuration and the fix, or null. */
  readonly problem: string | null;
}

/**
 * Section 5's capacity rules: every set's rows plus its header fit the weight ring
 * (rowsHw + 1 <= weightDepth), and the input and the output region each fit a feature-map half.
 */
export function capacity(L: CapacityLimits, job: CapacityJob, cfgName = 'config'): Capacity {
  const Qw = windowStride(job.S, L.lookahead);
  const setRecords = Math.max(0, ...job.rowsPerSet.map((r) => rowsHw(r) + 1));
  let rule: CapacityRule | null = null;
  let problem: string | null = null;
  const half = L.featureMapHalfWords;
  if (setRecords > L.weightDepth) {
    rule = 'weightDepth';
    problem = `The layer has a set of ${setRecords - 1} rows, but configuration "${cfgName}" holds ${L.weightDepth} weight-ring records per tile (rule: rows + 1 header <= memory.weightDepth). Use a sparser layer, or a configuration with a larger memory.weightDepth.`;
  } else if (job.inputWords > half) {
    rule = 'featureMapInput';
    problem = `The layer's input needs ${job.inputWords} feature-map words, but a half of configuration "${cfgName}" holds ${half} (rule: input region <= featureMapBanks * featureMapBankDepth / 2). Use a smaller input or a configuration with a larger memory.featureMapBankDepth.`;
  } else if (job.outputWords > half) {
    rule = 'featureMapOutput';
    problem = `The layer's output needs ${job.outputWords} feature-map words, but a half of configuration "${cfgName}" holds ${half} (rule: output region <= featureMapBanks * featureMapBankDepth / 2). Use fewer filters or output pixels, or a configuration with a larger memory.featureMapBankDepth.`;
  }
  return { Qw, setRecords, inputWords: job.inputWords, outputWords: job.outputWords, rule, problem };
}
