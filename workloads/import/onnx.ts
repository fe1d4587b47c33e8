/**
 * ONNX files: decoding (onnx-proto) into a small graph IR, with every way a file can be unusable
 * reported as one SparsetileError paragraph that names the file: not ONNX, truncated, an opset
 * ONNX Runtime does not support, external data that is missing or short.
 *
 * The decoded ModelProto is kept (external data inlined), because ONNX Runtime runs copies of it:
 * the float reference and the host part of the integer pass (workloads/import/onnx-run.ts).
 */
import { existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import onnxPkg from 'onnx-proto';
import { checkArraySize } from '../../contract/budget.ts';
import { SparsetileError } from '../../contract/errors.ts';
import { INPUT_LIMITS, readInputFile } from '../../tools/input.ts';
import { fromFloat16 } from './tensor.ts';

export interface OnnxCodec {
  ModelProto: { decode(b: Uint8Array): OnnxModelProto; encode(m: OnnxModelProto): { finish(): Uint8Array }; create(m: object): OnnxModelProto };
}
export const { onnx } = onnxPkg as unknown as { onnx: OnnxCodec };

interface Long { toNumber(): number }
export type Num = number | Long;
export interface OnnxTensorProto {
  name?: string; dims?: Num[]; dataType?: number; floatData?: number[]; int64Data?: Num[]; int32Data?: number[]; doubleData?: number[]; uint64Data?: Num[];
  rawData?: Uint8Array; dataLocation?: number; externalData?: { key?: string; value?: string }[];
}
export interface OnnxAttribute { name: string; type?: number; i?: Num; f?: number; ints?: Num[]; floats?: number[]; s?: Uint8Array; t?: OnnxTensorProto; g?: unknown; graphs?: unknown[] }
export interface OnnxNode { name?: string; opType: string; domain?: string; input: string[]; output: string[]; attribute: OnnxAttribute[] }
export interface OnnxValueInfo { name: string; type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: Num; dimParam?: string }[] } } } }
export interface OnnxGraph { name?: string; node: OnnxNode[]; initializer: OnnxTensorProto[]; input: OnnxValueInfo[]; output: OnnxValueInfo[]; valueInfo?: OnnxValueInfo[] }
export interface OnnxModelProto { graph?: OnnxGraph; irVersion?: Num; opsetImport?: { domain?: string; version?: Num }[] }

export const num = (v: Num | undefined | null): number => (v === undefined || v === null ? 0 : typeof v === 'number' ? v : v.toNumber());

/** The default-domain opsets ONNX Runtime 1.30 officially supports. */
export const OPSET_RANGE = { min: 7, max: 26 } as const;

/** A dense float tensor, row-major. */
export interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

export interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttribute>;
  /** The node as decoded, for the single-node models ONNX Runtime runs on the host. */
  readonly proto: OnnxNode;
}

export interface OnnxGraphIR {
  readonly file: string;
  readonly opset: number;
  /** The graph's run-time inputs (initializers excluded), dims null where dynamic. */
  readonly inputs: { name: string; dims: (number | null)[] }[];
  readonly outputs: string[];
  /** Nodes in file (topological) order, Constant nodes excluded. */
  readonly nodes: GraphNode[];
  /** Initializers and Constant-node outputs that decode to numbers. */
  readonly constants: Map<string, Tensor>;
  /** Every initializer and Constant-node value as stored (also those `constants` cannot hold). */
  readonly protos: Map<string, OnnxTensorProto>;
  /** The decoded model, external data inlined. */
  readonly model: OnnxModelProto;
}

/** Bytes per element of the ONNX data types sparsetile decodes. */
const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };


function rawValue(view: DataView, dt: number, i: number): number {
  switch (dt) {
    case 1: return view.getFloat32(i * 4, true);
    case 2: case 9: return view.getUint8(i);
    case 3: return view.getInt8(i);
    case 4: return view.getUint16(i * 2, true);
    case 5: return view.getInt16(i * 2, true);
    case 6: return view.getInt32(i * 4, true);
    case 7: return Number(view.getBigInt64(i * 8, true));
    case 10: return fromFloat16(view.getUint16(i * 2, true));
    case 11: return view.getFloat64(i * 8, true);
    case 12: return view.getUint32(i * 4, true);
    case 13: return Number(view.getBigUint64(i * 8, true));
    default: return new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!; // 16: bfloat16
  }
}

/** The typed field an ONNX data type keeps its values in when they are not raw bytes. */
function fieldValues(t: OnnxTensorProto, dt: number): ArrayLike<Num> | undefined {
  if (dt === 1) return t.floatData;
  if (dt === 11) return t.doubleData;
  if (dt === 7) return t.int64Data;
  if (dt === 12 || dt === 13) return t.uint64Data;
  return t.int32Data; // int8/16/32, uint8/16, bool, float16 and bfloat16 bits
}

export function tensorFromProto(t: OnnxTensorProto, where: string): Tensor {
  const dims = (t.dims ?? []).map(num);
  const bad = dims.find((d) => !Number.isSafeInteger(d) || d < 0);
  if (bad !== undefined) {
    throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" has the shape [${dims.join(', ')}]; every dimension of a tensor is a non-negative integer, and ${bad} is not. The file is damaged; re-export the model.`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  checkArraySize(`${where}: tensor "${t.name ?? ''}" of shape [${dims.join(', ')}]`, count, 8, 'Check that this is the right model.');
  const dt = t.dataType ?? 0;
  if (!(dt in ELEM_BYTES)) {
    throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" has ONNX data type ${dt}, which sparsetile does not read (float32/16/64, bfloat16, int8..int64, uint8..uint64, bool). Export the model with float32 weights.`);
  }
  const data = new Float64Array(count);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (raw) {
    if (raw.byteLength < count * ELEM_BYTES[dt]!) {
      throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" is truncated: shape [${dims.join(', ')}] needs ${count * ELEM_BYTES[dt]!} bytes, the file holds ${raw.byteLength}. Re-export the model.`);
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) data[i] = rawValue(view, dt, i);
    return { dims, data };
  }
  const src = fieldValues(t, dt);
  if (count > 0 && (!src || src.length < count)) {
    throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" holds ${src?.length ?? 0} values but its shape [${dims.join(', ')}] needs ${count}. The file is damaged; re-export it.`);
  }
  for (let i = 0; i < count; i++) {
    const v = num(src![i]);
    data[i] = dt === 10 ? fromFloat16(v) : dt === 16 ? rawValue(new DataView(Uint16Array.of(v).buffer), 16, 0) : v;
  }
  return { dims, data };
}

/**
 * Reads the data of a tensor stored outside the model (ONNX external data) into `rawData`, so the
 * model can be handed to ONNX Runtime as one buffer.
 */
function inlineExternal(t: OnnxTensorProto, file: string): void {
  if (t.dataLocation !== 1) return;
  const entry = (k: string) => t.externalData?.find((e) => e.key === k)?.value;
  const location = entry('location');
  if (!location) throw new SparsetileError(`${file}: tensor "${t.name ?? ''}" is marked as external data but names no "location" file. The model is damaged; re-export it.`);
  const path = join(dirname(file), location);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new SparsetileError(`${file}: tensor "${t.name ?? ''}" keeps its data in the external file "${location}" (ONNX external data), which does not exist (looked for ${path}). Copy the data file beside the model, or save the model with its weights inside (onnx.save_model(model, path, save_as_external_data=False)).`);
  }
  const offset = Number(entry('offset') ?? 0);
  const size = statSync(path).size;
  const count = (t.dims ?? []).map(num).reduce((a, b) => a * b, 1);
  const length = entry('length') !== undefined ? Number(entry('length')) : count * (ELEM_BYTES[t.dataType ?? 0] ?? 0);
  if (offset + length > size) {
    throw new SparsetileError(`${file}: tensor "${t.name ?? ''}" needs bytes ${offset}..${offset + length} of its external data file "${location}", which holds ${size}: the data file is truncated or belongs to another export. Copy the data file that was saved with this model.`);
  }
  const buf = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  t.rawData = buf;
  t.dataLocation = 0;
  t.externalData = [];
}

/** A Constant node's value as a TensorProto (value, value_float(s), value_int(s)); null when it has none sparsetile reads. */
function constantValue(attrs: Map<string, OnnxAttribute>, output: string): OnnxTensorProto | null {
  const a = (k: string) => attrs.get(k);
  if (a('value')?.t) return { ...a('value')!.t!, name: output };
  if (a('value_float')) return { name: output, dims: [], dataType: 1, floatData: [a('value_float')!.f ?? 0] };
  if (a('value_floats')) return { name: output, dims: [a('value_floats')!.floats!.length], dataType: 1, floatData: [...a('value_floats')!.floats!] };
  if (a('value_int')) return { name: output, dims: [], dataType: 7, int64Data: [num(a('value_int')!.i)] };
  if (a('value_ints')) return { name: output, dims: [a('value_ints')!.ints!.length], dataType: 7, int64Data: a('value_ints')!.ints!.map(num) };
  return null;
}

function checkOpset(model: OnnxModelProto, file: string): number {
  const imp = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = num(imp?.version);
  if (!imp || opset < OPSET_RANGE.min || opset > OPSET_RANGE.max) {
    const got = imp ? `declares opset ${opset} for the default domain (ai.onnx)` : 'declares no opset for the default domain (ai.onnx)';
    throw new SparsetileError(`${file}: ${got}, but sparsetile runs models through ONNX Runtime 1.30, which supports opsets ${OPSET_RANGE.min} to ${OPSET_RANGE.max}. Re-export it with an opset in that range (for example torch.onnx.export(..., opset_version=17)) or convert it with onnx.version_converter.`);
  }
  return opset;
}

/** Decodes an ONNX file; every way it can be unreadable is a SparsetileError naming the file. */
export function parseOnnx(buf: Uint8Array, file: string): OnnxGraphIR {
  let model: OnnxModelProto;
  try {
    model = onnx.ModelProto.decode(buf);
  } catch (e) {
    const msg = (e as Error).message;
    const truncated = /index out of range|invalid wire type|premature/i.test(msg);
    throw new SparsetileError(
      truncated
        ? `${file}: is not a complete ONNX model: protobuf decoding stopped (${msg}); the file looks truncated or is not ONNX. Re-export or re-download it.`
        : `${file}: is not an ONNX model (protobuf decoding failed: ${msg}). Pass a .onnx file or a TF.js weights manifest.`,
    );
  }
  const g = model.graph;
  if (!g || !g.node || g.node.length === 0) {
    throw new SparsetileError(`${file}: is not an ONNX model: it decodes to no graph with nodes. Pass a .onnx file exported with torch.onnx.export or tf2onnx.`);
  }
  const opset = checkOpset(model, file);
  const protos = new Map<string, OnnxTensorProto>();
  for (const t of g.initializer ?? []) {
    inlineExternal(t, file);
    protos.set(t.name ?? '', t);
  }
  const nodes: GraphNode[] = [];
  g.node.forEach((n, i) => {
    const attrs = new Map(n.attribute.map((a) => [a.name, a]));
    const name = n.name || `${n.opType}_${i}`;
    if (n.opType === 'Constant' && (!n.domain || n.domain === 'ai.onnx')) {
      if (attrs.get('value')?.t) inlineExternal(attrs.get('value')!.t!, file);
      const v = constantValue(attrs, n.output[0]!);
      if (!v) throw new SparsetileError(`${file}: Constant node "${name}" has no value sparsetile can read (value tensor, value_float(s), value_int(s)).`);
      protos.set(n.output[0]!, v);
      return;
    }
    nodes.push({ name, op: n.opType, inputs: n.input, outputs: n.output, attrs, proto: n });
  });
  const constants = new Map<string, Tensor>();
  for (const [name, t] of protos) {
    if (t.dataType === 8) continue; // strings: no numbers; ONNX Runtime still gets them
    constants.set(name, tensorFromProto(t, file));
  }
  const inputs = (g.input ?? [])
    .filter((i) => !protos.has(i.name))
    .map((i) => ({ name: i.name, dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && num(d.dimValue) > 0 ? num(d.dimValue) : null)) }));
  return { file, opset, inputs, outputs: (g.output ?? []).map((o) => o.name), nodes, constants, protos, model };
}

export function readOnnx(file: string): OnnxGraphIR {
  return parseOnnx(readInputFile(file, 'ONNX model', INPUT_LIMITS.model), file);
}

/* ------------------------------------------------------------------------------ attributes */

export function attrInts(n: GraphNode, name: string, dflt: number[]): number[] {
  const a = n.attrs.get(name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(num) : dflt;
}
export function attrInt(n: GraphNode, name: string, dflt: number): number {
  const a = n.attrs.get(name);
  return a && a.i !== undefined && a.i !== null ? num(a.i) : dflt;
}
export function attrFloat(n: GraphNode, name: string, dflt: number): number {
  const a = n.attrs.get(name);
  return a?.f ?? dflt;
}
export function attrString(n: GraphNode, name: string, dflt: string): string {
  const a = n.attrs.get(name);
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : dflt;
}
