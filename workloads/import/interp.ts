/**
 * A small float interpreter over an ONNX graph (batch 1, NCHW). It exists to give every lowered
 * layer its input shape and its real input activations, and to run the integer forward pass: a hook
 * may replace the output of any Conv/Gemm/MatMul that has constant weights (a "lowered layer").
 * Unsupported operators are an error that names the operator and the node.
 */
import { SparsetileError } from '../../contract/errors.ts';
import { outputSize } from '../../model/layer-spec.ts';
import type { LayerSpec } from '../../model/types.ts';
import { fcSpec } from './layer-specs.ts';
import { attrFloat, attrInt, attrInts, attrString, type GraphNode, type OnnxGraphIR, type Tensor } from './onnx.ts';

export const SUPPORTED_OPS = [
  'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'BatchNormalization', 'Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish',
  'Add', 'Sub', 'Mul', 'Div', 'GlobalAveragePool', 'MaxPool', 'AveragePool', 'Resize', 'Upsample', 'Concat', 'Reshape', 'Flatten',
  'Shape', 'Cast', 'Slice', 'Softmax', 'Identity', 'Dropout', 'Squeeze', 'Unsqueeze', 'LeakyRelu', 'Tanh',
] as const;

/** A Conv/Gemm/MatMul with constant weights, as the hardware sees it. */
export interface LayerNode {
  readonly node: GraphNode;
  readonly spec: LayerSpec;
  /** Float weights in LayerSpec layout [F, C, kH, kW] (FC: [F, C]). */
  readonly weights: Float64Array;
  readonly bias: Float64Array | null;
}

export type LayerHook = (layer: LayerNode, input: Tensor) => Tensor | undefined;

const size = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);
const T = (dims: number[], data?: Float64Array): Tensor => ({ dims, data: data ?? new Float64Array(size(dims)) });

function unlowerable(g: OnnxGraphIR, n: GraphNode, why: string): never {
  throw new SparsetileError(`${g.file}: layer "${n.name}" (${n.op}) cannot be lowered onto the tile: ${why}. sparsetile lowers 2-D convolutions with equal strides, symmetric padding per axis and equal dilations, and fully connected layers (docs/architecture.md section 3).`);
}

/** Builds the LayerSpec of a Conv/Gemm/MatMul node from its input shape; null when it is not a lowered layer. */
export function layerNodeOf(g: OnnxGraphIR, n: GraphNode, inDims: readonly number[]): LayerNode | null {
  const w = g.constants.get(n.inputs[1] ?? '');
  if (!w) return null;
  const b = n.inputs[2] ? g.constants.get(n.inputs[2]) ?? null : null;
  if (n.op === 'Conv') {
    if (w.dims.length !== 4) unlowerable(g, n, `its weight has ${w.dims.length - 2} spatial dimensions, not 2`);
    const [F, C, kH, kW] = w.dims as [number, number, number, number];
    const strides = attrInts(n, 'strides', [1, 1]);
    const dil = attrInts(n, 'dilations', [1, 1]);
    const pads = convPads(g, n, inDims, [kH, kW], strides, dil);
    if (strides[0] !== strides[1]) unlowerable(g, n, `its strides are [${strides.join(', ')}], not equal`);
    if (dil[0] !== dil[1]) unlowerable(g, n, `its dilations are [${dil.join(', ')}], not equal`);
    if (pads[0] !== pads[2] || pads[1] !== pads[3]) unlowerable(g, n, `its pads are [${pads.join(', ')}], not symmetric`);
    const groups = attrInt(n, 'group', 1);
    return {
      node: n,
      spec: { name: n.name, kind: 'conv', filters: F, channels: C, kernelH: kH, kernelW: kW, inH: inDims[2]!, inW: inDims[3]!, strideH: strides[0]!, strideW: strides[0]!, padTop: pads[0]!, padBottom: pads[0]!, padLeft: pads[1]!, padRight: pads[1]!, dilationH: dil[0]!, dilationW: dil[0]!, groups },
      weights: w.data,
      bias: b ? b.data : null,
    };
  }
  if (n.op === 'Gemm' || n.op === 'MatMul') {
    if (w.dims.length !== 2) unlowerable(g, n, `its weight has shape [${w.dims.join(', ')}], not a matrix`);
    if (size(inDims) !== inDims[inDims.length - 1]) unlowerable(g, n, `its input has shape [${inDims.join(', ')}], more than one row`);
    const transB = n.op === 'Gemm' ? attrInt(n, 'transB', 0) : 0;
    if (n.op === 'Gemm' && attrInt(n, 'transA', 0)) unlowerable(g, n, 'transA is set');
    const [r, c] = w.dims as [number, number];
    const F = transB ? r : c;
    const C = transB ? c : r;
    const weights = new Float64Array(F * C);
    const alpha = n.op === 'Gemm' ? attrFloat(n, 'alpha', 1) : 1;
    for (let f = 0; f < F; f++) for (let k = 0; k < C; k++) weights[f * C + k] = alpha * (transB ? w.data[f * C + k]! : w.data[k * F + f]!);
    let bias: Float64Array | null = null;
    if (b) {
      const beta = attrFloat(n, 'beta', 1);
      bias = new Float64Array(F);
      for (let f = 0; f < F; f++) bias[f] = beta * b.data[b.data.length === 1 ? 0 : f]!;
    }
    return {
      node: n,
      spec: fcSpec(n.name, F, C),
      weights,
      bias,
    };
  }
  return null;
}

function convPads(g: OnnxGraphIR, n: GraphNode, inDims: readonly number[], k: number[], s: number[], d: number[]): number[] {
  const auto = attrString(n, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') return attrInts(n, 'pads', [0, 0, 0, 0]);
  if (auto === 'VALID') return [0, 0, 0, 0];
  const out: number[] = [0, 0, 0, 0];
  for (let a = 0; a < 2; a++) {
    const inS = inDims[2 + a]!;
    const o = Math.ceil(inS / s[a]!);
    const total = Math.max(0, (o - 1) * s[a]! + d[a]! * (k[a]! - 1) + 1 - inS);
    const small = Math.floor(total / 2);
    out[a] = auto === 'SAME_UPPER' ? small : total - small;
    out[a + 2] = total - out[a]!;
  }
  void g;
  return out;
}

/** Reference convolution in float: weights [F, C, kH, kW] over input [C*G, H, W]. */
export function convFloat(spec: LayerSpec, w: ArrayLike<number>, x: ArrayLike<number>, bias: ArrayLike<number> | null): Tensor {
  const { filters: F, channels: C, kernelH: R, kernelW: Q, inH: H, inW: W, groups: G } = spec;
  const { strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, padTop, padLeft } = spec;
  const { outH: oH, outW: oW } = outputSize(spec);
  const out = new Float64Array(F * oH * oW);
  const Fg = F / G;
  for (let f = 0; f < F; f++) {
    const g = Math.floor(f / Fg);
    const b = bias ? bias[f]! : 0;
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++) {
          const xc = (g * C + c) * H;
          const wc = (f * C + c) * R;
          for (let r = 0; r < R; r++) {
            const y = oy * sh + r * dh - padTop;
            if (y < 0 || y >= H) continue;
            for (let q = 0; q < Q; q++) {
              const xx = ox * sw + q * dw - padLeft;
              if (xx < 0 || xx >= W) continue;
              const wv = w[(wc + r) * Q + q]!;
              if (wv !== 0) acc += wv * x[(xc + y) * W + xx]!;
            }
          }
        }
        out[(f * oH + oy) * oW + ox] = acc + b;
      }
    }
  }
  return T(spec.kind === 'fc' ? [1, F] : [1, F, oH, oW], out);
}

function broadcast(a: Tensor, b: Tensor, op: (x: number, y: number) => number): Tensor {
  const rank = Math.max(a.dims.length, b.dims.length);
  const ad = [...Array(rank - a.dims.length).fill(1), ...a.dims];
  const bd = [...Array(rank - b.dims.length).fill(1), ...b.dims];
  const od = ad.map((x, i) => (x === 1 ? bd[i]! : x));
  const out = new Float64Array(size(od));
  const astr = strides(ad).map((s, i) => (ad[i] === 1 ? 0 : s));
  const bstr = strides(bd).map((s, i) => (bd[i] === 1 ? 0 : s));
  const ostr = strides(od);
  for (let i = 0; i < out.length; i++) {
    let rem = i;
    let ai = 0;
    let bi = 0;
    for (let k = 0; k < rank; k++) {
      const q = Math.floor(rem / ostr[k]!);
      rem -= q * ostr[k]!;
      ai += q * astr[k]!;
      bi += q * bstr[k]!;
    }
    out[i] = op(a.data[ai]!, b.data[bi]!);
  }
  return T(od, out);
}
function strides(d: readonly number[]): number[] {
  const s = new Array<number>(d.length).fill(1);
  for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1]! * d[i + 1]!;
  return s;
}
const map = (a: Tensor, f: (x: number) => number): Tensor => T([...a.dims], a.data.map(f));

function pool(x: Tensor, n: GraphNode, kind: 'max' | 'avg'): Tensor {
  const [, C, H, W] = x.dims as [number, number, number, number];
  const k = attrInts(n, 'kernel_shape', [1, 1]);
  const s = attrInts(n, 'strides', [1, 1]);
  const p = attrInts(n, 'pads', [0, 0, 0, 0]);
  const ceil = attrInt(n, 'ceil_mode', 0);
  const rnd = ceil ? Math.ceil : Math.floor;
  const oH = rnd((H + p[0]! + p[2]! - k[0]!) / s[0]!) + 1;
  const oW = rnd((W + p[1]! + p[3]! - k[1]!) / s[1]!) + 1;
  const out = new Float64Array(C * oH * oW);
  const countPad = attrInt(n, 'count_include_pad', 0);
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) {
        let m = kind === 'max' ? -Infinity : 0;
        let cnt = 0;
        for (let r = 0; r < k[0]!; r++) {
          const y = oy * s[0]! + r - p[0]!;
          for (let q = 0; q < k[1]!; q++) {
            const xx = ox * s[1]! + q - p[1]!;
            if (y < 0 || y >= H || xx < 0 || xx >= W) {
              if (countPad) cnt++;
              continue;
            }
            const v = x.data[(c * H + y) * W + xx]!;
            if (kind === 'max') m = Math.max(m, v);
            else m += v;
            cnt++;
          }
        }
        out[(c * oH + oy) * oW + ox] = kind === 'max' ? m : m / Math.max(1, cnt);
      }
    }
  }
  return T([1, C, oH, oW], out);
}

function resize(g: OnnxGraphIR, n: GraphNode, x: Tensor, get: (name: string) => Tensor | undefined): Tensor {
  const [, C, H, W] = x.dims as [number, number, number, number];
  let oH = H;
  let oW = W;
  const sizes = n.op === 'Resize' && n.inputs[3] ? get(n.inputs[3]) : undefined;
  const scales = n.op === 'Upsample' ? get(n.inputs[1]!) : n.inputs[2] ? get(n.inputs[2]) : undefined;
  if (sizes && sizes.data.length === 4) {
    oH = sizes.data[2]!;
    oW = sizes.data[3]!;
  } else if (scales && scales.data.length === 4) {
    oH = Math.floor(H * scales.data[2]!);
    oW = Math.floor(W * scales.data[3]!);
  } else {
    throw new SparsetileError(`${g.file}: ${n.op} node "${n.name}" gives neither 4 scales nor 4 sizes; sparsetile cannot tell its output size.`);
  }
  const mode = attrString(n, 'mode', 'nearest');
  const ctm = attrString(n, 'coordinate_transformation_mode', 'half_pixel');
  const out = new Float64Array(C * oH * oW);
  const src = (o: number, inS: number, outS: number) => {
    if (ctm === 'align_corners') return outS === 1 ? 0 : (o * (inS - 1)) / (outS - 1);
    if (ctm === 'asymmetric') return (o * inS) / outS;
    return ((o + 0.5) * inS) / outS - 0.5;
  };
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) {
        let v: number;
        if (mode === 'nearest') {
          const nm = attrString(n, 'nearest_mode', 'round_prefer_floor');
          const pick = (f: number, inS: number) => Math.min(inS - 1, Math.max(0, nm === 'floor' ? Math.floor(f) : nm === 'ceil' ? Math.ceil(f) : nm === 'round_prefer_ceil' ? Math.round(f) : Math.ceil(f - 0.5)));
          const sy = ctm === 'asymmetric' ? (oy * H) / oH : src(oy, H, oH);
          const sx = ctm === 'asymmetric' ? (ox * W) / oW : src(ox, W, oW);
          v = x.data[(c * H + pick(sy, H)) * W + pick(sx, W)]!;
        } else {
          const sy = Math.min(H - 1, Math.max(0, src(oy, H, oH)));
          const sx = Math.min(W - 1, Math.max(0, src(ox, W, oW)));
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const y1 = Math.min(H - 1, y0 + 1);
          const x1 = Math.min(W - 1, x0 + 1);
          const dy = sy - y0;
          const dx = sx - x0;
          const at = (yy: number, xx: number) => x.data[(c * H + yy) * W + xx]!;
          v = (1 - dy) * ((1 - dx) * at(y0, x0) + dx * at(y0, x1)) + dy * ((1 - dx) * at(y1, x0) + dx * at(y1, x1));
        }
        out[(c * oH + oy) * oW + ox] = v;
      }
    }
  }
  return T([1, C, oH, oW], out);
}

function convTranspose(n: GraphNode, x: Tensor, w: Tensor, b: Tensor | undefined): Tensor {
  const [, Cin, H, W] = x.dims as [number, number, number, number];
  const G = attrInt(n, 'group', 1);
  const [, Fg, kH, kW] = w.dims as [number, number, number, number];
  const s = attrInts(n, 'strides', [1, 1]);
  const p = attrInts(n, 'pads', [0, 0, 0, 0]);
  const d = attrInts(n, 'dilations', [1, 1]);
  const op = attrInts(n, 'output_padding', [0, 0]);
  const oH = (H - 1) * s[0]! - p[0]! - p[2]! + d[0]! * (kH - 1) + 1 + op[0]!;
  const oW = (W - 1) * s[1]! - p[1]! - p[3]! + d[1]! * (kW - 1) + 1 + op[1]!;
  const F = Fg * G;
  const Cg = Cin / G;
  const out = new Float64Array(F * oH * oW);
  for (let c = 0; c < Cin; c++) {
    const g = Math.floor(c / Cg);
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        const v = x.data[(c * H + y) * W + xx]!;
        if (v === 0) continue;
        for (let fo = 0; fo < Fg; fo++) {
          const f = g * Fg + fo;
          for (let r = 0; r < kH; r++) {
            const oy = y * s[0]! + r * d[0]! - p[0]!;
            if (oy < 0 || oy >= oH) continue;
            for (let q = 0; q < kW; q++) {
              const ox = xx * s[1]! + q * d[1]! - p[1]!;
              if (ox < 0 || ox >= oW) continue;
              out[(f * oH + oy) * oW + ox] += v * w.data[((c * Fg + fo) * kH + r) * kW + q]!;
            }
          }
        }
      }
    }
  }
  if (b) for (let f = 0; f < F; f++) for (let i = 0; i < oH * oW; i++) out[f * oH * oW + i] += b.data[f]!;
  return T([1, F, oH, oW], out);
}

export interface RunResult {
  readonly values: Map<string, Tensor>;
  /** Lowered layers in execution order, with their float input. */
  readonly layers: { layer: LayerNode; input: Tensor; output: Tensor }[];
  readonly outputs: Tensor[];
}

export interface RunOptions {
  /** Substitutes a lowered layer's weights (pruned weights for the float reference). */
  weightsFor?: (l: LayerNode) => Float64Array;
  /** Replaces a lowered layer's output (the integer path). */
  hook?: LayerHook;
}

/** What an operator handler sees: its node's inputs, the graph, and the run's lowered layers. */
interface OpContext {
  readonly g: OnnxGraphIR;
  readonly n: GraphNode;
  readonly opts: RunOptions;
  readonly layers: RunResult['layers'];
  /** Input i of the node; an error when no earlier node produced it. */
  need(i: number): Tensor;
  /** A value by name, when it exists. */
  get(name: string): Tensor | undefined;
}

type OpHandler = (cx: OpContext) => Tensor;

/** Conv, Gemm, MatMul: a lowered layer when the weight is constant; MatMul of two run-time values otherwise. */
function layerOp(cx: OpContext): Tensor {
  const { g, n } = cx;
  const x = cx.need(0);
  const ln = layerNodeOf(g, n, n.op === 'Conv' ? x.dims : [size(x.dims)]);
  if (!ln) {
    if (n.op === 'MatMul') return matMul(x, cx.need(1));
    throw new SparsetileError(`${g.file}: ${n.op} node "${n.name}" has a weight "${n.inputs[1]}" computed at run time; sparsetile needs constant weights (an initializer or a Constant node).`);
  }
  if (n.op === 'Conv' && ln.spec.channels * ln.spec.groups !== x.dims[1]) {
    throw new SparsetileError(`${g.file}: Conv node "${n.name}" expects ${ln.spec.channels * ln.spec.groups} input channels but receives a tensor of shape [${x.dims.join(', ')}].`);
  }
  const w = cx.opts.weightsFor ? cx.opts.weightsFor(ln) : ln.weights;
  const flat = n.op === 'Conv' ? x : T([ln.spec.channels], x.data);
  let out = cx.opts.hook?.(ln, flat) ?? convFloat(ln.spec, w, flat.data, ln.bias);
  if (n.op !== 'Conv') out = T([...x.dims.slice(0, -1), ln.spec.filters], out.data);
  cx.layers.push({ layer: ln, input: flat, output: out });
  return out;
}

function matMul(a: Tensor, b: Tensor): Tensor {
  const K = a.dims[a.dims.length - 1]!;
  const M = size(a.dims) / K;
  const Nn = b.dims[b.dims.length - 1]!;
  const o = new Float64Array(M * Nn);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) for (let j = 0; j < Nn; j++) o[i * Nn + j] += a.data[i * K + k]! * b.data[k * Nn + j]!;
  return T([...a.dims.slice(0, -1), Nn], o);
}

function batchNorm({ n, need }: OpContext): Tensor {
  const x = need(0);
  const [sc, bb, mean, vr] = [1, 2, 3, 4].map((i) => need(i)) as [Tensor, Tensor, Tensor, Tensor];
  const eps = attrFloat(n, 'epsilon', 1e-5);
  const C = x.dims[1]!;
  const inner = size(x.dims) / C;
  const o = new Float64Array(x.data.length);
  for (let c = 0; c < C; c++) {
    const k = sc.data[c]! / Math.sqrt(vr.data[c]! + eps);
    for (let i = 0; i < inner; i++) o[c * inner + i] = (x.data[c * inner + i]! - mean.data[c]!) * k + bb.data[c]!;
  }
  return T([...x.dims], o);
}

/** An elementwise function of input 0. */
const unary = (f: (n: GraphNode) => (v: number) => number): OpHandler => (cx) => map(cx.need(0), f(cx.n));
/** An elementwise function of inputs 0 and 1, with numpy broadcasting. */
const binary = (f: (a: number, b: number) => number): OpHandler => (cx) => broadcast(cx.need(0), cx.need(1), f);
/** Returns input 0 unchanged (inference-time identities). */
const identity: OpHandler = (cx) => cx.need(0);

function clip({ n, need, get }: OpContext): Tensor {
  const lo = n.inputs[1] ? get(n.inputs[1])?.data[0] ?? -Infinity : attrFloat(n, 'min', -Infinity);
  const hi = n.inputs[2] ? get(n.inputs[2])?.data[0] ?? Infinity : attrFloat(n, 'max', Infinity);
  return map(need(0), (v) => Math.min(hi, Math.max(lo, v)));
}

function globalAveragePool({ need }: OpContext): Tensor {
  const x = need(0);
  const C = x.dims[1]!;
  const inner = size(x.dims) / C;
  const o = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = 0; i < inner; i++) s += x.data[c * inner + i]!;
    o[c] = s / inner;
  }
  return T([1, C, 1, 1], o);
}

function concat({ n, need }: OpContext): Tensor {
  const parts = n.inputs.map((_, i) => need(i));
  const rank = parts[0]!.dims.length;
  const axis = (attrInt(n, 'axis', 0) + rank) % rank;
  const od = [...parts[0]!.dims];
  od[axis] = parts.reduce((a, p) => a + p.dims[axis]!, 0);
  const outer = size(od.slice(0, axis));
  const o = new Float64Array(size(od));
  let off = 0;
  for (let i = 0; i < outer; i++) {
    for (const p of parts) {
      const blk = size(p.dims.slice(axis));
      o.set(p.data.subarray(i * blk, (i + 1) * blk), off);
      off += blk;
    }
  }
  return T(od, o);
}

function reshape({ need }: OpContext): Tensor {
  const x = need(0);
  const shp = Array.from(need(1).data);
  const dims = shp.map((v, i) => (v === 0 ? x.dims[i]! : v));
  const known = dims.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
  return T(dims.map((v) => (v === -1 ? size(x.dims) / known : v)), x.data);
}

function flatten({ n, need }: OpContext): Tensor {
  const x = need(0);
  const axis = attrInt(n, 'axis', 1);
  return T([size(x.dims.slice(0, axis)), size(x.dims.slice(axis))], x.data);
}

function squeeze({ need }: OpContext): Tensor {
  const x = need(0);
  const d = x.dims.filter((v) => v !== 1);
  return T(d.length ? d : [1], x.data);
}

function unsqueeze({ n, need }: OpContext): Tensor {
  const x = need(0);
  const axes = n.inputs[1] ? Array.from(need(1).data) : attrInts(n, 'axes', [0]);
  const d = [...x.dims];
  for (const a of axes.map((a) => (a < 0 ? a + d.length + axes.length : a)).sort((p, q) => p - q)) d.splice(a, 0, 1);
  return T(d, x.data);
}

function slice({ g, n, need }: OpContext): Tensor {
  const x = need(0);
  const starts = n.inputs[1] ? Array.from(need(1).data) : attrInts(n, 'starts', []);
  const ends = n.inputs[2] ? Array.from(need(2).data) : attrInts(n, 'ends', []);
  const steps = n.inputs[4] ? Array.from(need(4).data) : starts.map(() => 1);
  if (x.dims.length !== 1 || steps.some((s) => s !== 1)) throw new SparsetileError(`${g.file}: Slice node "${n.name}" slices a ${x.dims.length}-D tensor or with steps; sparsetile supports 1-D shape slicing only.`);
  const len = x.dims[0]!;
  const clamp = (v: number) => Math.max(0, Math.min(len, v < 0 ? v + len : v));
  const s0 = clamp(starts[0]!);
  const e0 = clamp(ends[0]!);
  return T([Math.max(0, e0 - s0)], x.data.slice(s0, Math.max(s0, e0)));
}

function softmax({ need }: OpContext): Tensor {
  const x = need(0);
  const last = x.dims[x.dims.length - 1]!;
  const o = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i += last) {
    let m = -Infinity;
    for (let j = 0; j < last; j++) m = Math.max(m, x.data[i + j]!);
    let s = 0;
    for (let j = 0; j < last; j++) s += (o[i + j] = Math.exp(x.data[i + j]! - m));
    for (let j = 0; j < last; j++) o[i + j]! /= s;
  }
  return T([...x.dims], o);
}

/** One handler per operator; SUPPORTED_OPS lists the same names for the error message. */
const OPS: Record<(typeof SUPPORTED_OPS)[number], OpHandler> = {
  Conv: layerOp,
  Gemm: layerOp,
  MatMul: layerOp,
  ConvTranspose: ({ n, need, get }) => convTranspose(n, need(0), need(1), n.inputs[2] ? get(n.inputs[2]) : undefined),
  BatchNormalization: batchNorm,
  Relu: unary(() => (v) => (v > 0 ? v : 0)),
  LeakyRelu: unary((n) => { const a = attrFloat(n, 'alpha', 0.01); return (v) => (v > 0 ? v : a * v); }),
  Tanh: unary(() => Math.tanh),
  Sigmoid: unary(() => (v) => 1 / (1 + Math.exp(-v))),
  HardSigmoid: unary((n) => { const a = attrFloat(n, 'alpha', 0.2); const b = attrFloat(n, 'beta', 0.5); return (v) => Math.max(0, Math.min(1, a * v + b)); }),
  HardSwish: unary(() => (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5))),
  Clip: clip,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  GlobalAveragePool: globalAveragePool,
  MaxPool: ({ n, need }) => pool(need(0), n, 'max'),
  AveragePool: ({ n, need }) => pool(need(0), n, 'avg'),
  Resize: ({ g, n, need, get }) => resize(g, n, need(0), get),
  Upsample: ({ g, n, need, get }) => resize(g, n, need(0), get),
  Concat: concat,
  Reshape: reshape,
  Flatten: flatten,
  Shape: ({ need }) => { const x = need(0); return T([x.dims.length], Float64Array.from(x.dims)); },
  Cast: identity,
  Slice: slice,
  Softmax: softmax,
  Identity: identity,
  Dropout: identity,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
};

const isSupported = (op: string): op is (typeof SUPPORTED_OPS)[number] => Object.hasOwn(OPS, op);

/** Runs the graph on one input; `opts` may substitute lowered layers' weights or outputs. */
export function runGraph(g: OnnxGraphIR, input: Tensor, opts: RunOptions = {}): RunResult {
  const values = new Map<string, Tensor>(g.constants);
  const inp = g.inputs[0];
  if (!inp) throw new SparsetileError(`${g.file}: the graph has no non-constant input.`);
  values.set(inp.name, input);
  const layers: RunResult['layers'] = [];
  const get = (name: string) => values.get(name);
  for (const n of g.nodes) {
    if (!isSupported(n.op)) {
      throw new SparsetileError(`${g.file}: node "${n.name}" uses operator ${n.op}, which sparsetile's importer does not support. Supported operators: ${SUPPORTED_OPS.join(', ')}, Constant.`);
    }
    const need = (i: number): Tensor => {
      const t = values.get(n.inputs[i] ?? '');
      if (!t) throw new SparsetileError(`${g.file}: node "${n.name}" (${n.op}) reads "${n.inputs[i]}", which no earlier node produces. The graph is not in topological order or is damaged.`);
      return t;
    };
    values.set(n.outputs[0]!, OPS[n.op]({ g, n, opts, layers, need, get }));
  }
  return { values, layers, outputs: g.outputs.map((o) => values.get(o)!).filter(Boolean) };
}
