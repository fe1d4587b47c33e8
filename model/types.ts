/**
 * Data types shared by the golden model, the schedulers, the memory-image packer and the workloads.
 * docs/architecture.md sections 3 and 4 define what they mean. Layouts are flat typed arrays in
 * row-major (C) order, as documented on each field.
 */

/**
 * A convolution or fully connected layer, as users describe it (docs/architecture.md section 3).
 * FC is kernel 1x1 on a 1x1 image; a 1-D convolution has kernelH = inH = 1. Strides, dilations and
 * zero padding are given per axis; padding per side (ONNX `pads` [top, left, bottom, right]).
 */
export interface LayerSpec {
  readonly name: string;
  readonly kind: 'conv' | 'fc';
  /** F: output channels (filters) over all groups. */
  readonly filters: number;
  /** C: input channels seen by one filter (per group). The activation tensor has C * groups channels. */
  readonly channels: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly inH: number;
  readonly inW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
}

/** A layer with its integer data. */
export interface LayerData {
  readonly spec: LayerSpec;
  /** [F, C, kernelH, kernelW] (FC: [F, C]) */
  readonly weights: Int32Array;
  /** [C * groups, inH, inW] (FC: [C]) */
  readonly acts: Int32Array;
}

/**
 * The weights of one set: K filters x S steps x N lanes, index (k * S + t) * N + l. PEs without a
 * filter hold zeros. Schedulers read this and must not modify it.
 */
export interface SetWeights {
  readonly K: number;
  readonly S: number;
  readonly N: number;
  readonly weights: Int32Array;
}

/** One processed row of a set's schedule: what the K PEs multiply in one cycle. */
export interface ScheduledRow {
  /** The dense step t this row is issued at (the activation buffer holds rows t..t+h). */
  readonly step: number;
  /** K * N weights, index k * N + l; 0 for an empty slot. */
  readonly weights: Int32Array;
  /** K * N select codes (index into the config's offsets); 0 for an empty slot. */
  readonly selects: Uint8Array;
}

export interface SetSchedule {
  /** Job-local filter index held by each PE, in PE order; -1 for an unused PE. */
  readonly filters: readonly number[];
  /** Processed rows in issue order. May be empty (all-zero set); hardware then runs one empty row. */
  readonly rows: readonly ScheduledRow[];
}

/**
 * What a caller may already know about a set when it asks for a schedule: `heuristic`'s rows of the
 * very same set (filter shuffling scores sets with them). `heuristic` returns them as they are,
 * `best` and `optimal` start from them; the others ignore them.
 */
export interface SetHint {
  readonly heuristicRows?: readonly ScheduledRow[];
}

/** A scheduler turns one set's dense weights into rows, following docs/architecture.md section 4. */
export type Scheduler = (set: SetWeights, offsets: readonly (readonly [number, number])[], lookahead: number, hint?: SetHint) => ScheduledRow[];

export type SchedulerName = 'dense' | 'greedy' | 'heuristic' | 'best' | 'optimal';

/** A set chosen by filter shuffling: its filters in PE order, and the rows it was scored with, if any. */
export interface ShuffledSet extends SetHint {
  readonly filters: number[];
}

/**
 * What model/shuffle.ts exports as `shuffleJob`: candidate assignments of a job's filters to sets
 * and PEs, the most promising first. In each, every set's `filters` has exactly K entries in PE
 * order, holding job-local filter indices (-1 for an unused PE), and every filter appears exactly
 * once; set s runs on tile s mod T. `job` is a model/lower.ts LoweredJob (weights [Fj][S][N]).
 */
export type FilterShuffler = (
  job: { readonly filterIds: readonly number[]; readonly S: number; readonly N: number; readonly weights: Int32Array },
  cfg: import('../contract/config.ts').ResolvedConfig,
) => ShuffledSet[][];
