/**
 * ONNX models run by ONNX Runtime (onnxruntime-node, CPU, one thread), the float reference of an
 * ONNX import:
 *
 *  - the shape run: the model as it is on zeros, with every candidate layer's input exposed as a
 *    graph output, gives the shapes the plan (onnx-lower.ts) needs;
 *  - the reference run: a copy of the model whose tile weights are multiplied by the pruning masks,
 *    with every tile layer's input and result exposed as graph outputs;
 *  - the integer pass: the graph node by node; tile layers go to the hook (integer arithmetic), every
 *    other node runs in ONNX Runtime as a one-node model, so host operators are ONNX Runtime's own.
 */
import type * as Ort from 'onnxruntime-node';
import { SparsetileError } from '../../contract/errors.ts';
import { onnx, type OnnxGraphIR, type OnnxModelProto, type OnnxNode, type OnnxTensorProto, type OnnxValueInfo } from './onnx.ts';
import { candidateInputs, planOnnx, type OnnxTileLayer } from './onnx-lower.ts';
import { prod, transpose2 } from './tensor.ts';
import type { RunnableModel, TileHook, Trace, Values } from './types.ts';

export const ORT_VERSION = '1.30.0';

/** onnxruntime-node, loaded by the first ONNX import (its native library is not needed by other commands). */
let ort: typeof Ort;

const SESSION: Ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 };

const ELEM_TYPE: Record<string, number> = { float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13 };

function encode(m: OnnxModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}

async function session(g: OnnxGraphIR, m: OnnxModelProto, what: string): Promise<Ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(encode(m), SESSION);
  } catch (e) {
    throw new SparsetileError(`${g.file}: ONNX Runtime ${ORT_VERSION} cannot load ${what} (${(e as Error).message.split('\n')[0]!.slice(0, 300)}); sparsetile runs every ONNX model through it as the float reference. Check that the model loads in onnxruntime, or re-export it.`);
  }
}

async function run(g: OnnxGraphIR, s: Ort.InferenceSession, feeds: Record<string, Ort.Tensor>, what: string): Promise<Ort.InferenceSession.ReturnType> {
  try {
    return await s.run(feeds);
  } catch (e) {
    throw new SparsetileError(`${g.file}: ONNX Runtime ${ORT_VERSION} failed to run ${what} (${(e as Error).message.split('\n')[0]!.slice(0, 300)}). Check the input size (--input-shape) the model expects.`);
  }
}

/** A copy of the model with `extra` tensors as additional graph outputs and some constants replaced. */
function modelCopy(g: OnnxGraphIR, extra: readonly string[], replace: ReadonlyMap<string, OnnxTensorProto> = new Map()): OnnxModelProto {
  const src = g.model.graph!;
  const have = new Set(src.output.map((o) => o.name));
  const output: OnnxValueInfo[] = [...src.output, ...[...new Set(extra)].filter((n) => !have.has(n)).map((name) => ({ name }))];
  const initializer = src.initializer.map((t) => replace.get(t.name ?? '') ?? t);
  const node = src.node.map((n): OnnxNode => {
    const r = n.opType === 'Constant' ? replace.get(n.output[0]!) : undefined;
    return r ? { ...n, attribute: [{ name: 'value', type: 4, t: r }] } : n;
  });
  return { ...g.model, graph: { ...src, node, initializer, output } };
}

const float32 = (dims: readonly number[], data: ArrayLike<number>) => new ort.Tensor('float32', Float32Array.from(data), [...dims]);
/** A float tensor's values as they are (float32); other types as float64. */
const valuesOf = (t: Ort.Tensor): Values => (t.data instanceof Float32Array ? t.data : Float64Array.from(t.data as ArrayLike<number>, Number));

/** A tile layer's activations in LayerSpec layout from the framework's tensor. */
function actsOf(l: OnnxTileLayer, x: Values): Values {
  if (l.inLayout === 'direct') return x;
  const K = l.spec.channels;
  return transpose2(x, x.length / K, K);
}

/** A tile layer's result in LayerSpec layout [F, ...] from the framework's tensor. */
function specResult(l: OnnxTileLayer, y: Values): Values {
  if (l.outLayout === 'direct') return y;
  const F = l.spec.filters;
  return transpose2(y, y.length / F, F);
}

/** A tile layer's result in the framework's layout from LayerSpec layout. */
function resultOf(l: OnnxTileLayer, y: Values): Values {
  if (l.outLayout === 'direct') return y;
  const F = l.spec.filters;
  return transpose2(y, F, y.length / F);
}

/** The weight constant with the pruning mask applied in its own layout, as a float32 (or float64) TensorProto. */
function maskedWeight(g: OnnxGraphIR, l: OnnxTileLayer, mask: Uint8Array): OnnxTensorProto {
  const orig = g.constants.get(l.weightName)!;
  const proto = g.protos.get(l.weightName)!;
  const keep = new Uint8Array(orig.data.length);
  for (let i = 0; i < mask.length; i++) if (mask[i]) keep[l.origIndex[i]!] = 1;
  const data = Float64Array.from(orig.data, (v, i) => (keep[i] ? v : 0));
  const f64 = proto.dataType === 11;
  const raw = f64 ? new Uint8Array(data.buffer) : new Uint8Array(Float32Array.from(data).buffer);
  return { name: l.weightName, dims: orig.dims.slice(), dataType: f64 ? 11 : 1, rawData: raw };
}

/** The per-sample input the model takes: its first graph input, batch 1, `override` (C x H x W ...) for the rest. */
function inputDims(g: OnnxGraphIR, override?: number[]): number[] {
  const inp = g.inputs[0];
  if (!inp) throw new SparsetileError(`${g.file}: the graph has no input that is not a constant; there is nothing to feed it.`);
  if (g.inputs.length > 1) throw new SparsetileError(`${g.file}: the graph has ${g.inputs.length} inputs (${g.inputs.map((i) => i.name).join(', ')}); sparsetile imports single-input models.`);
  const d = inp.dims;
  if (override) {
    if (override.length !== d.length - 1) throw new SparsetileError(`--input-shape must give ${d.length - 1} dimensions (C x H x W for an image model), got ${override.join('x')}.`);
    return [1, ...override];
  }
  return d.map((v, i) => (v ?? (i === 0 ? 1 : i === 1 ? 3 : 64)));
}

/** Opens an ONNX graph: the shape run, the plan, and a runner. */
export async function openOnnx(g: OnnxGraphIR, opts: { inputShape?: number[] }): Promise<RunnableModel> {
  ort ??= await import('onnxruntime-node');
  const dims = inputDims(g, opts.inputShape);
  const inName = g.inputs[0]!.name;
  const assumptions: string[] = [];
  if (!opts.inputShape && g.inputs[0]!.dims.some((v, i) => v === null && i > 0)) assumptions.push(`the input [${g.inputs[0]!.dims.map((v) => v ?? '?').join(', ')}] has dynamic sizes: assumed [${dims.join(', ')}] (set them with --input-shape)`);

  const cands = candidateInputs(g);
  const shapeSession = await session(g, modelCopy(g, cands), 'the model');
  const shaped = await run(g, shapeSession, { [inName]: float32(dims, new Float64Array(prod(dims))) }, `the model on a [${dims.join(', ')}] input`);
  const shapes = new Map(cands.filter((c) => shaped[c]).map((c) => [c, [...shaped[c]!.dims]]));
  const plan = planOnnx(g, shapes);
  const tileOf = new Map(plan.tile.map((l, i) => [l.node, i]));
  const exposed = plan.tile.flatMap((l) => [l.input, l.checkpoint]);

  /** The reference: ONNX Runtime on the (masked) model, every tile layer's input and result exposed. */
  const reference = async (x: Float64Array, masks: readonly Uint8Array[] | undefined, finalOnly: boolean): Promise<Trace> => {
    const replace = new Map(masks ? plan.tile.map((l, i) => [l.weightName, maskedWeight(g, l, masks[i]!)] as const) : []);
    const s = await session(g, modelCopy(g, finalOnly ? [] : exposed, replace), masks ? 'the pruned model' : 'the model');
    const r = await run(g, s, { [inName]: float32(dims, x) }, 'the model');
    await s.release();
    return {
      inputs: finalOnly ? [] : plan.tile.map((l) => actsOf(l, valuesOf(r[l.input]!))),
      outputs: finalOnly ? [] : plan.tile.map((l) => specResult(l, valuesOf(r[l.checkpoint]!))),
      final: g.outputs.map((o) => ({ dims: [...r[o]!.dims], data: valuesOf(r[o]!) })),
    };
  };

  /** Index of the last node that reads each value, so that the integer pass can let go of it. */
  const lastUse = new Map<string, number>();
  g.nodes.forEach((n, i) => n.inputs.forEach((v) => lastUse.set(v, i)));
  for (const l of plan.tile) lastUse.set(l.checkpoint, Math.max(lastUse.get(l.checkpoint) ?? -1, g.nodes.findIndex((n) => n.name === l.node)));
  for (const o of g.outputs) lastUse.set(o, Infinity);

  /** The integer pass: node by node, tile layers by the hook, the others by ONNX Runtime. */
  const integer = async (x: Float64Array, tile: TileHook): Promise<Trace> => {
    const hostSessions = new Map<number, Ort.InferenceSession>();
    const values = new Map<string, Ort.Tensor>([[inName, float32(dims, x)]]);
    const outputs: Float64Array[] = [];
    for (const [ni, n] of g.nodes.entries()) {
      if (!plan.folded.has(n.name)) {
        const t = tileOf.get(n.name);
        if (t !== undefined) {
          const l = plan.tile[t]!;
          const y = tile(t, actsOf(l, valuesOf(values.get(l.input)!)));
          outputs.push(y);
          values.set(l.checkpoint, float32(l.outDims, resultOf(l, y)));
        } else {
          const feeds: Record<string, Ort.Tensor> = {};
          for (const i of n.inputs) if (i && values.has(i)) feeds[i] = values.get(i)!;
          let s = hostSessions.get(ni);
          if (!s) {
            s = await session(g, singleNode(g, n.proto, feeds), `node "${n.name}" (${n.op}) on its own`);
            hostSessions.set(ni, s);
          }
          const r = await run(g, s, feeds, `node "${n.name}" (${n.op})`);
          for (const o of n.outputs) if (o && r[o]) values.set(o, r[o]!);
        }
      }
      for (const v of n.inputs) if ((lastUse.get(v) ?? 0) <= ni && v !== inName) values.delete(v);
    }
    for (const s of hostSessions.values()) await s.release();
    return { inputs: [], outputs, final: g.outputs.map((o) => ({ dims: [...values.get(o)!.dims], data: valuesOf(values.get(o)!) })) };
  };

  return {
    tile: plan.tile,
    host: plan.host,
    assumptions,
    source: { file: g.file, kind: 'onnx', opset: g.opset, nodes: g.nodes.length },
    reference: `onnxruntime-node ${ORT_VERSION} (CPU, 1 thread)`,
    input: { dims: dims.slice(1), layout: dims.length === 4 ? 'chw' : 'other' },
    run: (x, o) => (o.tile ? integer(x, o.tile) : reference(x, o.masks, !!o.finalOnly)),
  };
}

/** A model of one node: its run-time inputs as graph inputs (typed as `feeds`), its constant inputs as initializers. */
function singleNode(g: OnnxGraphIR, n: OnnxNode, feeds: Record<string, Ort.Tensor>): OnnxModelProto {
  const initializer: OnnxTensorProto[] = [];
  const input: OnnxValueInfo[] = [];
  for (const i of new Set(n.input)) {
    if (!i) continue;
    if (feeds[i]) input.push({ name: i, type: { tensorType: { elemType: ELEM_TYPE[feeds[i]!.type] ?? 1 } } });
    else if (g.protos.has(i)) initializer.push({ ...g.protos.get(i)!, name: i });
  }
  const output = n.output.filter(Boolean).map((name) => ({ name }));
  return onnx.ModelProto.create({ irVersion: g.model.irVersion, opsetImport: g.model.opsetImport, graph: { name: 'node', node: [n], initializer, input, output } });
}
