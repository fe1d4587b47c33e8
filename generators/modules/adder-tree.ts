/**
 * st_adder_tree: the levels of a pairwise adder tree over N products, each level's exact width, and
 * where the adderTreeStages pipeline registers go. The view holds only numbers and flags; the
 * template (templates/st_adder_tree.v.hbs) spells the sign extensions and sums. Level 0 is one bus of
 * the products; every node of a later level is its own wire (and register), because a simulator
 * packing nodes of odd widths (33, 34, 35 bits) into one bus spends most of a PE's time shifting them
 * across word boundaries.
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import { render, template } from '../templates.ts';

/** A node of the previous level: its index, and (on level 0's bus) its bits [lsb +: width] and its sign bit. */
export interface TreeOperand {
  readonly node: number;
  readonly lsb: number;
  readonly signBit: number;
}

export interface TreeAdd {
  /** Bit offset of the node in its level's bus. */
  readonly lo: number;
  /** Level 0: the product at prods_i[a.lsb +: width]; level j >= 1: the sum of nodes a and b of level j-1, sign-extended by one bit (b null: a passed through). */
  readonly a: TreeOperand;
  readonly b: TreeOperand | null;
}

export interface TreeLevel {
  /** 0 is the products themselves; level j adds pairs of level j-1. */
  readonly index: number;
  /** Level 0 (the products). */
  readonly products: boolean;
  /** The previous level and its width (level 0: itself). */
  readonly prev: number;
  readonly prevWidth: number;
  /** The previous level is level 0, one bus of the products; later levels are one wire per node. */
  readonly fromBus: boolean;
  readonly nodes: number;
  /** Exact width: productBits + index. */
  readonly width: number;
  /** A pipeline register follows this level. */
  readonly registered: boolean;
  readonly adds: readonly TreeAdd[];
}

export interface AdderTreeView {
  readonly header: string;
  readonly lanes: number;
  readonly productBits: number;
  readonly treeBits: number;
  readonly stages: number;
  /** The tree has pipeline registers, hence a clock port. */
  readonly clocked: boolean;
  /** Adder levels, ceil(log2 N). */
  readonly depth: number;
  readonly levels: readonly TreeLevel[];
  readonly lastLevel: number;
}

export const ADDER_TREE = template<AdderTreeView>('st_adder_tree.v.hbs');

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

export function adderTreeView(cfg: ResolvedConfig, header = ''): AdderTreeView {
  const N = cfg.lanes;
  const PB = cfg.productBits;
  const depth = N <= 1 ? 0 : Math.ceil(Math.log2(N));
  const positions = new Set(registerPositions(depth, cfg.adderTreeStages));
  const levels: TreeLevel[] = [];
  levels.push({
    index: 0, products: true, prev: 0, prevWidth: PB, fromBus: true, nodes: N, width: PB, registered: positions.has(0),
    adds: Array.from({ length: N }, (_, i) => ({ lo: i * PB, a: { node: i, lsb: i * PB, signBit: i * PB + PB - 1 }, b: null })),
  });
  for (let j = 1; j <= depth; j++) {
    const prev = levels[j - 1];
    const wp = prev.width;
    const nodes = Math.ceil(prev.nodes / 2);
    const node = (n: number): TreeOperand => ({ node: n, lsb: n * wp, signBit: n * wp + wp - 1 });
    const adds: TreeAdd[] = [];
    for (let i = 0; i < nodes; i++) adds.push({ lo: i * (wp + 1), a: node(2 * i), b: 2 * i + 1 < prev.nodes ? node(2 * i + 1) : null });
    levels.push({ index: j, products: false, prev: j - 1, prevWidth: wp, fromBus: j === 1, nodes, width: wp + 1, registered: positions.has(j), adds });
  }
  const last = levels[levels.length - 1];
  if (last.width !== cfg.treeBits) throw new Error(`adder tree: final width ${last.width} differs from treeBits ${cfg.treeBits}`);
  return {
    header, lanes: N, productBits: PB, treeBits: cfg.treeBits, stages: cfg.adderTreeStages, clocked: cfg.adderTreeStages > 0, depth, levels, lastLevel: last.index,
  };
}

export function adderTreeModule(cfg: ResolvedConfig, header: string): string {
  return render(ADDER_TREE, adderTreeView(cfg, header));
}
