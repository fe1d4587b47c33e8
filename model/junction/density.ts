/**
 * The poster's density arithmetic (docs/junction.md section 2): a junction's density is its fan-out
 * over the next layer's width (the fraction of a fully connected junction's edges it keeps); the
 * overall density of the classification layers is all junctions' edges over all fully connected
 * junctions' edges.
 */
import { SparsetileError } from '../../contract/errors.ts';

export interface ChainDensity {
  /** fanOut_i / N_(i+1), per junction. */
  readonly junctions: readonly number[];
  /** Edges per junction, N_i * fanOut_i. */
  readonly edges: readonly number[];
  /** Edges of the fully connected junctions, N_i * N_(i+1). */
  readonly denseEdges: readonly number[];
  /** Sum of edges over sum of dense edges. */
  readonly overall: number;
}

export function chainDensity(widths: readonly number[], fanOuts: readonly number[]): ChainDensity {
  if (widths.length !== fanOuts.length + 1) {
    throw new SparsetileError(
      `A chain of ${widths.length} layers has ${widths.length - 1} junctions and needs as many fan-outs, got ${fanOuts.length} (${fanOuts.join(', ')}). Give one fan-out per junction.`,
    );
  }
  fanOuts.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1 || d > widths[i + 1]) {
      throw new SparsetileError(
        `Fan-out ${i} must be an integer from 1 to the next layer's width ${widths[i + 1]} (each left neuron connects to each right neuron at most once), got ${d}.`,
      );
    }
  });
  const edges = fanOuts.map((d, i) => widths[i] * d);
  const denseEdges = fanOuts.map((_, i) => widths[i] * widths[i + 1]);
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  return { junctions: fanOuts.map((d, i) => d / widths[i + 1]), edges, denseEdges, overall: sum(edges) / sum(denseEdges) };
}
