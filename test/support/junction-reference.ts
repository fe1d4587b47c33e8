/**
 * A deliberately naive reference for the junction chain (docs/junction.md sections 3, 5 and 6),
 * independent of model/junction: dense weight matrices with a 0/1 connection mask built from the
 * pattern arrays, exact BigInt arithmetic, inputs processed one after another. Pipelining is
 * expressed as which version of a junction's weights each process reads, not as slots:
 *   weights version k = after the updates of inputs 0..k-1;
 *   BP_i and UP_i of input n read version n (UP_i writes version n+1);
 *   FF_i of input n reads version n sequentially, and version max(0, n - 2(J - i) + 1) pipelined
 *   (the updates whose slot n' + 2J - 1 - i comes before FF_i's slot n + i).
 */
import type { ResolvedJunctionConfig } from '../../contract/junction.ts';

export interface ReferencePattern {
  readonly sel: ArrayLike<number>;
  readonly row: ArrayLike<number>;
}

export interface ReferenceJob {
  /** Per junction, edge order e = c*z + m. */
  readonly weights: readonly ArrayLike<number>[];
  readonly inputs: readonly ArrayLike<number>[];
  readonly targets?: readonly ArrayLike<number>[];
  readonly train: boolean;
  readonly pipelined: boolean;
}

export interface ReferenceResult {
  readonly outputs: number[][];
  readonly deltas0: number[][] | null;
  /** Final weights per junction as dense [right][left] matrices (0 where there is no edge). */
  readonly dense: number[][][];
  /** Connection masks per junction, [right][left]. */
  readonly mask: boolean[][][];
  /** Final weights in edge order, read back from the dense matrices through the same edge list. */
  readonly edgeOrder: number[][];
}

const rs = (x: bigint, s: number): bigint => (s === 0 ? x : (x + (1n << BigInt(s - 1))) >> BigInt(s));
const sat = (x: bigint, bits: number): bigint => {
  const hi = (1n << BigInt(bits - 1)) - 1n;
  const lo = -(1n << BigInt(bits - 1));
  return x > hi ? hi : x < lo ? lo : x;
};

/** Edge e of junction i: left neuron floor(e / fanOut); right neuron row * z + bank of the lane's bank. */
export function referenceEdges(cfg: ResolvedJunctionConfig, i: number, p: ReferencePattern): { left: number; right: number }[] {
  const j = cfg.junctions[i];
  const z = j.parallelism;
  const out: { left: number; right: number }[] = [];
  for (let e = 0; e < j.edges; e++) {
    const c = Math.floor(e / z);
    const bank = p.sel[e];
    out.push({ left: Math.floor(e / j.fanOut), right: p.row[c * z + bank] * z + bank });
  }
  return out;
}

export function referenceRun(cfg: ResolvedJunctionConfig, patterns: readonly ReferencePattern[], job: ReferenceJob): ReferenceResult {
  const J = cfg.depth;
  const N = cfg.layerWidths;
  const edgeLists = patterns.map((p, i) => referenceEdges(cfg, i, p));
  const mask = edgeLists.map((edges, i) => {
    const m = Array.from({ length: N[i + 1] }, () => new Array<boolean>(N[i]).fill(false));
    for (const { left, right } of edges) m[right][left] = true;
    return m;
  });
  const initial = edgeLists.map((edges, i) => {
    const w = Array.from({ length: N[i + 1] }, () => new Array<bigint>(N[i]).fill(0n));
    edges.forEach(({ left, right }, e) => { w[right][left] += BigInt(job.weights[i][e]); });
    return w;
  });
  // versions[i][k]: junction i's weights after k updates
  const versions = initial.map((w) => [w]);
  const quant = (h: bigint, bits: number) => sat(rs(h, cfg.weightFractionBits), bits);
  const actOf = (qv: bigint) => (cfg.hiddenActivation === 'relu' && qv < 0n ? 0n : qv);
  const outputs: number[][] = [];
  const deltas0: number[][] = [];
  for (let n = 0; n < job.inputs.length; n++) {
    // forward: a[l] activations of the layers below J, q[l] quantized pre-activations
    const a: bigint[][] = [Array.from(job.inputs[n], (v) => BigInt(v))];
    const qs: bigint[][] = [[]];
    for (let i = 0; i < J; i++) {
      const version = !job.train ? 0 : job.pipelined ? Math.max(0, n - 2 * (J - i) + 1) : n;
      const W = versions[i][version];
      const h = W.map((row) => row.reduce((s, w, l) => s + w * a[i][l], 0n));
      const qv = h.map((x) => quant(x, cfg.activationBits));
      qs.push(qv);
      a.push(qv.map(actOf));
    }
    outputs.push(qs[J].map(Number));
    if (!job.train) continue;
    // backward, top junction first, each with version n of its weights
    let d: bigint[] = qs[J].map((qv, r) => sat(qv - BigInt(job.targets![n][r]), cfg.deltaBits));
    for (let i = J - 1; i >= 0; i--) {
      const W = versions[i][n];
      const below = Array.from({ length: N[i] }, (_, l) => {
        let s = 0n;
        for (let r = 0; r < N[i + 1]; r++) if (mask[i][r][l]) s += W[r][l] * d[r];
        const pass = i === 0 || cfg.hiddenActivation === 'linear' || qs[i][l] > 0n;
        return pass ? sat(rs(s, cfg.weightFractionBits), cfg.deltaBits) : 0n;
      });
      const updated = W.map((row, r) =>
        row.map((w, l) => (mask[i][r][l] ? sat(w - rs(a[i][l] * d[r], cfg.updateShift), cfg.weightBits) : 0n)),
      );
      versions[i].push(updated);
      d = below;
    }
    deltas0.push(d.map(Number));
  }
  const final = versions.map((v) => v[v.length - 1]);
  return {
    outputs,
    deltas0: job.train ? deltas0 : null,
    dense: final.map((w) => w.map((row) => row.map(Number))),
    mask,
    edgeOrder: edgeLists.map((edges, i) => edges.map(({ left, right }) => Number(final[i][right][left]))),
  };
}
