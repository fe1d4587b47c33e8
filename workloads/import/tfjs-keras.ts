/**
 * TF.js layers-models: the Keras topology becomes the graph IR the ONNX importer produces (NCHW,
 * ONNX operator names, weights already in sparsetile layout), so the whole prune / quantise / float
 * reference / integer forward pipeline runs on it unchanged (workloads/import/pipeline.ts).
 *
 * `KerasGraph` holds the graph being built and the helpers every layer needs (weights by name,
 * constants, activations, convolutions); `LAYERS` has one small handler per Keras layer class.
 */
import { SparsetileError } from '../../contract/errors.ts';
import type { GraphNode, OnnxGraphIR, Tensor } from './onnx.ts';
import { denseToFc, depthwiseToFcrq, hwioToFcrq, prod, samePads, type TfjsWeight } from './tfjs-weights.ts';

type Attr = GraphNode['attrs'] extends ReadonlyMap<string, infer A> ? A : never;
const aInts = (name: string, v: number[]): Attr => ({ name, type: 7, ints: v }) as Attr;
const aInt = (name: string, v: number): Attr => ({ name, type: 2, i: v }) as Attr;
const aFloat = (name: string, v: number): Attr => ({ name, type: 1, f: v }) as Attr;

/** A value in the translated graph: NCHW shape without the batch ([C, H, W] or [N]). */
interface Val { v: string; shape: number[]; hwc: number[] | null }

export const SUPPORTED_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'Flatten', 'Reshape (to 1-D)', 'Activation', 'ReLU', 'LeakyReLU', 'Softmax',
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'BatchNormalization', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'ZeroPadding2D', 'Add', 'Multiply', 'Concatenate',
] as const;

interface KerasLayer { class_name: string; name?: string; config: Record<string, unknown>; inbound_nodes?: unknown[] }

function pair(v: unknown, d: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? d), Number(v[1] ?? v[0] ?? d)];
  if (typeof v === 'number') return [v, v];
  return [d, d];
}

/** The result of a layers-model translation. */
export interface KerasTranslation {
  readonly graph: OnnxGraphIR;
  readonly assumptions: string[];
  /** Manifest weights no supported layer used. */
  readonly unused: string[];
  readonly modelClass: string;
  readonly kerasLayers: number;
}

/** The graph being built, and the helpers layer handlers share. */
class KerasGraph {
  readonly assumptions: string[] = [];
  readonly nodes: GraphNode[] = [];
  readonly constants = new Map<string, Tensor>();
  readonly vals = new Map<string, Val>();
  readonly usedWeights = new Set<string>();
  input: { name: string; dims: (number | null)[] } | null = null;
  last: Val | null = null;
  private uid = 0;

  constructor(
    readonly file: string,
    private readonly weights: Map<string, TfjsWeight>,
    private readonly inputShape: number[] | undefined,
  ) {}

  private fresh(base: string): string {
    return `${base}#${this.uid++}`;
  }

  /** Appends a node; returns the name of its output. */
  add(op: string, name: string, inputs: string[], attrs: Attr[] = []): string {
    const out = this.fresh(name);
    this.nodes.push({ name, op, inputs, outputs: [out], attrs: new Map(attrs.map((a) => [a.name, a])) });
    return out;
  }

  constant(name: string, dims: number[], data: Float64Array): string {
    const key = this.fresh(name);
    this.constants.set(key, { dims, data });
    return key;
  }

  fail(l: KerasLayer, why: string): never {
    throw new SparsetileError(`${this.file}: layer "${l.config.name ?? l.name}" (${l.class_name}) ${why}`);
  }

  /** The manifest weight `<layer>/<w>` (or one ending in it), checked against `expect` (null: any size). */
  weight(l: KerasLayer, lname: string, w: string, expect?: (number | null)[]): TfjsWeight {
    const want = `${lname}/${w}`;
    let hit = this.weights.get(want);
    if (!hit) {
      const cand = [...this.weights.keys()].find((k) => k.endsWith(`/${want}`) && !this.usedWeights.has(k));
      if (cand) hit = this.weights.get(cand);
    }
    if (!hit) {
      const names = [...this.weights.keys()];
      return this.fail(l, `needs weight "${want}", which the weights manifest does not list (it lists ${names.slice(0, 8).map((n) => `"${n}"`).join(', ')}${names.length > 8 ? `, ... ${names.length} in all` : ''}).`);
    }
    if (expect && (hit.dims.length !== expect.length || expect.some((e, i) => e !== null && e !== hit.dims[i]))) {
      this.fail(l, `expects weight "${hit.name}" of shape [${expect.map((e) => e ?? '?').join(', ')}], but the manifest gives [${hit.dims.join(', ')}]: the topology and the weights do not match.`);
    }
    this.usedWeights.add(hit.name);
    return hit;
  }

  /** The bias of a layer with `use_bias`, or null. */
  bias(l: KerasLayer, lname: string, F: number): TfjsWeight | null {
    return l.config.use_bias === false ? null : this.weight(l, lname, 'bias', [F]);
  }

  unusedWeights(): string[] {
    return [...this.weights.keys()].filter((k) => !this.usedWeights.has(k));
  }

  makeInput(l: KerasLayer, shape0: unknown[]): Val {
    if (this.input) this.fail(l, 'is a second model input; sparsetile imports single-input models.');
    const shp = shape0.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : null));
    if (shp.length === 3) return this.imageInput(l, shp);
    if (shp.length === 1 && shp[0] !== null) return this.flatInput(shp[0]);
    return this.fail(l, `has input shape ${JSON.stringify(shape0)}; sparsetile imports image models (batch, H, W, C) and flat (batch, N) inputs.`);
  }

  private imageInput(l: KerasLayer, shp: (number | null)[]): Val {
    const C = shp[2] as number | null;
    let [H, W] = shp as [number | null, number | null];
    if (C === null) this.fail(l, 'has an input with an unknown channel count.');
    const inputShape = this.inputShape;
    if (inputShape) {
      if (inputShape.length !== 3 || inputShape[0] !== C) throw new SparsetileError(`--input-shape must be ${C}xHxW for ${this.file} (its input has ${C} channels), got ${inputShape.join('x')}.`);
      [, H, W] = inputShape as [number, number, number];
    } else if (H === null || W === null) {
      this.assumptions.push(`the input size is dynamic: assumed ${H ?? 64} x ${W ?? 64} (set it with --input-shape ${C}xHxW)`);
      H ??= 64;
      W ??= 64;
    }
    this.input = { name: 'input', dims: [1, C, H, W] };
    return { v: 'input', shape: [C!, H!, W!], hwc: null };
  }

  private flatInput(N: number): Val {
    const s = Math.round(Math.sqrt(N));
    const s3 = Math.round(Math.sqrt(N / 3));
    const [C, S] = s * s === N ? [1, s] : 3 * s3 * s3 === N ? [3, s3] : [N, 1];
    this.input = { name: 'input', dims: [1, C, S, S] };
    this.assumptions.push(S > 1 ? `the input is a flat vector of ${N}: treated as a ${S} x ${S}${C > 1 ? ` x ${C}` : ''} image flattened in TF (HWC) order` : `the input is a flat vector of ${N}, fed as ${N} channels of a 1 x 1 image`);
    const flat = this.add('Flatten', 'input/flatten', ['input'], [aInt('axis', 1)]);
    return { v: flat, shape: [N], hwc: [S, S, C] };
  }

  /** A Keras activation (a name or a serialized activation object) applied to `x`. */
  act(l: KerasLayer, x: Val, a: unknown, base: string): Val {
    const name = typeof a === 'string' ? a : a && typeof a === 'object' ? String((a as { class_name?: string; config?: { name?: string } }).config?.name ?? (a as { class_name?: string }).class_name) : 'linear';
    const to = (v: string): Val => ({ ...x, v });
    switch (name.toLowerCase()) {
      case 'linear': case 'none': case 'null': case 'undefined': return x;
      case 'relu': return to(this.add('Relu', `${base}/relu`, [x.v]));
      case 'relu6': return to(this.add('Clip', `${base}/relu6`, [x.v], [aFloat('min', 0), aFloat('max', 6)]));
      case 'sigmoid': return to(this.add('Sigmoid', `${base}/sigmoid`, [x.v]));
      case 'tanh': return to(this.add('Tanh', `${base}/tanh`, [x.v]));
      case 'hard_sigmoid': case 'hardsigmoid': return to(this.add('HardSigmoid', `${base}/hard_sigmoid`, [x.v], [aFloat('alpha', 0.2), aFloat('beta', 0.5)]));
      case 'swish': case 'silu': return to(this.add('Mul', `${base}/swish`, [x.v, this.add('Sigmoid', `${base}/swish_sigmoid`, [x.v])]));
      case 'softmax':
        if (x.shape.length !== 1) this.fail(l, 'applies softmax to a feature map; sparsetile supports softmax on flat vectors only.');
        return to(this.add('Softmax', `${base}/softmax`, [x.v], [aInt('axis', -1)]));
      default: return this.fail(l, `uses activation "${name}", which sparsetile's TF.js importer does not support (linear, relu, relu6, sigmoid, tanh, hard_sigmoid, swish, softmax).`);
    }
  }

  /** Zero rows/columns around a [C, H, W] map, built from Concat with zero constants. */
  zeroPad(x: Val, base: string, t: number, b: number, le: number, ri: number): Val {
    const C = x.shape[0]!;
    let [, H, W] = x.shape as [number, number, number];
    let v = x.v;
    const cat = (axis: number, before: number, after: number) => {
      const parts: string[] = [];
      const zeros = (n: number) => this.constant(`${base}/zeros`, axis === 2 ? [1, C, n, W] : [1, C, H, n], new Float64Array(C * n * (axis === 2 ? W : H)));
      if (before) parts.push(zeros(before));
      parts.push(v);
      if (after) parts.push(zeros(after));
      if (parts.length > 1) v = this.add('Concat', `${base}/pad`, parts, [aInt('axis', axis)]);
      if (axis === 2) H += before + after;
      else W += before + after;
    };
    cat(2, t, b);
    cat(3, le, ri);
    return { v, shape: [C, H, W], hwc: null };
  }

  need4(l: KerasLayer, x: Val): void {
    if (x.shape.length !== 3) this.fail(l, `receives a flat input of ${x.shape[0]}; it needs a (H, W, C) feature map.`);
    if (l.config.data_format === 'channels_first') this.fail(l, 'uses data_format channels_first; sparsetile reads channels_last TF.js models.');
  }

  /** A Conv node with the layer's strides, dilations and padding; asymmetric 'same' padding is appended by the host. */
  conv(l: KerasLayer, x: Val, lname: string, nodeName: string, k: { w: Float64Array; F: number; C: number; kh: number; kw: number; groups: number }, bias: TfjsWeight | null): Val {
    const { F, C, kh, kw, groups } = k;
    const [, H, W] = x.shape as [number, number, number];
    const [sh, sw] = pair(l.config.strides, 1);
    const [dh, dw] = pair(l.config.dilation_rate, 1);
    const padding = String(l.config.padding ?? 'valid');
    let xin = x;
    let ph = 0;
    let pw = 0;
    if (padding === 'same') {
      const a = samePads(H, kh, sh, dh);
      const b = samePads(W, kw, sw, dw);
      ph = a[0];
      pw = b[0];
      if (a[1] !== a[0] || b[1] !== b[0]) {
        xin = this.zeroPad(x, `${lname}/same_pad`, 0, a[1] - a[0], 0, b[1] - b[0]);
        this.assumptions.push(`"${lname}": TF 'same' padding is asymmetric here (top/left ${a[0]}/${b[0]}, bottom/right ${a[1]}/${b[1]}): the host appends the extra zero row/column, the tile pads ${ph}x${pw} symmetrically`);
      }
    } else if (padding !== 'valid') this.fail(l, `uses padding "${padding}"; sparsetile supports 'same' and 'valid'.`);
    const wv = this.constant(`${nodeName}/W`, [F, C, kh, kw], k.w);
    const inputs = [xin.v, wv];
    if (bias) inputs.push(this.constant(`${nodeName}/B`, [F], Float64Array.from(bias.data)));
    const out = this.add('Conv', nodeName, inputs, [aInts('strides', [sh, sw]), aInts('pads', [ph, pw, ph, pw]), aInts('dilations', [dh, dw]), aInt('group', groups), aInts('kernel_shape', [kh, kw])]);
    const [, Hp, Wp] = xin.shape as [number, number, number];
    const oH = Math.floor((Hp + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const oW = Math.floor((Wp + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    if (oH < 1 || oW < 1) this.fail(l, `produces an empty output from a ${H} x ${W} input; give a larger --input-shape.`);
    return { v: out, shape: [F, oH, oW], hwc: null };
  }

  pool(l: KerasLayer, x: Val, lname: string, kind: 'MaxPool' | 'AveragePool'): Val {
    this.need4(l, x);
    const [C, H, W] = x.shape as [number, number, number];
    const [kh, kw] = pair(l.config.pool_size, 2);
    const [sh, sw] = l.config.strides === null || l.config.strides === undefined ? [kh, kw] : pair(l.config.strides, kh);
    let pads = [0, 0, 0, 0];
    if (l.config.padding === 'same') {
      const a = samePads(H, kh, sh, 1);
      const b = samePads(W, kw, sw, 1);
      pads = [a[0], b[0], a[1], b[1]];
    }
    const out = this.add(kind, lname, [x.v], [aInts('kernel_shape', [kh, kw]), aInts('strides', [sh, sw]), aInts('pads', pads)]);
    const oH = Math.floor((H + pads[0]! + pads[2]! - kh) / sh) + 1;
    const oW = Math.floor((W + pads[1]! + pads[3]! - kw) / sw) + 1;
    return { v: out, shape: [C, oH, oW], hwc: null };
  }
}

/** What a layer handler gets: the graph, the layer, its config, its name and its inputs (first: `x`). */
interface LayerCall { b: KerasGraph; l: KerasLayer; c: Record<string, unknown>; lname: string; x: Val; ins: Val[] }
type LayerHandler = (call: LayerCall) => Val;

function conv2d({ b, l, c, lname, x }: LayerCall): Val {
  b.need4(l, x);
  const [kh, kw] = pair(c.kernel_size, 1);
  const groups = Number(c.groups ?? 1);
  const F = Number(c.filters);
  const Cin = x.shape[0]!;
  if (Cin % groups !== 0 || F % groups !== 0) b.fail(l, `has groups ${groups}, which does not divide its ${Cin} input channels and ${F} filters.`);
  const k = b.weight(l, lname, 'kernel', [kh, kw, Cin / groups, F]);
  const y = b.conv(l, x, lname, lname, { w: hwioToFcrq(k.data, k.dims), F, C: Cin / groups, kh, kw, groups }, b.bias(l, lname, F));
  return b.act(l, y, c.activation, lname);
}

function depthwiseConv2d({ b, l, c, lname, x }: LayerCall): Val {
  b.need4(l, x);
  const [kh, kw] = pair(c.kernel_size, 1);
  const M = Number(c.depth_multiplier ?? 1);
  const Cin = x.shape[0]!;
  const k = b.weight(l, lname, 'depthwise_kernel', [kh, kw, Cin, M]);
  const y = b.conv(l, x, lname, lname, { w: depthwiseToFcrq(k.data, k.dims), F: Cin * M, C: 1, kh, kw, groups: Cin }, b.bias(l, lname, Cin * M));
  return b.act(l, y, c.activation, lname);
}

function separableConv2d({ b, l, c, lname, x }: LayerCall): Val {
  b.need4(l, x);
  const [kh, kw] = pair(c.kernel_size, 1);
  const M = Number(c.depth_multiplier ?? 1);
  const F = Number(c.filters);
  const Cin = x.shape[0]!;
  const dk = b.weight(l, lname, 'depthwise_kernel', [kh, kw, Cin, M]);
  const pk = b.weight(l, lname, 'pointwise_kernel', [1, 1, Cin * M, F]);
  const bias = b.bias(l, lname, F);
  const d = b.conv(l, x, lname, `${lname}/depthwise`, { w: depthwiseToFcrq(dk.data, dk.dims), F: Cin * M, C: 1, kh, kw, groups: Cin }, null);
  const pl: KerasLayer = { ...l, config: { ...c, strides: 1, dilation_rate: 1, padding: 'valid' } };
  const y = b.conv(pl, d, lname, `${lname}/pointwise`, { w: hwioToFcrq(pk.data, pk.dims), F, C: Cin * M, kh: 1, kw: 1, groups: 1 }, bias);
  return b.act(l, y, c.activation, lname);
}

function dense({ b, l, c, lname, x }: LayerCall): Val {
  if (x.shape.length !== 1) b.fail(l, `receives a [${x.shape.join(', ')}] feature map; sparsetile lowers Dense layers on flat inputs (put a Flatten or global pooling before it).`);
  const F = Number(c.units);
  const I = x.shape[0]!;
  const k = b.weight(l, lname, 'kernel', [I, F]);
  const bias = b.bias(l, lname, F);
  if (x.hwc && x.hwc[0]! * x.hwc[1]! > 1 && x.hwc[2]! > 1) b.assumptions.push(`"${lname}": Dense after Flatten: kernel rows permuted from TF's H,W,C flattening order to the C,H,W order of the tile`);
  const inputs = [x.v, b.constant(`${lname}/W`, [F, I], denseToFc(k.data, k.dims, x.hwc))];
  if (bias) inputs.push(b.constant(`${lname}/B`, [F], Float64Array.from(bias.data)));
  const y = { v: b.add('Gemm', lname, inputs, [aInt('transB', 1)]), shape: [F], hwc: null };
  return b.act(l, y, c.activation, lname);
}

function flatten({ b, l, lname, x }: LayerCall): Val {
  if (x.shape.length === 1) return x;
  b.need4(l, x);
  const [C, H, W] = x.shape as [number, number, number];
  return { v: b.add('Flatten', lname, [x.v], [aInt('axis', 1)]), shape: [C * H * W], hwc: [H, W, C] };
}

function reshape({ b, l, c, lname, x }: LayerCall): Val {
  const ts = (c.target_shape as unknown[] | undefined) ?? [];
  const n = prod(x.shape);
  if (ts.length === 1 && (ts[0] === -1 || ts[0] === n)) {
    return x.shape.length === 1 ? x : { v: b.add('Flatten', lname, [x.v], [aInt('axis', 1)]), shape: [n], hwc: [x.shape[1]!, x.shape[2]!, x.shape[0]!] };
  }
  return b.fail(l, `reshapes to ${JSON.stringify(ts)}; sparsetile supports Reshape to a flat vector only.`);
}

function relu({ b, l, c, lname, x }: LayerCall): Val {
  const mv = c.max_value;
  const ns = Number(c.negative_slope ?? 0);
  if (Number(c.threshold ?? 0) !== 0) b.fail(l, 'has a non-zero threshold, which sparsetile does not support.');
  const y = { ...x, v: ns ? b.add('LeakyRelu', lname, [x.v], [aFloat('alpha', ns)]) : b.add('Relu', lname, [x.v]) };
  return typeof mv === 'number' ? { ...y, v: b.add('Clip', `${lname}/max`, [y.v], [aFloat('min', ns ? -Infinity : 0), aFloat('max', mv)]) } : y;
}

function batchNormalization({ b, l, c, lname, x }: LayerCall): Val {
  const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis ?? -1;
  const C = x.shape[0]!;
  if (!(axis === -1 || axis === (x.shape.length === 1 ? 1 : 3))) b.fail(l, `normalises axis ${JSON.stringify(c.axis)}; sparsetile supports the channel axis (-1).`);
  const param = (w: string) => Float64Array.from(b.weight(l, lname, w, [C]).data);
  const gamma = c.scale === false ? Float64Array.from({ length: C }, () => 1) : param('gamma');
  const beta = c.center === false ? new Float64Array(C) : param('beta');
  const mean = param('moving_mean');
  const vr = param('moving_variance');
  const ins = [x.v, b.constant(`${lname}/gamma`, [C], gamma), b.constant(`${lname}/beta`, [C], beta), b.constant(`${lname}/mean`, [C], mean), b.constant(`${lname}/var`, [C], vr)];
  return { ...x, v: b.add('BatchNormalization', lname, ins, [aFloat('epsilon', Number(c.epsilon ?? 1e-3))]) };
}

function globalPooling({ b, l, c, lname, x }: LayerCall): Val {
  b.need4(l, x);
  const [C, H, W] = x.shape as [number, number, number];
  const p = /Max/.test(l.class_name) ? b.add('MaxPool', lname, [x.v], [aInts('kernel_shape', [H, W]), aInts('strides', [1, 1])]) : b.add('GlobalAveragePool', lname, [x.v]);
  if (c.keepdims === true) return { v: p, shape: [C, 1, 1], hwc: null };
  return { v: b.add('Flatten', `${lname}/flatten`, [p], [aInt('axis', 1)]), shape: [C], hwc: null };
}

function zeroPadding2d({ b, l, c, lname, x }: LayerCall): Val {
  b.need4(l, x);
  const p = c.padding;
  let t: number, bo: number, le: number, ri: number;
  if (typeof p === 'number') [t, bo, le, ri] = [p, p, p, p];
  else if (Array.isArray(p) && Array.isArray(p[0])) [[t, bo], [le, ri]] = p as [[number, number], [number, number]];
  else {
    [t, le] = pair(p, 1);
    [bo, ri] = [t, le];
  }
  return b.zeroPad(x, lname, t, bo, le, ri);
}

function merge({ b, l, lname, x, ins }: LayerCall): Val {
  if (ins.length < 2) b.fail(l, 'has fewer than two inputs.');
  let v = x.v;
  for (const o of ins.slice(1)) {
    if (o.shape.join() !== x.shape.join()) b.fail(l, `combines inputs of shapes [${x.shape.join(', ')}] and [${o.shape.join(', ')}].`);
    v = b.add(l.class_name === 'Add' ? 'Add' : 'Mul', lname, [v, o.v]);
  }
  return { ...x, v };
}

function concatenate({ b, l, c, lname, x, ins }: LayerCall): Val {
  const axis = Number(c.axis ?? -1);
  if (!(axis === -1 || axis === x.shape.length)) b.fail(l, `concatenates along axis ${axis}; sparsetile supports the channel axis (-1).`);
  if (ins.some((o) => o.shape.length !== x.shape.length || o.shape.slice(1).join() !== x.shape.slice(1).join())) b.fail(l, 'concatenates inputs whose other dimensions differ.');
  if (x.shape.length === 1 && ins.some((o) => o.hwc && o.hwc[0]! * o.hwc[1]! > 1)) b.fail(l, 'concatenates flattened feature maps, whose TF flattening order sparsetile does not track.');
  const tot = ins.reduce((a, o) => a + o.shape[0]!, 0);
  return { v: b.add('Concat', lname, ins.map((o) => o.v), [aInt('axis', 1)]), shape: [tot, ...x.shape.slice(1)], hwc: null };
}

/** Inference-time identities. */
const passThrough: LayerHandler = ({ x }) => x;

/** One handler per Keras layer class (and its aliases). */
const LAYERS: Record<string, LayerHandler> = {
  InputLayer: ({ b, l }) => b.fail(l, 'is a second input layer; sparsetile imports single-input models.'),
  Conv2D: conv2d,
  Conv2d: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Dense: dense,
  Flatten: flatten,
  Reshape: reshape,
  Activation: ({ b, l, c, lname, x }) => b.act(l, x, c.activation, lname),
  ReLU: relu,
  LeakyReLU: ({ b, c, lname, x }) => ({ ...x, v: b.add('LeakyRelu', lname, [x.v], [aFloat('alpha', Number(c.alpha ?? c.negative_slope ?? 0.3))]) }),
  Softmax: ({ b, l, lname, x }) => b.act(l, x, 'softmax', lname),
  Dropout: passThrough,
  SpatialDropout2D: passThrough,
  GaussianNoise: passThrough,
  GaussianDropout: passThrough,
  AlphaDropout: passThrough,
  ActivityRegularization: passThrough,
  BatchNormalization: batchNormalization,
  MaxPooling2D: ({ b, l, lname, x }) => b.pool(l, x, lname, 'MaxPool'),
  MaxPool2D: ({ b, l, lname, x }) => b.pool(l, x, lname, 'MaxPool'),
  AveragePooling2D: ({ b, l, lname, x }) => b.pool(l, x, lname, 'AveragePool'),
  AvgPool2D: ({ b, l, lname, x }) => b.pool(l, x, lname, 'AveragePool'),
  GlobalAveragePooling2D: globalPooling,
  GlobalAvgPool2D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  GlobalMaxPool2D: globalPooling,
  ZeroPadding2D: zeroPadding2d,
  Add: merge,
  Multiply: merge,
  Concatenate: concatenate,
};

/** Names of the layers a layer reads: the old ([[name, node, tensor, kwargs]]) and the Keras 3 (args with keras_history) forms. */
function inboundOf(b: KerasGraph, l: KerasLayer): string[] {
  const ib = l.inbound_nodes ?? [];
  if (ib.length === 0) return [];
  if (ib.length > 1) b.fail(l, 'is called more than once (a shared layer); sparsetile imports each layer applied once.');
  const node = ib[0] as unknown;
  if (Array.isArray(node)) return node.map((e) => String((e as unknown[])[0]));
  const names: string[] = [];
  const walk = (a: unknown) => {
    if (Array.isArray(a)) a.forEach(walk);
    else if (a && typeof a === 'object') {
      const h = (a as { config?: { keras_history?: unknown[] } }).config?.keras_history;
      if (h) names.push(String(h[0]));
    }
  };
  walk((node as { args?: unknown[] }).args ?? []);
  return names;
}

/** The inputs of a layer; null when the layer is the model input itself (nothing to translate). */
function inputsOf(b: KerasGraph, l: KerasLayer, lname: string, sequential: boolean): Val[] | null {
  const c = l.config ?? {};
  if (sequential) {
    if (!b.last) {
      const bis = (c.batch_input_shape ?? c.batch_shape) as unknown[] | undefined;
      if (!bis) b.fail(l, 'is the first layer of a Sequential model but gives no batch_input_shape; sparsetile cannot tell the input size.');
      b.last = b.makeInput(l, bis);
      if (l.class_name === 'InputLayer') {
        b.vals.set(lname, b.last);
        return null;
      }
    }
    return [b.last];
  }
  if (l.class_name === 'InputLayer') {
    b.vals.set(lname, b.makeInput(l, (c.batch_input_shape ?? c.batch_shape) as unknown[]));
    return null;
  }
  const ins = inboundOf(b, l).map((n) => b.vals.get(n) ?? b.fail(l, `reads layer "${n}", which does not come before it.`));
  if (ins.length === 0) b.fail(l, 'has no inbound layer.');
  return ins;
}

/** Translates a Sequential or functional (Model / Functional) Keras topology into the graph IR. */
export function fromKeras(file: string, topo0: Record<string, unknown>, weights: Map<string, TfjsWeight>, inputShape: number[] | undefined): KerasTranslation {
  const topo = (topo0.model_config ?? topo0) as { class_name?: string; config?: unknown };
  const cls = topo.class_name;
  const cfg = topo.config as { layers?: KerasLayer[]; output_layers?: unknown } | KerasLayer[] | undefined;
  const klayers: KerasLayer[] | undefined = Array.isArray(cfg) ? cfg : cfg?.layers;
  if (!klayers || !Array.isArray(klayers)) throw new SparsetileError(`${file}: modelTopology is a ${cls ?? 'model'} without a layer list; sparsetile reads Keras Sequential and functional (Model) layers-models.`);
  const sequential = cls === 'Sequential';
  if (!sequential && cls !== 'Model' && cls !== 'Functional') throw new SparsetileError(`${file}: modelTopology is a ${String(cls)}; sparsetile reads Keras Sequential and functional (Model / Functional) layers-models.`);

  const b = new KerasGraph(file, weights, inputShape);
  klayers.forEach((l, li) => {
    const c = l.config ?? {};
    const lname = String(c.name ?? l.name ?? `${l.class_name}_${li}`);
    const ins = inputsOf(b, l, lname, sequential);
    if (!ins) return;
    const handler = Object.hasOwn(LAYERS, l.class_name) ? LAYERS[l.class_name]! : b.fail(l, `is a layer class sparsetile's TF.js importer does not support. Supported layer classes: ${SUPPORTED_LAYERS.join(', ')}.`);
    const y = handler({ b, l, c, lname, x: ins[0]!, ins });
    b.vals.set(lname, y);
    b.last = y;
  });
  if (!b.input || !b.last) throw new SparsetileError(`${file}: the model has no input layer with a batch_input_shape; sparsetile cannot tell the input size.`);
  let outName = b.last.v;
  if (!sequential) {
    const ol = (cfg as { output_layers?: unknown[] }).output_layers ?? [];
    const first = Array.isArray(ol[0]) ? String((ol[0] as unknown[])[0]) : ol.length ? String(ol[0]) : null;
    outName = (first ? b.vals.get(first)?.v : undefined) ?? b.last.v;
  }
  const unused = b.unusedWeights();
  if (unused.length) b.assumptions.push(`weights not used by any supported layer: ${unused.slice(0, 6).join(', ')}${unused.length > 6 ? ` ... (${unused.length})` : ''}`);
  const graph: OnnxGraphIR = { file, opset: 0, inputs: [b.input], outputs: [outName], nodes: b.nodes, constants: b.constants };
  return { graph, assumptions: b.assumptions, unused, modelClass: String(cls), kerasLayers: klayers.length };
}
