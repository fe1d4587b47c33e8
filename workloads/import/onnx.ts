/**
 * ONNX models: decoding (onnx-proto), and a small float interpreter for the operators that CNN
 * exports use. The interpreter gives every tensor's shape (so each Conv/Gemm gets its input size),
 * the float reference activations, and, with a hook on the lowered layers, the integer forward pass.
 */
import onnxPkg from 'onnx-proto';
import { SparsetileError } from '../../contract/errors.ts';
import { readInputFile } from '../../tools/input-file.ts';

const { onnx } = onnxPkg as unknown as { onnx: { ModelProto: { decode(b: Uint8Array): OnnxModelProto } } };

interface Long { toNumber(): number }
type Num = number | Long;
interface OnnxTensorProto { name?: string; dims?: Num[]; dataType?: number; floatData?: number[]; int64Data?: Num[]; int32Data?: number[]; doubleData?: number[]; rawData?: Uint8Array }
interface OnnxAttribute { name: string; type?: number; i?: Num; f?: number; ints?: Num[]; floats?: number[]; s?: Uint8Array; t?: OnnxTensorProto }
interface OnnxNode { name?: string; opType: string; input: string[]; output: string[]; attribute: OnnxAttribute[] }
interface OnnxValueInfo { name: string; type?: { tensorType?: { shape?: { dim?: { dimValue?: Num; dimParam?: string }[] } } } }
interface OnnxGraph { node: OnnxNode[]; initializer: OnnxTensorProto[]; input: OnnxValueInfo[]; output: OnnxValueInfo[] }
interface OnnxModelProto { graph?: OnnxGraph; irVersion?: Num; opsetImport?: { domain?: string; version?: Num }[] }

const num = (v: Num | undefined): number => (v === undefined || v === null ? 0 : typeof v === 'number' ? v : v.toNumber());

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
}

export interface OnnxGraphIR {
  readonly file: string;
  readonly opset: number;
  readonly inputs: { name: string; dims: (number | null)[] }[];
  readonly outputs: string[];
  readonly nodes: GraphNode[];
  /** Initializers and Constant-node outputs. */
  readonly constants: Map<string, Tensor>;
}

export function tensorFromProto(t: OnnxTensorProto, where: string): Tensor {
  const dims = (t.dims ?? []).map(num);
  const count = dims.reduce((a, b) => a * b, 1);
  const dt = t.dataType ?? 0;
  const data = new Float64Array(count);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const size: Record<number, number> = { 1: 4, 6: 4, 7: 8, 11: 8, 2: 1, 3: 1, 9: 1 };
  if (!(dt in size)) {
    throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" has ONNX data type ${dt}, which sparsetile does not read (float32, float64, int32, int64, int8, uint8, bool). Export the model with float32 weights.`);
  }
  if (view && view.byteLength < count * size[dt]!) {
    throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" is truncated: shape [${dims.join(', ')}] needs ${count * size[dt]!} bytes, the file holds ${view.byteLength}. Re-export the model.`);
  }
  for (let i = 0; i < count; i++) {
    if (view) {
      switch (dt) {
        case 1: data[i] = view.getFloat32(i * 4, true); break;
        case 11: data[i] = view.getFloat64(i * 8, true); break;
        case 6: data[i] = view.getInt32(i * 4, true); break;
        case 7: data[i] = Number(view.getBigInt64(i * 8, true)); break;
        case 2: case 9: data[i] = view.getUint8(i); break;
        case 3: data[i] = view.getInt8(i); break;
      }
    } else {
      const src: ArrayLike<Num> | undefined = dt === 1 ? t.floatData : dt === 11 ? t.doubleData : dt === 7 ? t.int64Data : t.int32Data;
      if (!src || src.length < count) {
        throw new SparsetileError(`${where}: tensor "${t.name ?? ''}" holds ${src?.length ?? 0} values but its shape [${dims.join(', ')}] needs ${count}. The file is damaged; re-export it.`);
      }
      data[i] = num(src[i]);
    }
  }
  return { dims, data };
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
  const constants = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) constants.set(t.name ?? '', tensorFromProto(t, file));
  const nodes: GraphNode[] = [];
  g.node.forEach((n, i) => {
    const attrs = new Map(n.attribute.map((a) => [a.name, a]));
    const name = n.name || `${n.opType}_${i}`;
    if (n.opType === 'Constant') {
      const v = attrs.get('value');
      if (v?.t) constants.set(n.output[0]!, tensorFromProto(v.t, `${file} node "${name}"`));
      else if (attrs.get('value_float')) constants.set(n.output[0]!, { dims: [], data: Float64Array.of(attrs.get('value_float')!.f ?? 0) });
      else if (attrs.get('value_floats')) constants.set(n.output[0]!, { dims: [attrs.get('value_floats')!.floats!.length], data: Float64Array.from(attrs.get('value_floats')!.floats!) });
      else if (attrs.get('value_int')) constants.set(n.output[0]!, { dims: [], data: Float64Array.of(num(attrs.get('value_int')!.i)) });
      else if (attrs.get('value_ints')) constants.set(n.output[0]!, { dims: [attrs.get('value_ints')!.ints!.length], data: Float64Array.from(attrs.get('value_ints')!.ints!.map(num)) });
      else throw new SparsetileError(`${file}: Constant node "${name}" has no value sparsetile can read (value tensor, value_float(s), value_int(s)).`);
      return;
    }
    nodes.push({ name, op: n.opType, inputs: n.input, outputs: n.output, attrs });
  });
  const inputs = (g.input ?? [])
    .filter((i) => !constants.has(i.name))
    .map((i) => ({ name: i.name, dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && num(d.dimValue) > 0 ? num(d.dimValue) : null)) }));
  const opset = num((model.opsetImport ?? []).find((o) => !o.domain)?.version) || 0;
  return { file, opset, inputs, outputs: (g.output ?? []).map((o) => o.name), nodes, constants };
}

export function readOnnx(file: string): OnnxGraphIR {
  return parseOnnx(readInputFile(file), file);
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
  return a && a.f !== undefined && a.f !== null && a.type !== undefined ? a.f : a?.f ?? dflt;
}
export function attrString(n: GraphNode, name: string, dflt: string): string {
  const a = n.attrs.get(name);
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : dflt;
}
