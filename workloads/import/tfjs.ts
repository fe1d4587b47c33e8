/**
 * TensorFlow.js models: the second input format of `sparsetile import`.
 *
 * Accepted files:
 *  - `model.json` of a **layers-model** (Keras topology in `modelTopology` + `weightsManifest`). The
 *    topology is translated into the same graph IR the ONNX importer produces (NCHW, ONNX operator
 *    names, weights already in sparsetile layout), so the whole prune / quantise / float reference /
 *    integer forward pipeline runs on it unchanged (workloads/import/pipeline.ts).
 *  - `model.json` of a **graph-model** (a TF GraphDef in `modelTopology`). Conv / depthwise / MatMul
 *    nodes whose filter is a stored weight are lowered with the attributes of the node (strides,
 *    padding, dilations); the GraphDef is not executed, so this is a weights-only import.
 *  - a bare **`*weights_manifest.json`** (a JSON array of weight groups, as face-api.js ships). Without
 *    a topology the layers are inferred from the 4-D and 2-D tensors in manifest order, under stated
 *    assumptions (stride 1, 'same' padding, dilation 1, constant spatial size, 'depthwise' in the
 *    name marks a depthwise kernel); also a weights-only import.
 *
 * Weights: float32, int32, and the converter's quantised storage `quantization: {dtype: 'uint8' |
 * 'uint16', scale, min}` (value = q * scale + min, rounded to float32 as TF.js does) and
 * `{dtype: 'float16'}`. Shards of a group are concatenated and the weights read back to back.
 *
 * Layouts: TF.js conv kernels are HWIO [kh, kw, cin/groups, cout] -> sparsetile [F, C, R, Q];
 * depthwise kernels [kh, kw, cin, mult] -> [cin*mult, 1, kh, kw] with groups = cin (filter c*mult+m);
 * Dense kernels [in, out] -> [F=out, C=in]. A Dense that follows a Flatten of an H x W x C map has
 * its input rows permuted from TF's HWC flattening order to the CHW order the NCHW interpreter uses.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import type { LayerSpec } from '../../model/types.ts';
import { WORKLOAD_FORMAT, WORKLOAD_VERSION } from '../workload.ts';
import type { GraphNode, OnnxGraphIR, Tensor } from './onnx.ts';
import { layerDir, weightManifest } from './layer-manifest.ts';
import { pruneLayers } from './prune.ts';
import { chooseFracBits, maxAbs, quantize } from './quant.ts';
import type { ImportOptions, ImportResult, ImportedLayer } from './types.ts';

/* ------------------------------------------------------------------------------ file types */

/** True for inputs the TF.js importer reads: a model.json or a *weights_manifest.json. */
export function isTfjsFile(file: string): boolean {
  return /\.json$/i.test(file);
}

/** One decoded weight of a manifest, in TF.js layout. */
export interface TfjsWeight {
  readonly name: string;
  readonly dims: number[];
  readonly dtype: string;
  /** 'uint8' | 'uint16' | 'float16' when stored quantised. */
  readonly quantization: string | null;
  readonly data: Float64Array;
  /** Weight group (1-based) it came from. */
  readonly group: number;
}

interface ManifestEntry { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown; scale?: unknown; min?: unknown } }
interface ManifestGroup { paths?: unknown; weights?: unknown }

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

/* ------------------------------------------------------------------------------ weights */

const VALUE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

function float16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const prod = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

/**
 * Reads every weight of a manifest (a JSON array of groups). Shards are looked up beside the
 * manifest file. Every way the files can disagree is a SparsetileError naming the file and weight.
 */
export function readWeightsManifest(groups: unknown, file: string): Map<string, TfjsWeight> {
  const dir = dirname(file);
  if (!Array.isArray(groups)) throw new SparsetileError(`${file}: the weights manifest must be a JSON array of groups {paths, weights}, got ${typeof groups}.`);
  const out = new Map<string, TfjsWeight>();
  groups.forEach((g0: ManifestGroup, gi) => {
    const gn = gi + 1;
    if (!g0 || !Array.isArray(g0.paths) || !Array.isArray(g0.weights)) {
      throw new SparsetileError(`${file}: weight group ${gn} must have "paths" (shard files) and "weights" (their contents) arrays.`);
    }
    const shards = (g0.paths as unknown[]).map((p) => {
      if (typeof p !== 'string') throw new SparsetileError(`${file}: weight group ${gn} lists a shard path that is not a string: ${JSON.stringify(p)}.`);
      const path = join(dir, p);
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new SparsetileError(`${file}: weight group ${gn} lists shard "${p}", which does not exist (looked for ${path}). Copy every shard named in the manifest's "paths" beside it.`);
      }
      return { p, buf: readFileSync(path) };
    });
    const total = shards.reduce((a, s) => a + s.buf.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const s of shards) {
      bytes.set(s.buf, o);
      o += s.buf.length;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shardList = shards.map((s) => `${s.p} (${s.buf.length} bytes)`).join(', ');
    let off = 0;
    for (const w of g0.weights as ManifestEntry[]) {
      const name = typeof w?.name === 'string' ? w.name : '';
      if (!name) throw new SparsetileError(`${file}: weight group ${gn} has an entry without a name: ${JSON.stringify(w).slice(0, 80)}.`);
      const shape = w.shape;
      if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
        throw new SparsetileError(`${file}: weight "${name}" has shape ${JSON.stringify(shape)}; a shape must be a list of non-negative integers.`);
      }
      const dims = shape as number[];
      const count = prod(dims);
      const dtype = typeof w.dtype === 'string' ? w.dtype : 'float32';
      const q = w.quantization;
      let data: Float64Array;
      let need: number;
      const where = () => `${file}: weight "${name}" (shape [${dims.join(', ')}], ${q ? `${String(q.dtype)}-quantised ` : ''}${dtype}) needs ${need} bytes at offset ${off} of group ${gn}, but its shards [${shardList}] hold ${total} bytes in all: a shard is truncated, or the manifest's shapes are larger than the data. Re-export or re-copy the model.`;
      if (q) {
        const qd = String(q.dtype);
        if (!(qd in QUANT_BYTES)) throw new SparsetileError(`${file}: weight "${name}" is quantised as ${JSON.stringify(q.dtype)}; sparsetile reads uint8, uint16 and float16 quantisation.`);
        if (qd !== 'float16' && (typeof q.scale !== 'number' || typeof q.min !== 'number')) {
          throw new SparsetileError(`${file}: weight "${name}" is ${qd}-quantised but its quantization lacks a numeric "scale" and "min" (value = q * scale + min).`);
        }
        need = count * QUANT_BYTES[qd]!;
        if (off + need > total) throw new SparsetileError(where());
        data = new Float64Array(count);
        const scale = q.scale as number;
        const min = q.min as number;
        for (let i = 0; i < count; i++) {
          if (qd === 'uint8') data[i] = Math.fround(bytes[off + i]! * scale + min);
          else if (qd === 'uint16') data[i] = Math.fround(view.getUint16(off + 2 * i, true) * scale + min);
          else data[i] = float16(view.getUint16(off + 2 * i, true));
        }
        if (dtype === 'int32') for (let i = 0; i < count; i++) data[i] = Math.round(data[i]!);
      } else if (dtype === 'string') {
        // each string: uint32 byte length + bytes; skipped (not a numeric weight)
        need = 0;
        let p = off;
        for (let i = 0; i < count; i++) {
          if (p + 4 > total) { need = p + 4 - off; throw new SparsetileError(where()); }
          p += 4 + view.getUint32(p, true);
        }
        need = p - off;
        if (p > total) throw new SparsetileError(where());
        off = p;
        continue;
      } else {
        if (!(dtype in VALUE_BYTES)) throw new SparsetileError(`${file}: weight "${name}" has dtype ${JSON.stringify(dtype)}; sparsetile reads float32, int32, bool (and skips string).`);
        need = count * VALUE_BYTES[dtype]!;
        if (off + need > total) throw new SparsetileError(where());
        data = new Float64Array(dtype === 'complex64' ? 0 : count);
        for (let i = 0; i < data.length; i++) {
          data[i] = dtype === 'float32' ? view.getFloat32(off + 4 * i, true) : dtype === 'int32' ? view.getInt32(off + 4 * i, true) : bytes[off + i]!;
        }
      }
      off += need;
      if (out.has(name)) throw new SparsetileError(`${file}: weight "${name}" appears twice in the manifest.`);
      out.set(name, { name, dims, dtype, quantization: q ? String(q.dtype) : null, data, group: gn });
    }
    if (off !== total) {
      throw new SparsetileError(`${file}: the shapes in weight group ${gn} account for ${off} bytes, but its shards [${shardList}] hold ${total}: the manifest does not describe these shards (${total - off} bytes left over). Use the manifest that was exported with them.`);
    }
  });
  return out;
}

/* ------------------------------------------------------------------------------ layouts */

/** HWIO [kh, kw, cin, cout] -> [F=cout, C=cin, R=kh, Q=kw]. */
export function hwioToFcrq(k: ArrayLike<number>, dims: readonly number[]): Float64Array {
  const [R, Q, C, F] = dims as [number, number, number, number];
  const out = new Float64Array(F * C * R * Q);
  for (let r = 0; r < R; r++) for (let q = 0; q < Q; q++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) out[((f * C + c) * R + r) * Q + q] = k[((r * Q + q) * C + c) * F + f]!;
  return out;
}

/** Depthwise [kh, kw, cin, mult] -> [F=cin*mult, 1, kh, kw]; filter c*mult+m reads channel c (groups = cin). */
export function depthwiseToFcrq(k: ArrayLike<number>, dims: readonly number[]): Float64Array {
  const [R, Q, C, M] = dims as [number, number, number, number];
  const out = new Float64Array(C * M * R * Q);
  for (let r = 0; r < R; r++) for (let q = 0; q < Q; q++) for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) out[((c * M + m) * R + r) * Q + q] = k[((r * Q + q) * C + c) * M + m]!;
  return out;
}

/**
 * Dense [in, out] -> [F=out, C=in]. With `hwc` = [H, W, C] (the Dense follows a Flatten of that map),
 * column index (c*H + h)*W + w of the result reads TF row (h*W + w)*C + c.
 */
export function denseToFc(k: ArrayLike<number>, dims: readonly number[], hwc?: readonly number[] | null): Float64Array {
  const [I, F] = dims as [number, number];
  const out = new Float64Array(F * I);
  const perm = new Uint32Array(I);
  for (let i = 0; i < I; i++) perm[i] = i;
  if (hwc) {
    const [H, W, C] = hwc as [number, number, number];
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) perm[(c * H + h) * W + w] = (h * W + w) * C + c;
  }
  for (let f = 0; f < F; f++) for (let i = 0; i < I; i++) out[f * I + i] = k[perm[i]! * F + f]!;
  return out;
}

/** TF 'same' padding: [before, after] for one axis. */
export function samePads(inS: number, k: number, s: number, d: number): [number, number] {
  const o = Math.ceil(inS / s);
  const total = Math.max(0, (o - 1) * s + d * (k - 1) + 1 - inS);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/* ------------------------------------------------------------------------------ reading */

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SparsetileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SparsetileError(`${file}: is not valid JSON (${(e as Error).message}); a TF.js model.json or *weights_manifest.json is expected. The file may be truncated.`);
  }
}

/**
 * Reads a TF.js model.json or bare weights manifest. `inputShape` (C x H x W) sets or overrides the
 * input size; without it a dynamic size defaults to 64 x 64 (said in the assumptions).
 */
export function readTfjs(file: string, opts: { inputShape?: number[] } = {}): TfjsModel {
  const raw = readJson(file);
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
  return fromKeras(file, topo, weights, opts.inputShape, source);
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
      const spec: LayerSpec = dw
        ? { name: w.name, kind: 'conv', filters: cin * cout, channels: 1, kernelH: kh, kernelW: kw, inH: H, inW: W, strideH: 1, strideW: 1, padTop: padH, padBottom: padH, padLeft: padW, padRight: padW, dilationH: 1, dilationW: 1, groups: cin }
        : { name: w.name, kind: 'conv', filters: cout, channels: cin, kernelH: kh, kernelW: kw, inH: H, inW: W, strideH: 1, strideW: 1, padTop: padH, padBottom: padH, padLeft: padW, padRight: padW, dilationH: 1, dilationW: 1, groups: 1 };
      layers.push({ spec, weights: dw ? depthwiseToFcrq(w.data, w.dims) : hwioToFcrq(w.data, w.dims), from: w.name, tfShape: w.dims });
    } else if (w.dims.length === 2) {
      const [I, F] = w.dims as [number, number];
      layers.push({ spec: { name: w.name, kind: 'fc', filters: F, channels: I, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 }, weights: denseToFc(w.data, w.dims), from: w.name, tfShape: w.dims });
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
      layers.push({ spec: { name: n.name, kind: 'fc', filters: F, channels: I, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 }, weights: fc, from: wname, tfShape: w.dims });
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
    const spec: LayerSpec = isDw
      ? { name: n.name, kind: 'conv', filters: cin * cout, channels: 1, kernelH: kh, kernelW: kw, inH: H, inW: W, strideH: st[1]!, strideW: st[1]!, padTop: pads[0], padBottom: pads[0], padLeft: pads[1], padRight: pads[1], dilationH: dl[1]!, dilationW: dl[1]!, groups: cin }
      : { name: n.name, kind: 'conv', filters: cout, channels: cin, kernelH: kh, kernelW: kw, inH: H, inW: W, strideH: st[1]!, strideW: st[1]!, padTop: pads[0], padBottom: pads[0], padLeft: pads[1], padRight: pads[1], dilationH: dl[1]!, dilationW: dl[1]!, groups: 1 };
    layers.push({ spec, weights: isDw ? depthwiseToFcrq(w.data, w.dims) : hwioToFcrq(w.data, w.dims), from: wname, tfShape: w.dims });
  }
  if (assumed) assumptions.push(`some input sizes are unknown in the GraphDef: those layers assume ${dflt[0]} x ${dflt[1]}${inputShape ? ' (from --input-shape)' : ' (set it with --input-shape CxHxW)'}`);
  if (layers.length === 0) throw new SparsetileError(`${file}: the graph model has no Conv2D, DepthwiseConv2dNative or MatMul node whose filter is a stored weight; there is nothing to lower onto the tile.`);
  const unlowered = [...weights.values()].filter((w) => !used.has(w.name)).map((w) => `${w.name} [${w.dims.join(', ')}]`);
  return { file, format: 'graph-model', weights, graph: null, layers, assumptions, unlowered, source: { ...source, nodes: nodes.length } };
}

/* ------------------------------------------------------------------------------ layers-model -> graph IR */

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

function fromKeras(file: string, topo0: Record<string, unknown>, weights: Map<string, TfjsWeight>, inputShape: number[] | undefined, source: Record<string, unknown>): TfjsModel {
  const topo = (topo0.model_config ?? topo0) as { class_name?: string; config?: unknown };
  const cls = topo.class_name;
  const cfg = topo.config as { layers?: KerasLayer[]; name?: string; input_layers?: unknown; output_layers?: unknown } | KerasLayer[] | undefined;
  const klayers: KerasLayer[] | undefined = Array.isArray(cfg) ? cfg : cfg?.layers;
  if (!klayers || !Array.isArray(klayers)) throw new SparsetileError(`${file}: modelTopology is a ${cls ?? 'model'} without a layer list; sparsetile reads Keras Sequential and functional (Model) layers-models.`);
  const sequential = cls === 'Sequential';
  if (!sequential && cls !== 'Model' && cls !== 'Functional') throw new SparsetileError(`${file}: modelTopology is a ${String(cls)}; sparsetile reads Keras Sequential and functional (Model / Functional) layers-models.`);

  const assumptions: string[] = [];
  const nodes: GraphNode[] = [];
  const constants = new Map<string, Tensor>();
  const vals = new Map<string, Val>();
  const usedWeights = new Set<string>();
  const st: { input: { name: string; dims: (number | null)[] } | null; last: Val | null } = { input: null, last: null };
  let uid = 0;
  const fresh = (base: string) => `${base}#${uid++}`;
  const add = (op: string, name: string, inputs: string[], attrs: Attr[] = []): string => {
    const out = fresh(name);
    nodes.push({ name, op, inputs, outputs: [out], attrs: new Map(attrs.map((a) => [a.name, a])) });
    return out;
  };
  const constant = (name: string, dims: number[], data: Float64Array): string => {
    const key = fresh(name);
    constants.set(key, { dims, data });
    return key;
  };
  const fail = (l: KerasLayer, why: string): never => {
    throw new SparsetileError(`${file}: layer "${l.config.name ?? l.name}" (${l.class_name}) ${why}`);
  };
  const weight = (l: KerasLayer, lname: string, w: string, expect?: (number | null)[]): TfjsWeight => {
    const want = `${lname}/${w}`;
    let hit = weights.get(want);
    if (!hit) {
      const cands = [...weights.keys()].filter((k) => k.endsWith(`/${want}`) && !usedWeights.has(k));
      if (cands.length >= 1) hit = weights.get(cands[0]!);
    }
    if (!hit) {
      const names = [...weights.keys()];
      fail(l, `needs weight "${want}", which the weights manifest does not list (it lists ${names.slice(0, 8).map((n) => `"${n}"`).join(', ')}${names.length > 8 ? `, ... ${names.length} in all` : ''}).`);
    }
    if (expect && (hit!.dims.length !== expect.length || expect.some((e, i) => e !== null && e !== hit!.dims[i]))) {
      fail(l, `expects weight "${hit!.name}" of shape [${expect.map((e) => e ?? '?').join(', ')}], but the manifest gives [${hit!.dims.join(', ')}]: the topology and the weights do not match.`);
    }
    usedWeights.add(hit!.name);
    return hit!;
  };

  const makeInput = (l: KerasLayer, shape0: unknown[]): Val => {
    if (st.input) fail(l, 'is a second model input; sparsetile imports single-input models.');
    const shp = shape0.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : null));
    let val: Val;
    if (shp.length === 3) {
      const C = shp[2] as number | null;
      let [H, W] = shp as [number | null, number | null];
      if (C === null) fail(l, 'has an input with an unknown channel count.');
      if (inputShape) {
        if (inputShape.length !== 3 || inputShape[0] !== C) throw new SparsetileError(`--input-shape must be ${C}xHxW for ${file} (its input has ${C} channels), got ${inputShape.join('x')}.`);
        [, H, W] = inputShape as [number, number, number];
      } else if (H === null || W === null) {
        assumptions.push(`the input size is dynamic: assumed ${H ?? 64} x ${W ?? 64} (set it with --input-shape ${C}xHxW)`);
        H ??= 64;
        W ??= 64;
      }
      st.input = { name: 'input', dims: [1, C, H, W] };
      val = { v: 'input', shape: [C!, H!, W!], hwc: null };
    } else if (shp.length === 1 && shp[0] !== null) {
      const N = shp[0];
      const s = Math.round(Math.sqrt(N));
      const s3 = Math.round(Math.sqrt(N / 3));
      const [C, S] = s * s === N ? [1, s] : 3 * s3 * s3 === N ? [3, s3] : [N, 1];
      st.input = { name: 'input', dims: [1, C, S, S] };
      assumptions.push(S > 1 ? `the input is a flat vector of ${N}: treated as a ${S} x ${S}${C > 1 ? ` x ${C}` : ''} image flattened in TF (HWC) order` : `the input is a flat vector of ${N}, fed as ${N} channels of a 1 x 1 image`);
      const flat = add('Flatten', 'input/flatten', ['input'], [aInt('axis', 1)]);
      val = { v: flat, shape: [N], hwc: [S, S, C] };
    } else {
      return fail(l, `has input shape ${JSON.stringify(shape0)}; sparsetile imports image models (batch, H, W, C) and flat (batch, N) inputs.`);
    }
    return val;
  };

  const act = (l: KerasLayer, x: Val, a: unknown, base: string): Val => {
    const name = typeof a === 'string' ? a : a && typeof a === 'object' ? String((a as { class_name?: string; config?: { name?: string } }).config?.name ?? (a as { class_name?: string }).class_name) : 'linear';
    const to = (v: string): Val => ({ ...x, v });
    switch (name.toLowerCase()) {
      case 'linear': case 'none': case 'null': case 'undefined': return x;
      case 'relu': return to(add('Relu', `${base}/relu`, [x.v]));
      case 'relu6': return to(add('Clip', `${base}/relu6`, [x.v], [aFloat('min', 0), aFloat('max', 6)]));
      case 'sigmoid': return to(add('Sigmoid', `${base}/sigmoid`, [x.v]));
      case 'tanh': return to(add('Tanh', `${base}/tanh`, [x.v]));
      case 'hard_sigmoid': case 'hardsigmoid': return to(add('HardSigmoid', `${base}/hard_sigmoid`, [x.v], [aFloat('alpha', 0.2), aFloat('beta', 0.5)]));
      case 'swish': case 'silu': return to(add('Mul', `${base}/swish`, [x.v, add('Sigmoid', `${base}/swish_sigmoid`, [x.v])]));
      case 'softmax':
        if (x.shape.length !== 1) fail(l, 'applies softmax to a feature map; sparsetile supports softmax on flat vectors only.');
        return to(add('Softmax', `${base}/softmax`, [x.v], [aInt('axis', -1)]));
      default: return fail(l, `uses activation "${name}", which sparsetile's TF.js importer does not support (linear, relu, relu6, sigmoid, tanh, hard_sigmoid, swish, softmax).`);
    }
  };

  /** Zero rows/columns around a [C, H, W] map, built from Concat with zero constants. */
  const zeroPad = (x: Val, base: string, t: number, b: number, le: number, ri: number): Val => {
    const C = x.shape[0]!;
    let [, H, W] = x.shape as [number, number, number];
    let v = x.v;
    const cat = (axis: number, before: number, after: number) => {
      const parts: string[] = [];
      const zeros = (n: number) => constant(`${base}/zeros`, axis === 2 ? [1, C, n, W] : [1, C, H, n], new Float64Array(C * n * (axis === 2 ? W : H)));
      if (before) parts.push(zeros(before));
      parts.push(v);
      if (after) parts.push(zeros(after));
      if (parts.length > 1) v = add('Concat', `${base}/pad`, parts, [aInt('axis', axis)]);
      if (axis === 2) H += before + after;
      else W += before + after;
    };
    cat(2, t, b);
    cat(3, le, ri);
    return { v, shape: [C, H, W], hwc: null };
  };

  const need4 = (l: KerasLayer, x: Val) => {
    if (x.shape.length !== 3) fail(l, `receives a flat input of ${x.shape[0]}; it needs a (H, W, C) feature map.`);
    if (l.config.data_format === 'channels_first') fail(l, 'uses data_format channels_first; sparsetile reads channels_last TF.js models.');
  };

  const conv = (l: KerasLayer, x: Val, lname: string, nodeName: string, k: Float64Array, F: number, C: number, kh: number, kw: number, groups: number, bias: TfjsWeight | null): Val => {
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
        xin = zeroPad(x, `${lname}/same_pad`, 0, a[1] - a[0], 0, b[1] - b[0]);
        assumptions.push(`"${lname}": TF 'same' padding is asymmetric here (top/left ${a[0]}/${b[0]}, bottom/right ${a[1]}/${b[1]}): the host appends the extra zero row/column, the tile pads ${ph}x${pw} symmetrically`);
      }
    } else if (padding !== 'valid') fail(l, `uses padding "${padding}"; sparsetile supports 'same' and 'valid'.`);
    const wv = constant(`${nodeName}/W`, [F, C, kh, kw], k);
    const inputs = [xin.v, wv];
    if (bias) inputs.push(constant(`${nodeName}/B`, [F], Float64Array.from(bias.data)));
    const out = add('Conv', nodeName, inputs, [aInts('strides', [sh, sw]), aInts('pads', [ph, pw, ph, pw]), aInts('dilations', [dh, dw]), aInt('group', groups), aInts('kernel_shape', [kh, kw])]);
    const [, Hp, Wp] = xin.shape as [number, number, number];
    const oH = Math.floor((Hp + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const oW = Math.floor((Wp + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    if (oH < 1 || oW < 1) fail(l, `produces an empty output from a ${H} x ${W} input; give a larger --input-shape.`);
    return { v: out, shape: [F, oH, oW], hwc: null };
  };

  const pool = (l: KerasLayer, x: Val, lname: string, kind: 'MaxPool' | 'AveragePool'): Val => {
    need4(l, x);
    const [C, H, W] = x.shape as [number, number, number];
    const [kh, kw] = pair(l.config.pool_size, 2);
    const [sh, sw] = l.config.strides === null || l.config.strides === undefined ? [kh, kw] : pair(l.config.strides, kh);
    let pads = [0, 0, 0, 0];
    if (l.config.padding === 'same') {
      const a = samePads(H, kh, sh, 1);
      const b = samePads(W, kw, sw, 1);
      pads = [a[0], b[0], a[1], b[1]];
    }
    const out = add(kind, lname, [x.v], [aInts('kernel_shape', [kh, kw]), aInts('strides', [sh, sw]), aInts('pads', pads)]);
    const oH = Math.floor((H + pads[0]! + pads[2]! - kh) / sh) + 1;
    const oW = Math.floor((W + pads[1]! + pads[3]! - kw) / sw) + 1;
    return { v: out, shape: [C, oH, oW], hwc: null };
  };

  const inboundOf = (l: KerasLayer): string[] => {
    const ib = l.inbound_nodes ?? [];
    if (ib.length === 0) return [];
    if (ib.length > 1) fail(l, 'is called more than once (a shared layer); sparsetile imports each layer applied once.');
    const node = ib[0] as unknown;
    if (Array.isArray(node)) return node.map((e) => String((e as unknown[])[0]));
    const args = (node as { args?: unknown[] }).args ?? [];
    const names: string[] = [];
    const walk = (a: unknown) => {
      if (Array.isArray(a)) a.forEach(walk);
      else if (a && typeof a === 'object') {
        const h = (a as { config?: { keras_history?: unknown[] } }).config?.keras_history;
        if (h) names.push(String(h[0]));
      }
    };
    walk(args);
    return names;
  };

  klayers.forEach((l, li) => {
    const c = l.config ?? {};
    const lname = String(c.name ?? l.name ?? `${l.class_name}_${li}`);
    let ins: Val[];
    if (sequential) {
      if (!st.last) {
        const bis = (c.batch_input_shape ?? c.batch_shape) as unknown[] | undefined;
        if (!bis) fail(l, 'is the first layer of a Sequential model but gives no batch_input_shape; sparsetile cannot tell the input size.');
        st.last = makeInput(l, bis!);
        if (l.class_name === 'InputLayer') { vals.set(lname, st.last); return; }
      }
      ins = [st.last];
    } else {
      if (l.class_name === 'InputLayer') {
        vals.set(lname, makeInput(l, (c.batch_input_shape ?? c.batch_shape) as unknown[]));
        return;
      }
      ins = inboundOf(l).map((n) => vals.get(n) ?? fail(l, `reads layer "${n}", which does not come before it.`));
      if (ins.length === 0) fail(l, 'has no inbound layer.');
    }
    const x = ins[0]!;
    let y: Val;
    switch (l.class_name) {
      case 'InputLayer': return fail(l, 'is a second input layer; sparsetile imports single-input models.');
      case 'Conv2D': case 'Conv2d': {
        need4(l, x);
        const [kh, kw] = pair(c.kernel_size, 1);
        const groups = Number(c.groups ?? 1);
        const F = Number(c.filters);
        const Cin = x.shape[0]!;
        if (Cin % groups !== 0 || F % groups !== 0) fail(l, `has groups ${groups}, which does not divide its ${Cin} input channels and ${F} filters.`);
        const k = weight(l, lname, 'kernel', [kh, kw, Cin / groups, F]);
        const b = c.use_bias === false ? null : weight(l, lname, 'bias', [F]);
        y = conv(l, x, lname, lname, hwioToFcrq(k.data, k.dims), F, Cin / groups, kh, kw, groups, b);
        y = act(l, y, c.activation, lname);
        break;
      }
      case 'DepthwiseConv2D': {
        need4(l, x);
        const [kh, kw] = pair(c.kernel_size, 1);
        const M = Number(c.depth_multiplier ?? 1);
        const Cin = x.shape[0]!;
        const k = weight(l, lname, 'depthwise_kernel', [kh, kw, Cin, M]);
        const b = c.use_bias === false ? null : weight(l, lname, 'bias', [Cin * M]);
        y = conv(l, x, lname, lname, depthwiseToFcrq(k.data, k.dims), Cin * M, 1, kh, kw, Cin, b);
        y = act(l, y, c.activation, lname);
        break;
      }
      case 'SeparableConv2D': {
        need4(l, x);
        const [kh, kw] = pair(c.kernel_size, 1);
        const M = Number(c.depth_multiplier ?? 1);
        const F = Number(c.filters);
        const Cin = x.shape[0]!;
        const dk = weight(l, lname, 'depthwise_kernel', [kh, kw, Cin, M]);
        const pk = weight(l, lname, 'pointwise_kernel', [1, 1, Cin * M, F]);
        const b = c.use_bias === false ? null : weight(l, lname, 'bias', [F]);
        const d = conv(l, x, lname, `${lname}/depthwise`, depthwiseToFcrq(dk.data, dk.dims), Cin * M, 1, kh, kw, Cin, null);
        const pl: KerasLayer = { ...l, config: { ...c, strides: 1, dilation_rate: 1, padding: 'valid' } };
        y = conv(pl, d, lname, `${lname}/pointwise`, hwioToFcrq(pk.data, pk.dims), F, Cin * M, 1, 1, 1, b);
        y = act(l, y, c.activation, lname);
        break;
      }
      case 'Dense': {
        if (x.shape.length !== 1) fail(l, `receives a [${x.shape.join(', ')}] feature map; sparsetile lowers Dense layers on flat inputs (put a Flatten or global pooling before it).`);
        const F = Number(c.units);
        const I = x.shape[0]!;
        const k = weight(l, lname, 'kernel', [I, F]);
        const b = c.use_bias === false ? null : weight(l, lname, 'bias', [F]);
        if (x.hwc && x.hwc[0]! * x.hwc[1]! > 1 && x.hwc[2]! > 1) assumptions.push(`"${lname}": Dense after Flatten: kernel rows permuted from TF's H,W,C flattening order to the C,H,W order of the tile`);
        const wv = constant(`${lname}/W`, [F, I], denseToFc(k.data, k.dims, x.hwc));
        const inputs = [x.v, wv];
        if (b) inputs.push(constant(`${lname}/B`, [F], Float64Array.from(b.data)));
        y = { v: add('Gemm', lname, inputs, [aInt('transB', 1)]), shape: [F], hwc: null };
        y = act(l, y, c.activation, lname);
        break;
      }
      case 'Flatten': {
        if (x.shape.length === 1) { y = x; break; }
        need4(l, x);
        const [C, H, W] = x.shape as [number, number, number];
        y = { v: add('Flatten', lname, [x.v], [aInt('axis', 1)]), shape: [C * H * W], hwc: [H, W, C] };
        break;
      }
      case 'Reshape': {
        const ts = (c.target_shape as unknown[] | undefined) ?? [];
        const n = prod(x.shape);
        if (ts.length === 1 && (ts[0] === -1 || ts[0] === n)) {
          y = x.shape.length === 1 ? x : { v: add('Flatten', lname, [x.v], [aInt('axis', 1)]), shape: [n], hwc: [x.shape[1]!, x.shape[2]!, x.shape[0]!] };
          break;
        }
        return fail(l, `reshapes to ${JSON.stringify(ts)}; sparsetile supports Reshape to a flat vector only.`);
      }
      case 'Activation': y = act(l, x, c.activation, lname); break;
      case 'ReLU': {
        const mv = c.max_value;
        const ns = Number(c.negative_slope ?? 0);
        if (Number(c.threshold ?? 0) !== 0) fail(l, 'has a non-zero threshold, which sparsetile does not support.');
        if (ns) y = { ...x, v: add('LeakyRelu', lname, [x.v], [aFloat('alpha', ns)]) };
        else y = { ...x, v: add('Relu', lname, [x.v]) };
        if (typeof mv === 'number') y = { ...y, v: add('Clip', `${lname}/max`, [y.v], [aFloat('min', ns ? -Infinity : 0), aFloat('max', mv)]) };
        break;
      }
      case 'LeakyReLU': y = { ...x, v: add('LeakyRelu', lname, [x.v], [aFloat('alpha', Number(c.alpha ?? c.negative_slope ?? 0.3))]) }; break;
      case 'Softmax': y = act(l, x, 'softmax', lname); break;
      case 'Dropout': case 'SpatialDropout2D': case 'GaussianNoise': case 'GaussianDropout': case 'AlphaDropout': case 'ActivityRegularization':
        y = x; // inference: identity
        break;
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis ?? -1;
        const C = x.shape[0]!;
        if (!(axis === -1 || axis === (x.shape.length === 1 ? 1 : 3))) fail(l, `normalises axis ${JSON.stringify(c.axis)}; sparsetile supports the channel axis (-1).`);
        const gamma = c.scale === false ? Float64Array.from({ length: C }, () => 1) : Float64Array.from(weight(l, lname, 'gamma', [C]).data);
        const beta = c.center === false ? new Float64Array(C) : Float64Array.from(weight(l, lname, 'beta', [C]).data);
        const mean = Float64Array.from(weight(l, lname, 'moving_mean', [C]).data);
        const vr = Float64Array.from(weight(l, lname, 'moving_variance', [C]).data);
        const ins2 = [x.v, constant(`${lname}/gamma`, [C], gamma), constant(`${lname}/beta`, [C], beta), constant(`${lname}/mean`, [C], mean), constant(`${lname}/var`, [C], vr)];
        y = { ...x, v: add('BatchNormalization', lname, ins2, [aFloat('epsilon', Number(c.epsilon ?? 1e-3))]) };
        break;
      }
      case 'MaxPooling2D': case 'MaxPool2D': y = pool(l, x, lname, 'MaxPool'); break;
      case 'AveragePooling2D': case 'AvgPool2D': y = pool(l, x, lname, 'AveragePool'); break;
      case 'GlobalAveragePooling2D': case 'GlobalAvgPool2D': case 'GlobalMaxPooling2D': case 'GlobalMaxPool2D': {
        need4(l, x);
        const [C, H, W] = x.shape as [number, number, number];
        const p = /Max/.test(l.class_name) ? add('MaxPool', lname, [x.v], [aInts('kernel_shape', [H, W]), aInts('strides', [1, 1])]) : add('GlobalAveragePool', lname, [x.v]);
        if (c.keepdims === true) { y = { v: p, shape: [C, 1, 1], hwc: null }; break; }
        y = { v: add('Flatten', `${lname}/flatten`, [p], [aInt('axis', 1)]), shape: [C], hwc: null };
        break;
      }
      case 'ZeroPadding2D': {
        need4(l, x);
        const p = c.padding;
        let t: number, b: number, le: number, ri: number;
        if (typeof p === 'number') [t, b, le, ri] = [p, p, p, p];
        else if (Array.isArray(p) && Array.isArray(p[0])) [[t, b], [le, ri]] = p as [[number, number], [number, number]];
        else {
          [t, le] = pair(p, 1);
          [b, ri] = [t, le];
        }
        y = zeroPad(x, lname, t, b, le, ri);
        break;
      }
      case 'Add': case 'Multiply': {
        if (ins.length < 2) fail(l, 'has fewer than two inputs.');
        let v = x.v;
        for (const o of ins.slice(1)) {
          if (o.shape.join() !== x.shape.join()) fail(l, `combines inputs of shapes [${x.shape.join(', ')}] and [${o.shape.join(', ')}].`);
          v = add(l.class_name === 'Add' ? 'Add' : 'Mul', lname, [v, o.v]);
        }
        y = { ...x, v };
        break;
      }
      case 'Concatenate': {
        const axis = Number(c.axis ?? -1);
        if (!(axis === -1 || axis === x.shape.length)) fail(l, `concatenates along axis ${axis}; sparsetile supports the channel axis (-1).`);
        if (ins.some((o) => o.shape.length !== x.shape.length || o.shape.slice(1).join() !== x.shape.slice(1).join())) fail(l, 'concatenates inputs whose other dimensions differ.');
        if (x.shape.length === 1 && ins.some((o) => o.hwc && o.hwc[0]! * o.hwc[1]! > 1)) fail(l, 'concatenates flattened feature maps, whose TF flattening order sparsetile does not track.');
        const tot = ins.reduce((a, o) => a + o.shape[0]!, 0);
        y = { v: add('Concat', lname, ins.map((o) => o.v), [aInt('axis', 1)]), shape: [tot, ...x.shape.slice(1)], hwc: null };
        break;
      }
      default:
        return fail(l, `is a layer class sparsetile's TF.js importer does not support. Supported layer classes: ${SUPPORTED_LAYERS.join(', ')}.`);
    }
    vals.set(lname, y);
    st.last = y;
  });
  if (!st.input || !st.last) throw new SparsetileError(`${file}: the model has no input layer with a batch_input_shape; sparsetile cannot tell the input size.`);
  let outName: string;
  if (sequential) outName = st.last.v;
  else {
    const ol = (cfg as { output_layers?: unknown[] }).output_layers ?? [];
    const first = Array.isArray(ol[0]) ? String((ol[0] as unknown[])[0]) : ol.length ? String(ol[0]) : null;
    outName = (first ? vals.get(first)?.v : undefined) ?? st.last.v;
  }
  const unused = [...weights.keys()].filter((k) => !usedWeights.has(k));
  if (unused.length) assumptions.push(`weights not used by any supported layer: ${unused.slice(0, 6).join(', ')}${unused.length > 6 ? ` ... (${unused.length})` : ''}`);
  const graph: OnnxGraphIR = { file, opset: 0, inputs: [st.input], outputs: [outName], nodes, constants };
  return { file, format: 'layers-model', weights, graph, layers: [], assumptions, unlowered: unused, source: { ...source, modelClass: cls, kerasLayers: klayers.length } };
}

/* ------------------------------------------------------------------------------ weights-only import */

/**
 * Prunes and quantises the layers of a weights-only import (graph-model or bare manifest). No
 * activations are computed: nothing is run, so acts.npy is not written and activation sparsity,
 * activation fractional bits and forward errors are null in the manifest.
 */
export function importTfjsWeightsOnly(o: ImportOptions, m: TfjsModel): ImportResult {
  const bits = o.quant === 'int8' ? 8 : 16;
  const ls = m.layers;
  const { pruned, targets, groupInfo } = pruneLayers(ls, o);
  const notes = [...m.assumptions];
  if (o.input) notes.push(`--input ${o.input} was not used: a ${m.format} import does not run the network, so it has no real activations`);
  const layers: ImportedLayer[] = ls.map((l, i) => {
    const w = quantize(pruned[i]!, chooseFracBits(maxAbs(pruned[i]!), bits), bits);
    const dir = layerDir(i, l.spec);
    const s = l.spec;
    return {
      spec: s,
      dir,
      weightsQ: w.q,
      actsQ: null,
      manifest: {
        name: s.name,
        dir,
        ...weightManifest(s, l.weights, w, o.global ? o.prune ?? null : targets[i] ?? null, groupInfo[i]),
        tfjsWeight: l.from,
        tfjsShape: l.tfShape,
        actFracBits: null,
        actSparsity: null,
        actSaturated: null,
        actMaxAbsFloat: null,
        layerErrorMax: null,
        layerErrorBound: null,
      },
    };
  });
  const base = basename(m.file).replace(/\.json$/i, '').replace(/[-_.]?weights_manifest$/i, '');
  const name = o.name ?? (base === 'model' || base === '' ? basename(dirname(m.file)) : base).replace(/[^A-Za-z0-9_.-]+/g, '_');
  const manifest = {
    format: WORKLOAD_FORMAT,
    version: WORKLOAD_VERSION,
    name,
    synthetic: false,
    source: m.source,
    input: { image: null, shape: null, note: `weights only (${m.format}): the network was not run, so no acts.npy is written and activation sparsity is unknown` },
    prune: { target: o.prune ?? null, structured: !!o.structured, global: !!o.global, densityTable: o.densityTable ?? null, lanes: o.lanes },
    quant: { scheme: `symmetric ${o.quant}`, bits, note: 'value = q / 2^fracBits, per-layer fracBits: the most that do not overflow' },
    density: layers.reduce((a, l) => a + l.manifest.density * l.manifest.weights, 0) / layers.reduce((a, l) => a + l.manifest.weights, 0),
    forward: null,
    weightsOnly: true,
    assumptions: notes,
    unlowered: m.unlowered,
    layers: layers.map((l) => l.manifest),
  };
  return { manifest, layers };
}
