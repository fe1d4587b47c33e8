/**
 * TF.js graph-models (a TF GraphDef in model.json) run by TF.js's graph executor
 * (tf.loadGraphModel on the CPU backend):
 *
 *  - the converter's fused nodes (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul with
 *    fused_ops BiasAdd and an activation) are split back into the plain op, a BiasAdd and the
 *    activation, so that the pre-activation result is a node of its own;
 *  - Conv2D and DepthwiseConv2dNative (NHWC) and MatMul whose filter is a stored weight are tile
 *    layers, with the node's strides, dilations and SAME / VALID / EXPLICIT padding per side; a
 *    BiasAdd (or Add of a stored vector) that alone reads one is folded into its bias;
 *  - the reference is one execution with every tile layer's input and result as outputs; the
 *    integer pass executes up to each tile layer's input, computes the layer with the hook, and feeds
 *    the result back as the value of its node (the executor then starts from there).
 */
import type * as TF from '@tensorflow/tfjs';
import { SparsetileError } from '../../contract/errors.ts';
import { hostReason } from './coverage.ts';
import { biasTerms } from './fold.ts';
import { convSpec, fcSpec } from './layer-specs.ts';
import { outputSize } from '../../model/layer-spec.ts';
import { prod, transpose2 } from './tensor.ts';
import type { TfjsModel } from './tfjs.ts';
import { TFJS_VERSION, tfjs, tfjsCall } from './tfjs-runtime.ts';
import { depthwiseToFcrq, hwioToFcrq, samePads } from './tfjs-weights.ts';
import type { HostLayer, RunnableModel, TileHook, TileLayer, Trace } from './types.ts';

interface AttrValue { list?: { i?: (string | number)[]; s?: string[]; f?: number[] }; s?: string; i?: string | number; f?: number; b?: boolean; type?: string; shape?: { dim?: { size?: string | number }[] } }
interface TfNode { name: string; op: string; input?: string[]; attr?: Record<string, AttrValue>; device?: string }

const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('latin1') : '');
const strip = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');
const ints = (n: TfNode, a: string, d: number[]) => (n.attr?.[a]?.list?.i?.length ? n.attr[a]!.list!.i!.map(Number) : d);

const FUSED_BASE: Record<string, string> = { _FusedConv2D: 'Conv2D', FusedDepthwiseConv2dNative: 'DepthwiseConv2dNative', _FusedMatMul: 'MatMul' };
const FUSED_ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Prelu']);
const PLUMBING = new Set(['Const', 'Placeholder', 'Identity', 'NoOp']);

/** The fused nodes split into op, BiasAdd and activation; nodes fused with anything else stay as they are. */
export function splitFused(nodes: readonly TfNode[]): TfNode[] {
  return nodes.flatMap((n): TfNode[] => {
    const base = FUSED_BASE[n.op];
    if (!base) return [n];
    const fused = (n.attr?.fused_ops?.list?.s ?? []).map(b64);
    const [bias, act, ...more] = fused;
    if (bias !== 'BiasAdd' || more.length || (act && !FUSED_ACTIVATIONS.has(act))) return [n];
    const { fused_ops: _f, num_args: _n, leakyrelu_alpha: alpha, epsilon: _e, ...attr } = n.attr ?? {};
    const ins = n.input ?? [];
    const T: Record<string, AttrValue> = attr.T ? { T: attr.T } : {};
    const opName = `${n.name}/__${base}`;
    const biasName = act ? `${n.name}/__BiasAdd` : n.name;
    const out: TfNode[] = [
      { name: opName, op: base, input: ins.slice(0, 2), attr },
      { name: biasName, op: 'BiasAdd', input: [opName, ins[2]!], attr: attr.data_format ? { ...T, data_format: attr.data_format } : T },
    ];
    if (act) out.push({ name: n.name, op: act, input: act === 'Prelu' ? [biasName, ins[3]!] : [biasName], attr: act === 'LeakyRelu' && alpha ? { ...T, alpha } : T });
    return out;
  });
}

interface GraphTile extends TileLayer {
  /** The node whose output the layer reads, the node whose output is its result (bias folded in), its weight's node. */
  readonly input: string;
  readonly checkpoint: string;
  readonly weightNode: string;
  readonly origIndex: Uint32Array;
  /** Channels-last positions P of the result, and its shape. */
  readonly outShape: number[];
  /** MatMul with transpose_a: the input is already [K, M]. */
  readonly inTransposed: boolean;
}

/** Nodes in an order where every node comes after its inputs. */
function topological(nodes: readonly TfNode[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const out: TfNode[] = [];
  const visit = (name: string) => {
    const stack: [string, boolean][] = [[name, false]];
    while (stack.length) {
      const [v, done] = stack.pop()!;
      if (done) { out.push(byName.get(v)!); continue; }
      if (seen.has(v) || !byName.has(v)) continue;
      seen.add(v);
      stack.push([v, true]);
      for (const i of byName.get(v)!.input ?? []) stack.push([strip(i), false]);
    }
  };
  for (const n of nodes) visit(n.name);
  return out;
}

export async function openTfjsGraph(m: TfjsModel, opts: { inputShape?: number[] }): Promise<RunnableModel> {
  const tf = await tfjs();
  const topo = m.topology as { node?: TfNode[] };
  const nodes = topological(splitFused(topo.node ?? []));
  const model = await tfjsCall(m.file, 'load this graph-model', () => tf.loadGraphModel(tf.io.fromMemory({ modelTopology: { ...topo, node: nodes }, format: 'graph-model', weightSpecs: m.artifacts.weightSpecs as TF.io.WeightsManifestEntry[], weightData: m.artifacts.weightData })));
  if (model.inputs.length !== 1) throw new SparsetileError(`${m.file}: the graph has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); sparsetile imports single-input models.`);
  const inName = strip(model.inputs[0]!.name);
  const shape = (model.inputs[0]!.shape ?? []).slice(1).map((v) => (v > 0 ? v : null));
  let dims: number[];
  const assumptions: string[] = [];
  if (opts.inputShape) {
    if (shape.length !== 3 || opts.inputShape.length !== 3) throw new SparsetileError(`--input-shape must be CxHxW for ${m.file} (its input is [${shape.map((v) => v ?? '?').join(', ')}], channels last), got ${opts.inputShape.join('x')}.`);
    dims = [opts.inputShape[1]!, opts.inputShape[2]!, opts.inputShape[0]!];
  } else {
    dims = shape.map((v, i) => v ?? (i === shape.length - 1 ? 3 : 64));
    if (shape.some((v) => v === null)) assumptions.push(`the input size is dynamic: assumed [${dims.join(', ')}] (channels last; set it with --input-shape CxHxW)`);
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const resolve = (name: string): string => {
    let v = strip(name);
    for (let i = 0; i < 50 && byName.get(v)?.op === 'Identity'; i++) v = strip(byName.get(v)!.input![0]!);
    return v;
  };
  const weights = model.weights as Record<string, TF.Tensor[]>;
  const stored = (name: string) => weights[resolve(name)]?.[0];
  const readers = new Map<string, TfNode[]>();
  for (const n of nodes) for (const i of n.input ?? []) readers.set(strip(i), [...(readers.get(strip(i)) ?? []), n]);
  const outputs = new Set(model.outputs.map((o) => strip(o.name)));

  const candidates = nodes.filter((n) => /^(Conv2D|DepthwiseConv2dNative|MatMul)$/.test(n.op) && stored(n.input?.[1] ?? '') && !stored(n.input?.[0] ?? ''));
  const shapes = new Map<string, number[]>();
  await tfjsCall(m.file, 'run this graph-model', () => tf.tidy(() => {
    const names = [...new Set(candidates.map((n) => strip(n.input![0]!)))];
    const r = [model.execute({ [inName]: tf.zeros([1, ...dims]) }, names)].flat();
    names.forEach((nm, i) => shapes.set(nm, r[i]!.shape));
  }));

  const tiles: GraphTile[] = [];
  const host: HostLayer[] = [];
  const folded = new Set<string>();
  for (const n of nodes) {
    if (PLUMBING.has(n.op) || folded.has(n.name)) continue;
    const t = candidates.includes(n) ? lowerNode(n, shapes.get(strip(n.input![0]!))!, stored(n.input![1]!)!, resolve(n.input![1]!)) : null;
    if (!t || 'host' in t) {
      host.push({ name: n.name, op: n.op, why: t ? t.host : hostReason(n.op) });
      continue;
    }
    // a BiasAdd (or Add of a stored [F] vector) that alone reads the layer is its bias
    const rs = readers.get(n.name) ?? [];
    const b = rs.length === 1 && !outputs.has(n.name) && /^(BiasAdd|Add|AddV2)$/.test(rs[0]!.op) && strip(rs[0]!.input![0]!) === n.name ? stored(rs[0]!.input![1] ?? '') : undefined;
    const bias = b && b.size === t.spec.filters ? Float64Array.from(b.dataSync()) : null;
    if (bias) folded.add(rs[0]!.name);
    tiles.push({ ...t, bias, extraTerms: biasTerms(bias), folded: bias ? [{ name: rs[0]!.name, op: rs[0]!.op }] : [], checkpoint: bias ? rs[0]!.name : n.name });
  }

  const toSpec = (t: GraphTile, v: TF.Tensor): Float64Array => {
    const K = t.spec.channels * t.spec.groups;
    return t.inTransposed ? Float64Array.from(v.dataSync()) : transpose2(v.dataSync(), v.size / K, K);
  };
  const fromSpec = (t: GraphTile, y: Float64Array): Float64Array => transpose2(y, t.spec.filters, y.length / t.spec.filters);
  const execute = (feeds: Record<string, TF.Tensor>, names: string[]) => [model.execute(feeds, names)].flat();

  const reference = (x: TF.Tensor, masks?: readonly Uint8Array[]): Trace => {
    const executor = (model as unknown as { executor: { weightMap: Record<string, TF.Tensor[]> } }).executor;
    const original = executor.weightMap;
    if (masks) {
      const masked = { ...original };
      tiles.forEach((t, i) => {
        const k = original[t.weightNode]![0]!;
        const keep = new Float32Array(k.size);
        masks[i]!.forEach((v, j) => { if (v) keep[t.origIndex[j]!] = 1; });
        masked[t.weightNode] = [k.mul(tf.tensor(keep, k.shape))];
      });
      executor.weightMap = masked;
    }
    try {
      const names = [...tiles.flatMap((t) => [t.input, t.checkpoint]), ...model.outputs.map((o) => o.name)];
      const r = execute({ [inName]: x }, names);
      return {
        inputs: tiles.map((t, i) => toSpec(t, r[2 * i]!)),
        outputs: tiles.map((t, i) => { const y = r[2 * i + 1]!; return transpose2(y.dataSync(), y.size / t.spec.filters, t.spec.filters); }),
        final: r.slice(2 * tiles.length).map((y) => ({ dims: y.shape, data: Float64Array.from(y.dataSync()) })),
      };
    } finally {
      executor.weightMap = original;
    }
  };

  const integer = (x: TF.Tensor, hook: TileHook): Trace => {
    const feeds: Record<string, TF.Tensor> = { [inName]: x };
    const trace: Trace = { inputs: [], outputs: [], final: [] };
    tiles.forEach((t, i) => {
      const acts = toSpec(t, execute(feeds, [t.input])[0]!);
      const y = hook(i, acts);
      trace.outputs.push(y);
      feeds[t.checkpoint] = tf.tensor(Float32Array.from(fromSpec(t, y)), t.outShape);
    });
    const r = execute(feeds, model.outputs.map((o) => o.name));
    return { ...trace, final: r.map((y) => ({ dims: y.shape, data: Float64Array.from(y.dataSync()) })) };
  };

  return {
    tile: tiles,
    host,
    assumptions,
    source: { ...m.source, nodes: nodes.length },
    reference: `@tensorflow/tfjs ${TFJS_VERSION} graph executor (cpu backend)`,
    input: { dims, layout: dims.length === 3 ? 'hwc' : 'other' },
    run: (x, o) => tfjsCall(m.file, 'run this graph-model', () => {
      let trace: Trace | null = null;
      tf.tidy(() => {
        const xt = tf.tensor(Float32Array.from(x), [1, ...dims]);
        trace = o.tile ? integer(xt, o.tile) : reference(xt, o.masks);
      });
      return trace!;
    }),
  };
}

/** The tile layer of a Conv2D / DepthwiseConv2dNative / MatMul node over input shape `x`, or why it stays on the host. */
function lowerNode(n: TfNode, x: number[], w: TF.Tensor, weightNode: string): Omit<GraphTile, 'bias' | 'extraTerms' | 'folded' | 'checkpoint'> | { host: string } {
  const input = strip(n.input![0]!);
  const kd = w.shape as number[];
  const data = Float64Array.from(w.dataSync());
  const index = (f: (k: ArrayLike<number>, d: number[]) => Float64Array) => Uint32Array.from(f(Float64Array.from({ length: prod(kd) }, (_, i) => i), kd));
  const base = { node: n.name, op: n.op, input, weightNode };
  if (n.op === 'MatMul') {
    const ta = !!n.attr?.transpose_a?.b;
    const tb = !!n.attr?.transpose_b?.b;
    if (x.length !== 2 || kd.length !== 2) return { host: `its operands have shapes [${x.join(', ')}] and [${kd.join(', ')}], not matrices` };
    const [M, K] = ta ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
    const F = tb ? kd[0]! : kd[1]!;
    const weights = new Float64Array(F * K);
    const origIndex = new Uint32Array(F * K);
    for (let f = 0; f < F; f++) for (let c = 0; c < K; c++) {
      const o = tb ? f * K + c : c * F + f;
      weights[f * K + c] = data[o]!;
      origIndex[f * K + c] = o;
    }
    const spec = M === 1 ? fcSpec(n.name, F, K) : convSpec({ name: n.name, filters: F, channels: K, kernelH: 1, kernelW: 1, inH: 1, inW: M });
    return { ...base, spec, weights, origIndex, outShape: [M, F], inTransposed: ta && M > 1 };
  }
  if (b64(n.attr?.data_format?.s) === 'NCHW') return { host: 'data_format NCHW (sparsetile lowers NHWC graph models)' };
  if (x.length !== 4 || kd.length !== 4) return { host: `its input has shape [${x.join(', ')}], not a batch of one NHWC map` };
  const st = ints(n, 'strides', [1, 1, 1, 1]);
  const dl = ints(n, 'dilations', [1, 1, 1, 1]);
  const [kh, kw, cin, cout] = kd as [number, number, number, number];
  const [, H, W, C] = x as [number, number, number, number];
  const pad = b64(n.attr?.padding?.s);
  let pads = [0, 0, 0, 0]; // top, left, bottom, right
  if (pad === 'SAME') {
    const a = samePads(H, kh, st[1]!, dl[1]!);
    const b = samePads(W, kw, st[2]!, dl[2]!);
    pads = [a[0], b[0], a[1], b[1]];
  } else if (pad === 'EXPLICIT') {
    const ex = ints(n, 'explicit_paddings', [0, 0, 0, 0, 0, 0, 0, 0]);
    pads = [ex[2]!, ex[4]!, ex[3]!, ex[5]!];
  }
  const geo = { kernelH: kh, kernelW: kw, inH: H, inW: W, strideH: st[1]!, strideW: st[2]!, dilationH: dl[1]!, dilationW: dl[2]!, padTop: pads[0]!, padLeft: pads[1]!, padBottom: pads[2]!, padRight: pads[3]! };
  const dw = n.op === 'DepthwiseConv2dNative';
  if (!dw && C % cin !== 0) return { host: `its filter reads ${cin} channels, which does not divide the input's ${C}` };
  const spec = dw ? convSpec({ name: n.name, filters: cin * cout, channels: 1, groups: cin, ...geo }) : convSpec({ name: n.name, filters: cout, channels: cin, groups: C / cin, ...geo });
  const { outH, outW } = outputSize(spec);
  if (outH < 1 || outW < 1) return { host: `its output would be empty on a ${H} x ${W} input` };
  return { ...base, spec, weights: dw ? depthwiseToFcrq(data, kd) : hwioToFcrq(data, kd), origIndex: index(dw ? depthwiseToFcrq : hwioToFcrq), outShape: [1, outH, outW, spec.filters], inTransposed: false };
}

