/**
 * TensorFlow.js models: the second input format of `sparsetile import`.
 *
 * Accepted files:
 *  - `model.json` of a **layers-model** (Keras topology in `modelTopology` + `weightsManifest`),
 *    translated into the ONNX importer's graph IR by workloads/import/tfjs-keras.ts.
 *  - `model.json` of a **graph-model** (a TF GraphDef in `modelTopology`). Conv / depthwise / MatMul
 *    nodes whose filter is a stored weight are lowered with the attributes of the node (strides,
 *    padding, dilations); the GraphDef is not executed, so this is a weights-only import.
 *  - a bare **`*weights_manifest.json`** (a JSON array of weight groups, as face-api.js ships). Without
 *    a topology the layers are inferred from the 4-D and 2-D tensors in manifest order, under stated
 *    assumptions (stride 1, 'same' padding, dilation 1, constant spatial size, 'depthwise' in the
 *    name marks a depthwise kernel); also a weights-only import.
 *
 * Weights (workloads/import/tfjs-weights.ts): float32, int32, and the converter's quantised storage
 * `quantization: {dtype: 'uint8' | 'uint16', scale, min}` (value = q * scale + min, rounded to
 * float32 as TF.js does) and `{dtype: 'float16'}`. Shards of a group are concatenated and the
 * weights read back to back.
 */
import { SparsetileError } from '../../contract/errors.ts';
import type { LayerSpec } from '../../model/types.ts';
import { readJsonFile } from '../../tools/json.ts';
import type { OnnxGraphIR } from './onnx.ts';
import { importedLayer, importManifest, workloadName } from './layer-manifest.ts';
import { convSpec, fcSpec } from './layer-specs.ts';
import { pruneLayers } from './prune.ts';
import { chooseFracBits, maxAbs, quantize } from './quant.ts';
import { fromKeras } from './tfjs-keras.ts';
import { denseToFc, depthwiseToFcrq, hwioToFcrq, readWeightsManifest, samePads, type TfjsWeight } from './tfjs-weights.ts';
import { quantBits, type ImportOptions, type ImportResult, type ImportedLayer } from './types.ts';

/* ------------------------------------------------------------------------------ file types */

/** True for inputs the TF.js importer reads: a model.json or a *weights_manifest.json. */
export function isTfjsFile(file: string): boolean {
  return /\.json$/i.test(file);
}


/** A weight lowered onto the tile without running the model (graph-model, bare manifest). */
export interface TfjsWeightsOnlyLayer {
  readonly spec: LayerSpec;
  /** Float weights in sparsetile layout [F, C, kH, kW] (FC: [F, C]). */
  readonly weights: Float64Array;
  /** The manifest weight it came from, and its TF.js shape. */
  readonly from: string;
  readonly tfShape: number[];
}

export interface TfjsModel {
  readonly file: string;
  readonly format: 'layers-model' | 'graph-model' | 'weights-manifest';
  readonly weights: Map<string, TfjsWeight>;
  /** A runnable graph (layers-model only); null for weights-only imports. */
  readonly graph: OnnxGraphIR | null;
  /** Weights-only imports: the lowered layers. */
  readonly layers: TfjsWeightsOnlyLayer[];
  /** Assumptions and approximations the import made, printed and written to the manifest. */
  readonly assumptions: string[];
  /** Manifest weights that are not lowered (biases, BN parameters, other ranks), weights-only imports. */
  readonly unlowered: string[];
  readonly source: Record<string, unknown>;
}

/* ------------------------------------------------------------------------------ reading */

/**
 * Reads a TF.js model.json or bare weights manifest. `inputShape` (C x H x W) sets or overrides the
 * input size; without it a dynamic size defaults to 64 x 64 (said in the assumptions).
 */
export function readTfjs(file: string, opts: { inputShape?: number[] } = {}): TfjsModel {
  const raw = readJsonFile(file, 'a TF.js model.json or *weights_manifest.json is expected. The file may be truncated.');
  if (Array.isArray(raw)) {
    const weights = readWeightsManifest(raw, file);
    return inferFromWeights(file, 'weights-manifest', weights, opts.inputShape, { file, kind: 'tfjs', format: 'weights-manifest', tensors: weights.size });
  }
  if (!raw || typeof raw !== 'object') throw new SparsetileError(`${file}: is neither a TF.js model.json (an object with "modelTopology" and "weightsManifest") nor a weights manifest (an array of groups).`);
  const m = raw as { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown; generatedBy?: unknown; convertedBy?: unknown };
  if (!m.weightsManifest) {
    throw new SparsetileError(`${file}: has no "weightsManifest"; sparsetile needs the weights. ${m.modelTopology ? 'A model.json with only a topology carries no weights: export it with weights.' : 'Pass a TF.js model.json or a *weights_manifest.json.'}`);
  }
  const weights = readWeightsManifest(m.weightsManifest, file);
  const topo = m.modelTopology as Record<string, unknown> | undefined;
  const isGraph = m.format === 'graph-model' || (!!topo && Array.isArray((topo as { node?: unknown }).node));
  const source = { file, kind: 'tfjs', format: isGraph ? 'graph-model' : 'layers-model', generatedBy: m.generatedBy ?? null, convertedBy: m.convertedBy ?? null, tensors: weights.size };
  if (isGraph) return fromGraphDef(file, topo!, weights, opts.inputShape, source);
  if (!topo) return inferFromWeights(file, 'weights-manifest', weights, opts.inputShape, { ...source, format: 'weights-manifest (model.json without topology)' });
  const k = fromKeras(file, topo, weights, opts.inputShape);
  return { file, format: 'layers-model', weights, graph: k.graph, layers: [], assumptions: k.assumptions, unlowered: k.unused, source: { ...source, modelClass: k.modelClass, kerasLayers: k.kerasLayers } };
}

/* ------------------------------------------------------------------------------ weights-only: bare manifest */

function inferFromWeights(file: string, format: TfjsModel['format'], weights: Map<string, TfjsWeight>, inputShape: number[] | undefined, source: Record<string, unknown>): TfjsModel {
  const assumptions = [
    'no topology: layers are inferred from the 4-D (conv, HWIO) and 2-D (dense, [in, out]) weight tensors, in manifest order',
    'every conv is assumed stride 1, dilation 1, \'same\' padding (pad (k-1)/2), on a constant spatial size; pooling and strides between layers are unknown',
    'a 4-D tensor whose name contains "depthwise" is a depthwise kernel [kh, kw, cin, mult] (groups = cin); every other 4-D tensor is a full conv',
  ];
  let H = 64;
  let W = 64;
  if (inputShape) {
    if (inputShape.length !== 3) throw new SparsetileError(`--input-shape must be C x H x W for a TF.js weights manifest, got ${inputShape.join('x')}.`);
    [, H, W] = inputShape as [number, number, number];
  }
  assumptions.push(`every conv layer's input is ${H} x ${W}${inputShape ? ' (from --input-shape)' : ' (the default; set it with --input-shape CxHxW)'}`);
  const layers: TfjsWeightsOnlyLayer[] = [];
  const unlowered: string[] = [];
  let firstC: number | null = null;
  for (const w of weights.values()) {
    if (w.dims.length === 4) {
      const [kh, kw, cin, cout] = w.dims as [number, number, number, number];
      const dw = /depthwise/i.test(w.name);
      firstC ??= cin;
      const padH = Math.floor((kh - 1) / 2);
      const padW = Math.floor((kw - 1) / 2);
      if (kh % 2 === 0 || kw % 2 === 0) assumptions.push(`"${w.name}": even kernel ${kh}x${kw}: 'same' padding would be asymmetric; written with pad ${padH}x${padW}`);
      const pads = { padTop: padH, padBottom: padH, padLeft: padW, padRight: padW };
      const spec = convSpec({ name: w.name, ...(dw ? { filters: cin * cout, channels: 1, groups: cin } : { filters: cout, channels: cin }), kernelH: kh, kernelW: kw, inH: H, inW: W, ...pads });
      layers.push({ spec, weights: dw ? depthwiseToFcrq(w.data, w.dims) : hwioToFcrq(w.data, w.dims), from: w.name, tfShape: w.dims });
    } else if (w.dims.length === 2) {
      const [I, F] = w.dims as [number, number];
      layers.push({ spec: fcSpec(w.name, F, I), weights: denseToFc(w.data, w.dims), from: w.name, tfShape: w.dims });
    } else {
      unlowered.push(`${w.name} [${w.dims.join(', ')}]`);
    }
  }
  if (inputShape && firstC !== null && inputShape[0] !== firstC) throw new SparsetileError(`--input-shape ${inputShape.join('x')}: the first conv weight of ${file} reads ${firstC} channels, not ${inputShape[0]}.`);
  if (layers.length === 0) throw new SparsetileError(`${file}: holds no 4-D (conv) or 2-D (dense) weight tensor; there is nothing to lower onto the tile.`);
  return { file, format, weights, graph: null, layers, assumptions, unlowered, source };
}

/* ------------------------------------------------------------------------------ weights-only: graph-model */

interface TfNode { name: string; op: string; input?: string[]; attr?: Record<string, { list?: { i?: (string | number)[]; s?: string[] }; s?: string; i?: string | number; b?: boolean; shape?: { dim?: { size?: string | number }[] } }> }

const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('latin1') : '');

function fromGraphDef(file: string, topo: Record<string, unknown>, weights: Map<string, TfjsWeight>, inputShape: number[] | undefined, source: Record<string, unknown>): TfjsModel {
  const nodes = (topo.node as TfNode[]) ?? [];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const strip = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');
  const resolve = (name: string): string => {
    let n = strip(name);
    for (let i = 0; i < 20; i++) {
      const node = byName.get(n);
      if (node && node.op === 'Identity' && node.input?.[0]) n = strip(node.input[0]);
      else break;
    }
    return n;
  };
  const assumptions = ['graph-model: the TF GraphDef is not executed; conv and MatMul nodes whose filter is a stored weight are lowered with their own strides, padding and dilations (weights only, no activations)'];
  // spatial sizes: a small propagation over the GraphDef, NHWC
  const hw = new Map<string, [number, number] | null>();
  let assumed = false;
  const dflt: [number, number] = inputShape && inputShape.length === 3 ? [inputShape[1]!, inputShape[2]!] : [64, 64];
  const ints = (n: TfNode, a: string, d: number[]) => (n.attr?.[a]?.list?.i?.length ? n.attr[a]!.list!.i!.map(Number) : d);
  const sizeOf = (name: string, depth = 0): [number, number] | null => {
    const key = strip(name);
    if (hw.has(key)) return hw.get(key)!;
    const n = byName.get(key);
    let r: [number, number] | null = null;
    if (!n || depth > 2000) r = null;
    else if (n.op === 'Placeholder') {
      const d = (n.attr?.shape?.shape?.dim ?? []).map((x) => Number(x.size ?? -1));
      r = d.length === 4 && d[1]! > 0 && d[2]! > 0 && !inputShape ? [d[1]!, d[2]!] : d.length === 4 ? (assumed = true, dflt) : null;
    } else if (/Conv2D|DepthwiseConv2dNative|MaxPool|AvgPool/.test(n.op)) {
      const x = sizeOf(n.input?.[0] ?? '', depth + 1);
      if (x) {
        const st = ints(n, 'strides', [1, 1, 1, 1]);
        const dl = ints(n, 'dilations', [1, 1, 1, 1]);
        const k: number[] = /Pool/.test(n.op) ? ints(n, 'ksize', [1, 1, 1, 1]).slice(1, 3) : (weights.get(resolve(n.input?.[1] ?? ''))?.dims.slice(0, 2) ?? [1, 1]);
        const pad = b64(n.attr?.padding?.s);
        const ex = ints(n, 'explicit_paddings', []);
        r = [0, 1].map((a) => {
          const inS = x[a]!;
          if (pad === 'SAME') return Math.ceil(inS / st[a + 1]!);
          const p = pad === 'EXPLICIT' ? (ex[2 + 2 * a] ?? 0) + (ex[3 + 2 * a] ?? 0) : 0;
          return Math.floor((inS + p - dl[a + 1]! * (k[a]! - 1) - 1) / st[a + 1]!) + 1;
        }) as [number, number];
      }
    } else if (n.input?.length && !/MatMul|Reshape|Mean|Squeeze|Resize|Pad/.test(n.op)) r = sizeOf(n.input[0]!, depth + 1);
    hw.set(key, r);
    return r;
  };
  const layers: TfjsWeightsOnlyLayer[] = [];
  const used = new Set<string>();
  for (const n of nodes) {
    const isConv = /^(Conv2D|_FusedConv2D)$/.test(n.op);
    const isDw = /^(DepthwiseConv2dNative|FusedDepthwiseConv2dNative)$/.test(n.op);
    const isMm = /^(MatMul|_FusedMatMul)$/.test(n.op);
    if (!isConv && !isDw && !isMm) continue;
    const wname = resolve(n.input?.[1] ?? '');
    const w = weights.get(wname);
    if (!w) continue;
    used.add(wname);
    if (isMm) {
      if (w.dims.length !== 2) continue;
      const tb = !!n.attr?.transpose_b?.b;
      const [r0, c0] = w.dims as [number, number];
      const fc = tb ? Float64Array.from(w.data) : denseToFc(w.data, w.dims);
      const [F, I] = tb ? [r0, c0] : [c0, r0];
      layers.push({ spec: fcSpec(n.name, F, I), weights: fc, from: wname, tfShape: w.dims });
      continue;
    }
    if (w.dims.length !== 4) continue;
    if (b64(n.attr?.data_format?.s) === 'NCHW') throw new SparsetileError(`${file}: node "${n.name}" (${n.op}) uses data_format NCHW; sparsetile reads NHWC graph models.`);
    const st = ints(n, 'strides', [1, 1, 1, 1]);
    const dl = ints(n, 'dilations', [1, 1, 1, 1]);
    const [kh, kw, cin, cout] = w.dims as [number, number, number, number];
    const x = sizeOf(n.input?.[0] ?? '');
    if (!x) assumed = true;
    const [H, W] = x ?? dflt;
    const pad = b64(n.attr?.padding?.s);
    let pads: [number, number, number, number];
    if (pad === 'SAME') {
      const a = samePads(H, kh, st[1]!, dl[1]!);
      const b = samePads(W, kw, st[2]!, dl[2]!);
      pads = [a[0], b[0], a[1], b[1]];
    } else if (pad === 'EXPLICIT') {
      const ex = ints(n, 'explicit_paddings', [0, 0, 0, 0, 0, 0, 0, 0]);
      pads = [ex[2]!, ex[4]!, ex[3]!, ex[5]!];
    } else pads = [0, 0, 0, 0];
    const why = st[1] !== st[2] ? `strides [${st.join(', ')}] are not equal` : dl[1] !== dl[2] ? `dilations [${dl.join(', ')}] are not equal` : null;
    if (why) throw new SparsetileError(`${file}: node "${n.name}" (${n.op}) cannot be lowered onto the tile: its ${why}.`);
    if (pads[0] !== pads[2] || pads[1] !== pads[3]) assumptions.push(`"${n.name}": asymmetric padding [${pads.join(', ')}] (TF 'same' with stride ${st[1]}): written with the leading pad ${pads[0]}x${pads[1]}; the extra bottom/right zero row/column is the host's`);
    const geometry = { strideH: st[1]!, strideW: st[1]!, padTop: pads[0], padBottom: pads[0], padLeft: pads[1], padRight: pads[1], dilationH: dl[1]!, dilationW: dl[1]! };
    const spec = convSpec({ name: n.name, ...(isDw ? { filters: cin * cout, channels: 1, groups: cin } : { filters: cout, channels: cin }), kernelH: kh, kernelW: kw, inH: H, inW: W, ...geometry });
    layers.push({ spec, weights: isDw ? depthwiseToFcrq(w.data, w.dims) : hwioToFcrq(w.data, w.dims), from: wname, tfShape: w.dims });
  }
  if (assumed) assumptions.push(`some input sizes are unknown in the GraphDef: those layers assume ${dflt[0]} x ${dflt[1]}${inputShape ? ' (from --input-shape)' : ' (set it with --input-shape CxHxW)'}`);
  if (layers.length === 0) throw new SparsetileError(`${file}: the graph model has no Conv2D, DepthwiseConv2dNative or MatMul node whose filter is a stored weight; there is nothing to lower onto the tile.`);
  const unlowered = [...weights.values()].filter((w) => !used.has(w.name)).map((w) => `${w.name} [${w.dims.join(', ')}]`);
  return { file, format: 'graph-model', weights, graph: null, layers, assumptions, unlowered, source: { ...source, nodes: nodes.length } };
}

/* ------------------------------------------------------------------------------ weights-only import */

/**
 * Prunes and quantises the layers of a weights-only import (graph-model or bare manifest). No
 * activations are computed: nothing is run, so acts.npy is not written and activation sparsity,
 * activation fractional bits and forward errors are null in the manifest.
 */
export function importTfjsWeightsOnly(o: ImportOptions, m: TfjsModel): ImportResult {
  const bits = quantBits(o.quant);
  const { pruned, targets, groupInfo } = pruneLayers(m.layers, o);
  const notes = [...m.assumptions];
  if (o.input) notes.push(`--input ${o.input} was not used: a ${m.format} import does not run the network, so it has no real activations`);
  const layers: ImportedLayer[] = m.layers.map((l, i) => {
    const w = quantize(pruned[i]!, chooseFracBits(maxAbs(pruned[i]!), bits), bits);
    return importedLayer(i, l, w, o, { target: targets[i], lanes: groupInfo[i] ?? null }, null, {
      tfjsWeight: l.from,
      tfjsShape: l.tfShape,
      actFracBits: null,
      actSparsity: null,
      actSaturated: null,
      actMaxAbsFloat: null,
      layerErrorMax: null,
      layerErrorBound: null,
    });
  });
  const manifest = importManifest(o, workloadName(o, true), m.source, layers, {
    input: { image: null, shape: null, note: `weights only (${m.format}): the network was not run, so no acts.npy is written and activation sparsity is unknown` },
    forward: null,
    weightsOnly: true,
    assumptions: notes,
    unlowered: m.unlowered,
  });
  return { manifest, layers };
}
