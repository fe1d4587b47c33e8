/**
 * View model of st_adder_tree: the levels of a pairwise adder tree over N products, each level's
 * exact width, and where the adderTreeStages pipeline registers go.
 */
import type { ResolvedConfig } from '../contract/config.ts';

export interface TreeAdd {
  /** Bit offset of the node in its level's bus. */
  readonly lo: number;
  /** Verilog expression: the sum of two sign-extended nodes of the previous level, or one passed through. */
  readonly expr: string;
}

export interface TreeLevel {
  /** 0 is the products themselves; level j adds pairs of level j-1. */
  readonly index: number;
  readonly nodes: number;
  /** Exact width: productBits + index. */
  readonly width: number;
  /** A pipeline register follows this level. */
  readonly registered: boolean;
  readonly adds: readonly TreeAdd[];
}

export interface AdderTreeView {
  readonly lanes: number;
  readonly productBits: number;
  readonly treeBits: number;
  readonly stages: number;
  /** Adder levels, ceil(log2 N). */
  readonly depth: number;
  readonly levels: readonly TreeLevel[];
}

/**
 * Register positions for `stages` registers in a tree of `depth` adder levels: position p puts a
 * register after level p (0: on the products, only when the tree has no adder). The depth adder
 * levels plus the accumulator's adder are split into stages+1 segments of nearly equal length:
 * register i goes after level floor(i * (depth+1) / (stages+1)), i = 1..stages.
 */
export function registerPositions(depth: number, stages: number): number[] {
  if (stages > Math.max(1, depth)) throw new Error(`registerPositions: ${stages} stages in a tree of depth ${depth}`);
  const out: number[] = [];
  for (let i = 1; i <= stages; i++) out.push(Math.floor((i * (depth + 1)) / (stages + 1)));
  return out;
}

export function adderTreeView(cfg: ResolvedConfig): AdderTreeView {
  const N = cfg.lanes;
  const PB = cfg.productBits;
  const depth = N <= 1 ? 0 : Math.ceil(Math.log2(N));
  const positions = new Set(registerPositions(depth, cfg.adderTreeStages));
  const levels: TreeLevel[] = [];
  levels.push({
    index: 0,
    nodes: N,
    width: PB,
    registered: positions.has(0),
    adds: Array.from({ length: N }, (_, i) => ({ lo: i * PB, expr: `prods_i[${i * PB} +: ${PB}]` })),
  });
  for (let j = 1; j <= depth; j++) {
    const prev = levels[j - 1];
    const wp = prev.width;
    const nodes = Math.ceil(prev.nodes / 2);
    const ext = (n: number) => `{l${j - 1}[${n * wp + wp - 1}], l${j - 1}[${n * wp} +: ${wp}]}`;
    const adds: TreeAdd[] = [];
    for (let i = 0; i < nodes; i++) {
      const a = 2 * i;
      const b = 2 * i + 1;
      adds.push({ lo: i * (wp + 1), expr: b < prev.nodes ? `${ext(a)} + ${ext(b)}` : ext(a) });
    }
    levels.push({ index: j, nodes, width: wp + 1, registered: positions.has(j), adds });
  }
  const last = levels[levels.length - 1];
  if (last.width !== cfg.treeBits) throw new Error(`adder tree: final width ${last.width} differs from treeBits ${cfg.treeBits}`);
  return { lanes: N, productBits: PB, treeBits: cfg.treeBits, stages: cfg.adderTreeStages, depth, levels };
}
