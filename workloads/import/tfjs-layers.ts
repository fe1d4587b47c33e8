/**
 * TF.js layers-models run by TF.js itself (tf.loadLayersModel on the CPU backend), layer by layer
 * in the model's own execution order, so that every layer's input and result can be seen:
 *
 *  - Conv2D, Conv1D (kernelH = inH = 1), DepthwiseConv2D (groups = C),
 *    SeparableConv2D (a depthwise and a pointwise tile layer) and Dense (one row: fully connected;
 *    a [.., P, I] input: a 1x1 convolution over P positions) are tile layers, with per-axis strides
 *    and dilations and TF's 'same' padding per side; a BatchNormalization that alone reads one
 *    (with a linear activation) is folded into it;
 *  - a tile layer's activation is taken out of the layer and applied after it, so that its
 *    pre-activation result is what the reference and the tile are compared on;
 *  - every other layer runs on the host: `layer.apply` in TF.js, in the reference and in the
 *    integer pass alike.
 *
 * TF.js is channels-last: a tile layer reads [P, C] (P positions) and its LayerSpec layout is the
 * transpose [C, P]; its [F, P] result goes back as [P, F].
 */
import type * as TF from '@tensorflow/tfjs';
import { SparsetileError } from '../../contract/errors.ts';
import { outputSize } from '../../model/layer-spec.ts';
import type { LayerSpec } from '../../model/types.ts';
import { hostReason } from './coverage.ts';
import { biasTerms, foldBatchNorm } from './fold.ts';
import { convSpec, fcSpec } from './layer-specs.ts';
import { prod, transpose2 } from './tensor.ts';
import type { TfjsModel } from './tfjs.ts';
import { TFJS_VERSION, tfjs, tfjsCall, type Tf } from './tfjs-runtime.ts';
import { denseToFc, depthwiseToFcrq, hwioToFcrq, samePads } from './tfjs-weights.ts';
import type { HostLayer, RunnableModel, TileHook, TileLayer, Trace } from './types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- TF.js layer internals (kernelSize, strides, inboundNodes, ...) are untyped */
type Layer = TF.layers.Layer & Record<string, any>;
interface Node { outboundLayer: Layer; inputTensors: TF.SymbolicTensor[]; outputTensors: TF.SymbolicTensor[] }

/** One tile layer of the model: the TF.js layer(s) that compute it in the reference and how to reach its weights. */
interface Tile extends TileLayer {
  /** The layer that computes it (for a separable convolution: its depthwise or pointwise half). */
  readonly layer: Layer;
  /** Index of the kernel among layer.getWeights(), and the TF.js kernel index each tile weight comes from. */
  readonly kernel: number;
  readonly origIndex: Uint32Array;
}

/** What the walk does at a tile-bearing layer. */
interface TileStep {
  readonly tiles: number[];
  /** The activation taken out of the layer, applied after it (null: linear). */
  readonly activation: { apply(x: TF.Tensor): TF.Tensor } | null;
  /** The BatchNormalization layer folded into it, by name. */
  readonly bn: string | null;
}

const TILE_CLASSES = new Set(['Conv2D', 'Conv1D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

/** Nodes in the order TF.js itself runs them (deepest first), input layers left out; a Sequential's are its inner model's. */
function executionOrder(model: TF.LayersModel): Node[] {
  const byDepth = ((model as any).model?.nodesByDepth ?? (model as any).nodesByDepth) as Record<string, Node[]>;
  return Object.keys(byDepth).map(Number).sort((a, b) => b - a).flatMap((d) => byDepth[String(d)]!).filter((n) => n.outboundLayer.getClassName() !== 'InputLayer');
}

const pair = (v: number | number[]): number[] => (Array.isArray(v) ? v : [v, v]);
const isLinear = (a: any): boolean => !a || a.getClassName?.() === 'linear' || a.getClassName?.() === 'Linear';

/** The LayerSpec of a convolution layer over a channels-last input shape [1, (H,) W, C]. */
function convGeometry(l: Layer, x: number[], k: number[], rank: 1 | 2): Pick<LayerSpec, 'kernelH' | 'kernelW' | 'inH' | 'inW' | 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'padTop' | 'padBottom' | 'padLeft' | 'padRight'> {
  const s = pair(l.strides);
  const d = pair(l.dilationRate);
  const inS = rank === 2 ? [x[1]!, x[2]!] : [1, x[1]!];
  const ks = rank === 2 ? k : [1, k[0]!];
  const ss = rank === 2 ? s : [1, s[0]!];
  const ds = rank === 2 ? d : [1, d[0]!];
  let pads = [0, 0, 0, 0]; // top, left, bottom, right
  if (l.padding === 'same') {
    const a = samePads(inS[0]!, ks[0]!, ss[0]!, ds[0]!);
    const b = samePads(inS[1]!, ks[1]!, ss[1]!, ds[1]!);
    pads = [a[0], b[0], a[1], b[1]];
  } // 'causal' (Conv1D) never gets here: TF.js 4.22 does not run it
  return { kernelH: ks[0]!, kernelW: ks[1]!, inH: inS[0]!, inW: inS[1]!, strideH: ss[0]!, strideW: ss[1]!, dilationH: ds[0]!, dilationW: ds[1]!, padTop: pads[0]!, padLeft: pads[1]!, padBottom: pads[2]!, padRight: pads[3]! };
}

/** A layout change applied to indices: which TF.js kernel element each tile weight is. */
const indexMap = (f: (k: ArrayLike<number>, dims: number[]) => Float64Array, dims: number[]) => Uint32Array.from(f(Float64Array.from({ length: prod(dims) }, (_, i) => i), dims));

/** Tile layers of one TF.js layer, or the reason it runs on the host. */
function lowerLayer(tf: Tf, l: Layer, x: number[]): { tiles: Omit<Tile, 'folded' | 'extraTerms'>[] } | { host: string } {
  const cls = l.getClassName();
  if (l.dataFormat === 'channelsFirst') return { host: 'channels-first data format (sparsetile lowers channels-last TF.js layers)' };
  const w = l.getWeights().map((t: TF.Tensor) => ({ dims: t.shape as number[], data: Float64Array.from(t.dataSync()) }));
  const name = l.name;
  const C = x[x.length - 1]!;
  const common = (spec: LayerSpec, weights: Float64Array, bias: Float64Array | null, kernel: number, origIndex: Uint32Array, layer = l, node = name) => ({ spec, weights, bias, node, op: cls, layer, kernel, origIndex });
  if (cls === 'Dense') {
    const [I, F] = w[0]!.dims as [number, number];
    const P = prod(x.slice(1, -1));
    const spec = P === 1 ? fcSpec(name, F, I) : convSpec({ name, filters: F, channels: I, kernelH: 1, kernelW: 1, inH: x.length === 4 ? x[1]! : 1, inW: x.length === 4 ? x[2]! : P });
    return { tiles: [common(spec, denseToFc(w[0]!.data, w[0]!.dims), l.useBias ? w[1]!.data : null, 0, indexMap(denseToFc, w[0]!.dims))] };
  }
  const rank = cls === 'Conv1D' ? 1 : 2;
  if (x.length !== rank + 2) return { host: `its input has shape [${x.join(', ')}], not a batch of one ${rank}-D map` };
  if (cls === 'Conv2D' || cls === 'Conv1D') {
    const kd = rank === 2 ? w[0]!.dims : [1, ...w[0]!.dims];
    const [kh, kw, cg, F] = kd as [number, number, number, number];
    const spec = convSpec({ name, filters: F, channels: cg, groups: C / cg, ...convGeometry(l, x, [kh, kw].slice(2 - rank), rank) });
    return { tiles: [common(spec, hwioToFcrq(w[0]!.data, kd), l.useBias ? w[1]!.data : null, 0, indexMap(hwioToFcrq, kd))] };
  }
  const dk = w[0]!.dims as [number, number, number, number];
  const M = dk[3];
  const geo = convGeometry(l, x, [dk[0], dk[1]], 2);
  const dw = convSpec({ name: cls === 'SeparableConv2D' ? `${name}/depthwise` : name, filters: C * M, channels: 1, groups: C, ...geo });
  if (cls === 'DepthwiseConv2D') return { tiles: [common(dw, depthwiseToFcrq(w[0]!.data, dk), l.useBias ? w[1]!.data : null, 0, indexMap(depthwiseToFcrq, dk))] };
  // SeparableConv2D: a depthwise layer, then a pointwise one; TF.js builds them from the separable layer's own settings
  const pk = w[1]!.dims as [number, number, number, number];
  const { outH, outW } = outputSize(dw);
  const pw = convSpec({ name: `${name}/pointwise`, filters: pk[3], channels: C * M, kernelH: 1, kernelW: 1, inH: outH, inW: outW });
  const depthwise = tf.layers.depthwiseConv2d({ kernelSize: [dk[0], dk[1]], strides: l.strides, padding: l.padding, dilationRate: l.dilationRate, depthMultiplier: M, useBias: false, weights: [l.getWeights()[0]!] }) as Layer;
  const pointwise = tf.layers.conv2d({ filters: pk[3], kernelSize: 1, useBias: l.useBias, weights: l.getWeights().slice(1) }) as Layer;
  tf.tidy(() => { pointwise.apply(depthwise.apply(tf.zeros(x)) as TF.Tensor); }); // builds both, with the separable layer's weights
  return {
    tiles: [
      common(dw, depthwiseToFcrq(w[0]!.data, dk), null, 0, indexMap(depthwiseToFcrq, dk), depthwise, `${name}/depthwise`),
      common(pw, hwioToFcrq(w[1]!.data, pk), l.useBias ? w[2]!.data : null, 0, indexMap(hwioToFcrq, pk), pointwise, `${name}/pointwise`),
    ],
  };
}

/** The BatchNormalization layer that alone reads `node`'s output, on the channel axis, when the layer's activation is linear. */
function foldableBn(node: Node, readers: Map<number, Node[]>, outputs: Set<number>): Layer | null {
  const out = node.outputTensors[0]!;
  const rs = readers.get(out.id) ?? [];
  if (rs.length !== 1 || outputs.has(out.id)) return null;
  const bn = rs[0]!.outboundLayer;
  if (bn.getClassName() !== 'BatchNormalization') return null;
  const axis = bn.axis as number;
  return axis === -1 || axis === out.shape.length - 1 ? bn : null;
}

function bnParams(bn: Layer, C: number) {
  const w = bn.getWeights().map((t: TF.Tensor) => Float64Array.from(t.dataSync()));
  let i = 0;
  const gamma = bn.scale ? w[i++]! : new Float64Array(C).fill(1);
  const beta = bn.center ? w[i++]! : new Float64Array(C);
  return { gamma, beta, mean: w[i]!, variance: w[i + 1]!, epsilon: bn.epsilon as number };
}

/** The model's per-sample input, channels last: [H, W, C] for images. */
function inputDims(m: TfjsModel, shape: (number | null)[], inputShape?: number[]): { dims: number[]; assumption: string | null } {
  const d = shape.slice(1);
  if (inputShape) {
    if (d.length !== 3 || inputShape.length !== 3 || (d[2] !== null && inputShape[0] !== d[2])) throw new SparsetileError(`--input-shape must be ${d[2] ?? 'C'}xHxW for ${m.file} (its input is [${d.map((v) => v ?? '?').join(', ')}], channels last), got ${inputShape.join('x')}.`);
    return { dims: [inputShape[1]!, inputShape[2]!, inputShape[0]!], assumption: null };
  }
  if (d.every((v) => v !== null)) return { dims: d as number[], assumption: null };
  const dims = d.map((v, i) => v ?? (i === d.length - 1 ? 3 : 64));
  return { dims, assumption: `the input size is dynamic: assumed [${dims.join(', ')}] (channels last; set it with --input-shape ${d[2] ?? 'C'}xHxW)` };
}

export async function openTfjsLayers(m: TfjsModel, opts: { inputShape?: number[] }): Promise<RunnableModel> {
  const tf = await tfjs();
  const model = await tfjsCall(m.file, 'load this layers-model', () => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: m.topology as object, weightSpecs: m.artifacts.weightSpecs as TF.io.WeightsManifestEntry[], weightData: m.artifacts.weightData })));
  if (model.getClassName() === 'Sequential') (model as any).build(); // a loaded Sequential builds its graph of nodes lazily
  if (model.inputs.length !== 1) throw new SparsetileError(`${m.file}: the model has ${model.inputs.length} inputs; sparsetile imports single-input models.`);
  const { dims, assumption } = inputDims(m, model.inputs[0]!.shape, opts.inputShape);
  const order = executionOrder(model);
  const readers = new Map<number, Node[]>();
  for (const n of order) for (const t of n.inputTensors) readers.set(t.id, [...(readers.get(t.id) ?? []), n]);
  const outputs = new Set(model.outputs.map((t) => t.id));

  // take the activations out of the tile-class layers, so that every walk sees their pre-activation result
  const linear = (tf.layers.activation({ activation: 'linear' }) as Layer).activation;
  const taken = new Map<string, { apply(x: TF.Tensor): TF.Tensor } | null>();
  for (const n of order) {
    const l = n.outboundLayer;
    if (!TILE_CLASSES.has(l.getClassName()) || taken.has(l.name)) continue;
    taken.set(l.name, isLinear(l.activation) ? null : l.activation);
    l.activation = linear;
  }

  // the shapes every tile-class layer reads, from one walk on zeros
  const shapes = new Map<string, number[]>();
  tf.tidy(() => {
    walk(model, order, tf.zeros([1, ...dims]), (n, ins) => {
      if (taken.has(n.outboundLayer.name)) shapes.set(n.outboundLayer.name, ins[0]!.shape);
      return null;
    });
  });

  const tiles: Tile[] = [];
  const host: HostLayer[] = [];
  const steps = new Map<string, TileStep>();
  const foldedBn = new Set<string>();
  for (const n of order) {
    const l = n.outboundLayer;
    const cls = l.getClassName();
    if (foldedBn.has(l.name)) continue;
    if (!taken.has(l.name)) {
      host.push({ name: l.name, op: cls, why: /^(Model|Sequential|Functional)$/.test(cls) ? 'a nested model: it runs on the host as one block' : hostReason(cls) });
      continue;
    }
    const lowered = lowerLayer(tf, l, shapes.get(l.name)!);
    if ('host' in lowered) {
      if (taken.get(l.name)) l.activation = taken.get(l.name); // it runs whole on the host
      host.push({ name: l.name, op: cls, why: lowered.host });
      continue;
    }
    const act = taken.get(l.name)!;
    const bn = act === null && lowered.tiles.length === 1 ? foldableBn(n, readers, outputs) : null;
    const idx: number[] = [];
    for (const [k, t] of lowered.tiles.entries()) {
      const last = k === lowered.tiles.length - 1;
      const f = bn && last ? foldBatchNorm(t.weights, t.bias, bnParams(bn, t.spec.filters)) : null;
      idx.push(tiles.length);
      tiles.push({ ...t, weights: f ? f.weights : t.weights, bias: f ? f.bias : t.bias, folded: f ? [{ name: bn!.name, op: 'BatchNormalization' }] : [], extraTerms: f ? f.extraTerms : biasTerms(t.bias) });
    }
    if (bn) foldedBn.add(bn.name);
    steps.set(l.name, { tiles: idx, activation: act, bn: bn ? bn.name : null });
  }
  const assumptions = assumption ? [assumption] : [];

  const run = async (x: Float64Array, o: { masks?: readonly Uint8Array[]; tile?: TileHook }): Promise<Trace> => {
    const restore = o.masks ? setMasked(tf, tiles, o.masks) : null;
    try {
      let trace: Trace | null = null;
      tf.tidy(() => { trace = traceRun(tf, model, order, tiles, steps, tf.tensor(Float32Array.from(x), [1, ...dims]), o.tile); });
      return trace!;
    } finally {
      restore?.();
    }
  };
  return {
    tile: tiles,
    host,
    assumptions,
    source: { ...m.source, modelClass: (m.topology as { class_name?: string; model_config?: { class_name?: string } }).model_config?.class_name ?? (m.topology as { class_name?: string }).class_name ?? null, layers: order.length },
    reference: `@tensorflow/tfjs ${TFJS_VERSION} (cpu backend)`,
    input: { dims, layout: dims.length === 3 ? 'hwc' : 'other' },
    run,
  };
}

/** Multiplies every tile layer's kernel by its mask (in TF.js layout); returns what puts the original weights back. */
function setMasked(tf: Tf, tiles: readonly Tile[], masks: readonly Uint8Array[]): () => void {
  const saved = tiles.map((t) => (t.layer.getWeights() as TF.Tensor[]).map((w) => w.clone()));
  tiles.forEach((t, i) => {
    const ws = saved[i]!;
    const k = ws[t.kernel]!;
    const keep = new Float32Array(prod(k.shape));
    masks[i]!.forEach((v, j) => { if (v) keep[t.origIndex[j]!] = 1; });
    tf.tidy(() => t.layer.setWeights(ws.map((w, j) => (j === t.kernel ? k.mul(tf.tensor(keep, k.shape)) : w))));
  });
  return () => tiles.forEach((t, i) => {
    t.layer.setWeights(saved[i]!);
    tf.dispose(saved[i]!);
  });
}

/**
 * Runs the nodes in order. `step` may compute a node itself (returning its outputs); null runs
 * `layer.apply`. Returns the values of every symbolic tensor.
 */
function walk(model: TF.LayersModel, order: Node[], x: TF.Tensor, step: (n: Node, ins: TF.Tensor[]) => TF.Tensor[] | null): Map<number, TF.Tensor> {
  const values = new Map<number, TF.Tensor>([[model.inputs[0]!.id, x]]);
  for (const n of order) {
    const ins = n.inputTensors.map((t) => values.get(t.id)!);
    const outs = step(n, ins) ?? [n.outboundLayer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as TF.Tensor | TF.Tensor[]].flat();
    n.outputTensors.forEach((t, k) => values.set(t.id, outs[k]!));
  }
  return values;
}

/** Channels-last [1, ..., C] to LayerSpec layout [C, P]. */
const toSpec = (t: TF.Tensor): Float64Array => {
  const C = t.shape[t.shape.length - 1]!;
  return transpose2(t.dataSync(), t.size / C, C);
};

/** LayerSpec [F, P] back to channels-last, shaped like a tensor of `shape` with F channels. */
const fromSpec = (tf: Tf, y: Float64Array, shape: number[], F: number): TF.Tensor => tf.tensor(Float32Array.from(transpose2(y, F, y.length / F)), [...shape.slice(0, -1), F]);

/** The output shape of a tile layer from its spec: [1, Ho, Wo, F], [1, Wo, F] (1-D) or [1, F] / [1, P, F] (Dense). */
function outShape(t: Tile, inShape: number[]): number[] {
  const { outH, outW } = outputSize(t.spec);
  if (t.op === 'Dense') return [...inShape.slice(0, -1), t.spec.filters];
  return t.op === 'Conv1D' ? [1, outW, t.spec.filters] : [1, outH, outW, t.spec.filters];
}

function traceRun(tf: Tf, model: TF.LayersModel, order: Node[], tiles: Tile[], steps: Map<string, TileStep>, x: TF.Tensor, hook?: TileHook): Trace {
  const inputs: Float64Array[] = [];
  const outputs: Float64Array[] = [];
  const bnOf = new Map([...steps.values()].filter((s) => s.bn).map((s) => [s.bn!, s.tiles[s.tiles.length - 1]!]));
  const values = walk(model, order, x, (n, ins) => {
    const l = n.outboundLayer;
    const folded = bnOf.get(l.name);
    if (folded !== undefined) {
      if (hook) return [ins[0]!]; // the tile layer already applied it
      const y = l.apply(ins[0]!, { training: false }) as TF.Tensor;
      outputs[folded] = toSpec(y);
      return [y];
    }
    const s = steps.get(l.name);
    if (!s) return null;
    let v = ins[0]!;
    for (const i of s.tiles) {
      const t = tiles[i]!;
      const acts = toSpec(v);
      if (hook) v = fromSpec(tf, hook(i, acts), outShape(t, v.shape), t.spec.filters);
      else {
        inputs[i] = acts;
        v = t.layer.apply(v) as TF.Tensor;
      }
      if (hook || !s.bn) outputs[i] = toSpec(v);
    }
    return [s.activation ? s.activation.apply(v) : v];
  });
  return { inputs, outputs, final: model.outputs.map((t) => ({ dims: values.get(t.id)!.shape, data: Float64Array.from(values.get(t.id)!.dataSync()) })) };
}
