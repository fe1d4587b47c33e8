/**
 * The junction chain's golden model (docs/junction.md sections 5-7): integer feed-forward (FF) through
 * the sparse junctions, back-propagation (BP) and weight update (UP) in fixed point, slot by slot in
 * the schedule the hardware runs, so that pipelined training sees exactly the weights the hardware
 * sees: in a slot every process reads the weights as they were at the start of the slot, and the
 * slot's updates take effect at its end.
 *
 * The model works in the hardware's edge order (weights indexed e = c*z + m); the naive dense-masked
 * reference it is checked against is test/support/junction-reference.ts.
 */
import { SparsetileError } from '../../contract/errors.ts';
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';
import { activate, hiddenDelta, outputDelta, passes, quantize, updatedWeight } from './arith.ts';
import { jobCycles, jobSlots, type JunctionMode, type Slot } from './cycles.ts';
import { patternEdges, type JunctionPattern } from './pattern.ts';

export interface JunctionJob {
  /** Initial weights per junction, in edge order (length E_i). */
  readonly weights: readonly Int32Array[];
  /** Inputs: M vectors of N_0 activation-width integers. */
  readonly inputs: readonly Int32Array[];
  /** Targets: M vectors of N_J activation-width integers (training only). */
  readonly targets?: readonly Int32Array[];
  readonly mode: JunctionMode;
}

export interface JunctionResult {
  /** q of the output layer per input (activation width): the output memory's contents. */
  readonly outputs: Int32Array[];
  /** The error at the chain's input per input (delta width), when training: the DELTA0 memory's contents. */
  readonly deltas0: Int32Array[] | null;
  /** Weights per junction after the job, in edge order. */
  readonly weights: Int32Array[];
  readonly slots: Slot[];
  readonly cycles: number;
}

const fits = (v: number, bits: number) => Number.isInteger(v) && v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);

/** Checks a job's shapes and value ranges; one sentence per problem. */
export function checkJunctionJob(cfg: ResolvedJunctionConfig, job: JunctionJob): void {
  const M = job.inputs.length;
  const J = cfg.depth;
  if (M < 1 || M > cfg.maxInputs) {
    throw new SparsetileError(
      `A job of configuration "${cfg.name}" must have 1 to maxInputs = ${cfg.maxInputs} inputs (the input, target and output memories hold that many), got ${M}. Split the data into jobs of at most ${cfg.maxInputs} inputs, or raise "maxInputs".`,
    );
  }
  if (job.weights.length !== J) throw new SparsetileError(`A job of "${cfg.name}" needs weights for each of its ${J} junctions, got ${job.weights.length} arrays.`);
  job.weights.forEach((w, i) => {
    const j = cfg.junctions[i];
    if (w.length !== j.edges) throw new SparsetileError(`Junction ${i} of "${cfg.name}" has ${j.edges} edges, so it needs ${j.edges} weights, got ${w.length}.`);
    const bad = w.findIndex((v) => !fits(v, cfg.weightBits));
    if (bad >= 0) throw new SparsetileError(`Weight ${bad} of junction ${i} must fit weightBits = ${cfg.weightBits} (signed), got ${w[bad]}. Quantize the weights to that width.`);
  });
  const check = (what: string, vs: readonly Int32Array[], width: number) =>
    vs.forEach((v, n) => {
      if (v.length !== width) throw new SparsetileError(`${what} ${n} must have ${width} values, got ${v.length}.`);
      const bad = v.findIndex((x) => !fits(x, cfg.activationBits));
      if (bad >= 0) throw new SparsetileError(`${what} ${n}, value ${bad}, must fit activationBits = ${cfg.activationBits} (signed), got ${v[bad]}. Scale the data to that width.`);
    });
  check('Input', job.inputs, cfg.layerWidths[0]);
  if (job.mode.train) {
    if (!job.targets || job.targets.length !== M) {
      throw new SparsetileError(`Training needs one target per input (${M}), got ${job.targets?.length ?? 0}. Give targets, or run inference.`);
    }
    check('Target', job.targets, cfg.layerWidths[J]);
  }
}

/** Runs a job through the chain; the patterns must be valid (checkJunctionPattern). */
export function runJunctionJob(cfg: ResolvedJunctionConfig, patterns: readonly JunctionPattern[], job: JunctionJob): JunctionResult {
  checkJunctionJob(cfg, job);
  const J = cfg.depth;
  const M = job.inputs.length;
  const edges = cfg.junctions.map((j, i) => patternEdges(j, patterns[i]));
  let weights = job.weights.map((w) => Int32Array.from(w));
  /** pre[l][n]: the pre-activations h of layer l (1..J) for input n. */
  const pre: Float64Array[][] = Array.from({ length: J + 1 }, () => new Array<Float64Array>(M));
  /** err[l][n]: the back-propagated errors of layer l (0..J-1) for input n. */
  const err: Int32Array[][] = Array.from({ length: J }, () => new Array<Int32Array>(M));

  const q = (l: number, n: number, u: number) => quantize(pre[l][n][u], cfg);
  /** The activation of neuron u of layer l (< J) for input n: the input itself, or the hidden activation. */
  const act = (l: number, n: number, u: number) => (l === 0 ? job.inputs[n][u] : activate(q(l, n, u), cfg));
  /** The error of neuron u of layer l (>= 1) for input n. */
  const delta = (l: number, n: number, u: number) => (l === J ? outputDelta(q(J, n, u), job.targets![n][u], cfg) : err[l][n][u]);

  const slots = jobSlots(cfg, M, job.mode);
  for (const slot of slots) {
    const next = weights.slice();
    for (const { process, junction: i, input: n } of slot.processes) {
      const j = cfg.junctions[i];
      const { left, right } = edges[i];
      const w = weights[i];
      if (process === 'ff') {
        const h = new Float64Array(j.nOut);
        for (let e = 0; e < j.edges; e++) h[right[e]] += w[e] * act(i, n, left[e]);
        pre[i + 1][n] = h;
      } else if (process === 'bp') {
        const sums = new Float64Array(j.nIn);
        for (let e = 0; e < j.edges; e++) sums[left[e]] += w[e] * delta(i + 1, n, right[e]);
        err[i][n] = Int32Array.from(sums, (s, u) => hiddenDelta(s, i === 0 || passes(q(i, n, u), cfg), cfg));
      } else {
        const updated = new Int32Array(j.edges);
        for (let e = 0; e < j.edges; e++) updated[e] = updatedWeight(w[e], act(i, n, left[e]), delta(i + 1, n, right[e]), cfg);
        next[i] = updated;
      }
    }
    weights = next;
  }
  const outputs = Array.from({ length: M }, (_, n) => Int32Array.from(pre[J][n], (h) => quantize(h, cfg)));
  return {
    outputs,
    deltas0: job.mode.train ? err[0] : null,
    weights,
    slots,
    cycles: jobCycles(cfg, M, job.mode),
  };
}
