/**
 * Which nodes of an ONNX graph the tile runs, as LayerSpecs (docs/architecture.md section 3):
 *
 *  - Conv with constant weights, 2-D or 1-D (kernelH = inH = 1): per-axis strides and dilations,
 *    per-side `pads` or `auto_pad` SAME_UPPER / SAME_LOWER / VALID, `group` (depthwise included);
 *  - Gemm with a constant B: `transA`, `transB`, `alpha` (folded into the weights), `beta`·C when C
 *    is a per-output bias; one row is a fully connected layer, M rows a 1x1 convolution over M
 *    positions;
 *  - MatMul with one constant 2-D operand: x·W (rows of x are positions) or W·x (columns of x are);
 *  - a BatchNormalization that alone reads such a layer's output is folded into it (scale into the
 *    weights, shift into the bias).
 *
 * Everything else runs on the host, with the reason (workloads/import/coverage.ts). The plan needs
 * the shape of every candidate's input, which onnx-run.ts gets from ONNX Runtime.
 */
import { outputSize } from '../../model/layer-spec.ts';
import type { LayerSpec } from '../../model/types.ts';
import { hostReason } from './coverage.ts';
import { convSpec, fcSpec } from './layer-specs.ts';
import { biasTerms, foldBatchNorm, type Folded } from './fold.ts';
import { attrFloat, attrInt, attrInts, attrString, type GraphNode, type OnnxGraphIR, type Tensor } from './onnx.ts';
import type { HostLayer, TileLayer } from './types.ts';

/** How the framework's tensor maps onto the LayerSpec layout: as it is, or as the transpose of a [rows, K] matrix. */
export type Layout = 'direct' | 'transposed';

export interface OnnxTileLayer extends TileLayer {
  /** The tensor the layer reads, and the tensor its result is (after a folded BatchNorm). */
  readonly input: string;
  readonly checkpoint: string;
  /** The framework's shape of `checkpoint`. */
  readonly outDims: number[];
  /** Activations: direct ([C*G, H, W] / [C, 1, L] / [K]), or transposed from [rows, K] to [K, 1, rows]. */
  readonly inLayout: Layout;
  /** Outputs: direct, or transposed from [F, 1, rows] to [rows, F]. */
  readonly outLayout: Layout;
  /** The constant the weights come from; tile weight i is a scaled copy of its element origIndex[i]. */
  readonly weightName: string;
  readonly origIndex: Uint32Array;
}

export interface OnnxPlan {
  readonly tile: OnnxTileLayer[];
  readonly host: HostLayer[];
  /** Names of folded BatchNormalization nodes: the integer pass skips them. */
  readonly folded: ReadonlySet<string>;
}

const size = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

/** The data operands of the nodes that may become tile layers (their shapes are what the plan needs). */
export function candidateInputs(g: OnnxGraphIR): string[] {
  const names = new Set<string>();
  for (const n of g.nodes) {
    if (n.op === 'Conv' || n.op === 'Gemm') names.add(n.inputs[0]!);
    if (n.op === 'MatMul') for (const i of n.inputs.slice(0, 2)) if (!g.constants.has(i)) names.add(i);
  }
  return [...names];
}

/** A tile layer before BatchNorm folding: spec, weights, bias, layouts. */
interface Lowered {
  spec: LayerSpec;
  weights: Float64Array;
  bias: Float64Array | null;
  input: string;
  outDims: number[];
  inLayout: Layout;
  outLayout: Layout;
  weightName: string;
  origIndex: Uint32Array;
  /** The axis of `outDims` that indexes filters. */
  filterAxis: number;
}

type Lowering = Lowered | { host: string };

/** Pads [top, left, bottom, right] of a Conv from `pads` or `auto_pad` (ONNX semantics: SAME_UPPER puts the odd pixel at the end). */
function convPads(n: GraphNode, inS: number[], k: number[], s: number[], d: number[]): number[] {
  const r = inS.length;
  const auto = attrString(n, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') return attrInts(n, 'pads', new Array<number>(2 * r).fill(0));
  if (auto === 'VALID') return new Array<number>(2 * r).fill(0);
  const out = new Array<number>(2 * r).fill(0);
  for (let a = 0; a < r; a++) {
    const o = Math.ceil(inS[a]! / s[a]!);
    const total = Math.max(0, (o - 1) * s[a]! + d[a]! * (k[a]! - 1) + 1 - inS[a]!);
    const small = Math.floor(total / 2);
    out[a] = auto === 'SAME_UPPER' ? small : total - small;
    out[a + r] = total - out[a]!;
  }
  return out;
}

function lowerConv(g: OnnxGraphIR, n: GraphNode, dims: Map<string, number[]>): Lowering {
  const w = g.constants.get(n.inputs[1] ?? '');
  if (!w) return { host: 'its weights are computed at run time, not a constant' };
  const x = dims.get(n.inputs[0]!);
  const rank = w.dims.length - 2;
  if (rank !== 1 && rank !== 2) return { host: `${rank}-D convolution: the tile lowers 1-D and 2-D convolutions` };
  if (!x || x.length !== rank + 2 || x[0] !== 1) return { host: `its input has shape [${x?.join(', ') ?? '?'}], not a batch of one ${rank}-D map` };
  const groups = attrInt(n, 'group', 1);
  const [F, Cg] = w.dims as [number, number];
  if (Cg * groups !== x[1]) return { host: `it expects ${Cg * groups} input channels but reads [${x.join(', ')}]` };
  const k = w.dims.slice(2);
  const inS = x.slice(2);
  const s = attrInts(n, 'strides', new Array<number>(rank).fill(1));
  const d = attrInts(n, 'dilations', new Array<number>(rank).fill(1));
  const p = convPads(n, inS, k, s, d);
  // 1-D: the length is the W axis (kernelH = inH = 1)
  const geo = rank === 2
    ? { kernelH: k[0]!, kernelW: k[1]!, inH: inS[0]!, inW: inS[1]!, strideH: s[0]!, strideW: s[1]!, dilationH: d[0]!, dilationW: d[1]!, padTop: p[0]!, padLeft: p[1]!, padBottom: p[2]!, padRight: p[3]! }
    : { kernelH: 1, kernelW: k[0]!, inH: 1, inW: inS[0]!, strideW: s[0]!, dilationW: d[0]!, padLeft: p[0]!, padRight: p[1]! };
  const spec = convSpec({ name: n.name, filters: F, channels: Cg, groups, ...geo });
  const { outH, outW } = outputSize(spec);
  if (outH < 1 || outW < 1) return { host: `its output would be empty (${outH} x ${outW}) on a ${inS.join(' x ')} input` };
  const b = n.inputs[2] ? g.constants.get(n.inputs[2]) : undefined;
  if (n.inputs[2] && !b) return { host: 'its bias is computed at run time, not a constant' };
  const origIndex = Uint32Array.from({ length: w.data.length }, (_, i) => i);
  const outDims = rank === 2 ? [1, F, outH, outW] : [1, F, outW];
  return { spec, weights: Float64Array.from(w.data), bias: b ? Float64Array.from(b.data) : null, input: n.inputs[0]!, outDims, inLayout: 'direct', outLayout: 'direct', weightName: n.inputs[1]!, origIndex, filterAxis: 1 };
}

/** A matrix product layer: F outputs over K inputs at `rows` positions. */
function matrixLayer(name: string, F: number, K: number, rows: number): LayerSpec {
  return rows === 1 ? fcSpec(name, F, K) : convSpec({ name, filters: F, channels: K, kernelH: 1, kernelW: 1, inH: 1, inW: rows });
}

/** Weights [F, K] from a [K, F] (or, `trans`, [F, K]) constant, scaled; with the index of each weight's source. */
function matrixWeights(w: Tensor, F: number, K: number, trans: boolean, scale: number): { weights: Float64Array; origIndex: Uint32Array } {
  const weights = new Float64Array(F * K);
  const origIndex = new Uint32Array(F * K);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < K; c++) {
      const o = trans ? f * K + c : c * F + f;
      weights[f * K + c] = scale * w.data[o]!;
      origIndex[f * K + c] = o;
    }
  }
  return { weights, origIndex };
}

function lowerGemm(g: OnnxGraphIR, n: GraphNode, dims: Map<string, number[]>): Lowering {
  const B = g.constants.get(n.inputs[1] ?? '');
  if (!B || g.constants.has(n.inputs[0]!)) return { host: 'its B operand is computed at run time (only a constant B is lowered)' };
  const a = dims.get(n.inputs[0]!);
  if (!a || a.length !== 2 || B.dims.length !== 2) return { host: `its operands have shapes [${a?.join(', ') ?? '?'}] and [${B.dims.join(', ')}], not matrices` };
  const transA = attrInt(n, 'transA', 0) === 1;
  const transB = attrInt(n, 'transB', 0) === 1;
  const [M, K] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const F = transB ? B.dims[0]! : B.dims[1]!;
  if ((transB ? B.dims[1] : B.dims[0]) !== K) return { host: `A [${a.join(', ')}] and B [${B.dims.join(', ')}] do not multiply` };
  let bias: Float64Array | null = null;
  if (n.inputs[2]) {
    const C = g.constants.get(n.inputs[2]);
    if (!C) return { host: 'its C operand is computed at run time, not a constant bias' };
    const perOutput = size(C.dims) === 1 || (size(C.dims) === F && C.dims[C.dims.length - 1] === F);
    if (!perOutput) return { host: `its C operand [${C.dims.join(', ')}] is not a bias per output (one value, or [${F}])` };
    const beta = attrFloat(n, 'beta', 1);
    bias = Float64Array.from({ length: F }, (_, f) => beta * C.data[size(C.dims) === 1 ? 0 : f]!);
  }
  const { weights, origIndex } = matrixWeights(B, F, K, transB, attrFloat(n, 'alpha', 1));
  const rowsOut: Layout = M > 1 ? 'transposed' : 'direct';
  return { spec: matrixLayer(n.name, F, K, M), weights, bias, input: n.inputs[0]!, outDims: [M, F], inLayout: transA || M === 1 ? 'direct' : 'transposed', outLayout: rowsOut, weightName: n.inputs[1]!, origIndex, filterAxis: 1 };
}

function lowerMatMul(g: OnnxGraphIR, n: GraphNode, dims: Map<string, number[]>): Lowering {
  const [ia, ib] = [n.inputs[0]!, n.inputs[1]!];
  const [ca, cb] = [g.constants.get(ia), g.constants.get(ib)];
  if (!ca === !cb) return { host: ca ? 'both operands are constants' : 'both operands are computed at run time' };
  if (cb) {
    // x [..., R, K] . W [K, F]: each of the R rows is a position
    const x = dims.get(ia);
    if (cb.dims.length !== 2 || !x || x[x.length - 1] !== cb.dims[0]) return { host: `its constant operand [${cb.dims.join(', ')}] is not a matrix x [${x?.join(', ') ?? '?'}] multiplies` };
    const [K, F] = cb.dims as [number, number];
    const rows = size(x) / K;
    const { weights, origIndex } = matrixWeights(cb, F, K, false, 1);
    return { spec: matrixLayer(n.name, F, K, rows), weights, bias: null, input: ia, outDims: [...x.slice(0, -1), F], inLayout: rows > 1 ? 'transposed' : 'direct', outLayout: rows > 1 ? 'transposed' : 'direct', weightName: ib, origIndex, filterAxis: x.length - 1 };
  }
  // W [F, K] . x [K, R] (optionally [1, K, R]): each of the R columns is a position
  const x = dims.get(ib);
  const xs = x && x.length === 3 && x[0] === 1 ? x.slice(1) : x;
  if (ca!.dims.length !== 2 || !xs || xs.length !== 2 || xs[0] !== ca!.dims[1]) return { host: `its constant operand [${ca!.dims.join(', ')}] does not multiply x [${x?.join(', ') ?? '?'}] as a matrix` };
  const [F, K] = ca!.dims as [number, number];
  const rows = xs[1]!;
  const { weights, origIndex } = matrixWeights(ca!, F, K, true, 1);
  return { spec: matrixLayer(n.name, F, K, rows), weights, bias: null, input: ib, outDims: [...x!.slice(0, -2), F, rows], inLayout: 'direct', outLayout: 'direct', weightName: ia, origIndex, filterAxis: x!.length - 2 };
}

const LOWER: Record<string, (g: OnnxGraphIR, n: GraphNode, dims: Map<string, number[]>) => Lowering> = { Conv: lowerConv, Gemm: lowerGemm, MatMul: lowerMatMul };

/** The BatchNormalization node that alone reads `out`, with constant parameters over the filter axis; null when there is none to fold. */
function foldableBatchNorm(g: OnnxGraphIR, readers: Map<string, GraphNode[]>, out: string, l: Lowered): GraphNode | null {
  const rs = readers.get(out) ?? [];
  if (rs.length !== 1 || g.outputs.includes(out)) return null;
  const bn = rs[0]!;
  if (bn.op !== 'BatchNormalization' || bn.inputs[0] !== out || bn.outputs.filter(Boolean).length !== 1) return null;
  if (attrInt(bn, 'training_mode', 0)) return null;
  if (!bn.inputs.slice(1, 5).every((i) => g.constants.get(i)?.data.length === l.spec.filters)) return null;
  return l.filterAxis === 1 ? bn : null; // BatchNormalization normalises axis 1
}

function fold(g: OnnxGraphIR, l: Lowered, bn: GraphNode): Folded {
  const [gamma, beta, mean, variance] = bn.inputs.slice(1, 5).map((i) => g.constants.get(i)!.data) as [Float64Array, Float64Array, Float64Array, Float64Array];
  return foldBatchNorm(l.weights, l.bias, { gamma, beta, mean, variance, epsilon: attrFloat(bn, 'epsilon', 1e-5) });
}

/** The plan: tile layers (with folded BatchNorms) and host layers, in graph order. */
export function planOnnx(g: OnnxGraphIR, dims: Map<string, number[]>): OnnxPlan {
  const readers = new Map<string, GraphNode[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  const tile: OnnxTileLayer[] = [];
  const host: HostLayer[] = [];
  const folded = new Set<string>();
  const weightUser = new Map<string, string>();
  for (const n of g.nodes) {
    if (folded.has(n.name)) continue;
    let l = LOWER[n.op]?.(g, n, dims) ?? { host: hostReason(n.op) };
    if (!('host' in l) && weightUser.has(l.weightName)) l = { host: `its weights "${l.weightName}" are shared with tile layer "${weightUser.get(l.weightName)}"` };
    if ('host' in l) {
      host.push({ name: n.name, op: n.op, why: l.host });
      continue;
    }
    weightUser.set(l.weightName, n.name);
    const bn = foldableBatchNorm(g, readers, n.outputs[0]!, l);
    const f = bn ? fold(g, l, bn) : null;
    if (bn) folded.add(bn.name);
    const bias = f ? f.bias : l.bias;
    tile.push({
      ...l,
      weights: f ? f.weights : l.weights,
      bias,
      node: n.name,
      op: n.op,
      folded: bn ? [{ name: bn.name, op: bn.op }] : [],
      extraTerms: f ? f.extraTerms : biasTerms(bias),
      checkpoint: bn ? bn.outputs[0]! : n.outputs[0]!,
    });
  }
  return { tile, host, folded };
}
