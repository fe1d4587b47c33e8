/**
 * Area of a junction chain with Yosys (the ASIC-style flow of generators/synth/area.ts, top sj_top),
 * its memory bits from the configuration, and the dense baseline: the same layers fully connected,
 * with the same parallelism, in the same architecture.
 */
import { clog2 } from '../../contract/bits.ts';
import { SparsetileError } from '../../contract/errors.ts';
import { JUNCTION_LIMITS, resolveJunctionConfig, type ResolvedJunctionConfig } from '../../contract/junction.ts';
import { hierarchyArea, yosysScript, type AreaReport } from '../synth/area.ts';
import { runYosys } from '../synth/yosys.ts';

export interface JunctionMemoryBits {
  readonly weights: number;
  readonly patterns: number;
  readonly inputs: number;
  readonly deltas0: number;
  readonly rings: number;
  readonly errors: number;
  readonly targets: number;
  readonly outputs: number;
  readonly total: number;
}

/** Memory bits of the whole chain, memory by memory (docs/junction.md section 4). */
export function junctionMemoryBits(cfg: ResolvedJunctionConfig): JunctionMemoryBits {
  const J = cfg.depth;
  const L = cfg.layers;
  const weights = cfg.junctions.reduce((s, j) => s + j.edges * cfg.weightBits, 0);
  const patterns = cfg.junctions.reduce((s, j) => s + j.edges * j.patternBits, 0);
  const inputs = 2 * L[0].banks * L[0].ioDepth * cfg.activationBits;
  const deltas0 = L[0].banks * L[0].ioDepth * cfg.deltaBits;
  const rings = L.slice(1).reduce((s, l) => s + l.ringCopies * l.width * cfg.accumulatorBits, 0);
  const errors = L.slice(1, J).reduce((s, l) => s + 2 * l.width * cfg.deltaBits, 0);
  const targets = L[J].banks * L[J].ioDepth * cfg.activationBits;
  const outputs = targets;
  return { weights, patterns, inputs, deltas0, rings, errors, targets, outputs, total: weights + patterns + inputs + deltas0 + rings + errors + targets + outputs };
}

/**
 * The dense baseline: every junction fully connected (fan-out = next width, fan-in = previous width),
 * the same parallelism (so the same multipliers), the accumulator widened to what the longer sums need.
 */
export function denseJunctionConfig(cfg: ResolvedJunctionConfig): ResolvedJunctionConfig {
  const a = cfg.input.arithmetic;
  const need = Math.max(...cfg.junctions.map((j) => Math.max(a.weightBits + a.activationBits + clog2(j.nIn), a.weightBits + a.deltaBits + clog2(j.nOut))));
  if (need > JUNCTION_LIMITS.accumulatorBits[1]) {
    throw new SparsetileError(`The dense baseline of "${cfg.name}" needs ${need}-bit sums, more than the ${JUNCTION_LIMITS.accumulatorBits[1]} the generator builds; use narrower operands.`);
  }
  return resolveJunctionConfig(
    {
      ...cfg.input,
      name: `${cfg.name}-dense`,
      description: `Dense baseline of ${cfg.name}: the same layers fully connected, the same parallelism.`,
      junctions: cfg.junctions.map((j) => ({ fanOut: j.nOut, fanIn: j.nIn, parallelism: j.parallelism })),
      arithmetic: { ...a, accumulatorBits: Math.max(a.accumulatorBits, need) },
    },
    `dense baseline of ${cfg.name}`,
  );
}

export type JunctionAreaReport = Omit<AreaReport, 'memoryBits'> & { readonly memoryBits: JunctionMemoryBits; readonly seconds: number };

/** Runs the ASIC-style Yosys flow on a generated junction directory; writes synth.ys, yosys.log and stat.json into it. */
export async function synthesizeJunctionArea(dir: string, files: readonly string[], cfg: ResolvedJunctionConfig): Promise<JunctionAreaReport> {
  const { seconds, ...stat } = await runYosys(dir, { script: 'synth.ys', log: 'yosys.log', stat: 'stat.json' }, yosysScript(files, 'stat.json', 'sj_top'), `Yosys synthesis of junction chain "${cfg.name}"`);
  return { ...hierarchyArea(stat, 'sj_top'), memoryBits: junctionMemoryBits(cfg), seconds: Math.round(seconds * 10) / 10 };
}
