/**
 * `sparsetile import`: a trained model becomes a workload folder (workloads/workload.ts).
 *
 *  1. a format reader opens the model (onnx-run.ts, tfjs-layers.ts, tfjs-graph.ts): the layers the
 *     tile runs (Conv, Gemm, MatMul and their TF.js kin, BatchNorm folded in), the host layers and
 *     why, and a runner over the model's own framework (ONNX Runtime, TF.js);
 *  2. the weights are pruned (per layer, global, lane-group structured, or a density table) and
 *     quantised symmetrically with the most fractional bits that do not overflow;
 *  3. the framework runs the pruned model in float: the reference, which also picks each layer's
 *     activation fractional bits;
 *  4. the framework runs it again with every tile layer computed by the integer hook (quantised
 *     activations times quantised weights, exact integer accumulation, rescaled): the activations
 *     the accelerator sees, their sparsity, and the error against the reference at every layer;
 *  5. each tile layer alone, on the reference's own input, is checked against the reference's
 *     output within the quantisation error bound of docs/models.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../../contract/errors.ts';
import { writeFileAtomic } from '../../tools/files.ts';
import { encodeNpy } from '../../tools/npy.ts';
import type { LayerSpec } from '../../model/types.ts';
import { convolve } from './conv.ts';
import { coverageMarkdown, coverageSummary } from './coverage.ts';
import { modelInput } from './input.ts';
import { importedLayer, importManifest, workloadName } from './layer-manifest.ts';
import { readOnnx } from './onnx.ts';
import { openOnnx } from './onnx-run.ts';
import { pruneLayers } from './prune.ts';
import { chooseFracBits, maxAbs, quantize, snrDb, type Quantized } from './quant.ts';
import { importTfjsWeightsOnly, isTfjsFile, readTfjs } from './tfjs.ts';
import { openTfjsGraph } from './tfjs-graph.ts';
import { openTfjsLayers } from './tfjs-layers.ts';
import { quantBits, type ImportedLayer, type ImportOptions, type ImportResult, type RunnableModel, type TileLayer, type Trace } from './types.ts';

/** Headroom over the reference's largest activation when choosing activation fractional bits. */
const ACT_HEADROOM = 1.05;
/** Unit roundoff of float32, the precision the reference frameworks compute in. */
const U32 = 2 ** -24;

async function openModel(o: ImportOptions): Promise<RunnableModel | ImportResult> {
  if (!existsSync(o.file)) throw new SparsetileError(`${o.file}: does not exist. Pass the path of an .onnx model, a TF.js model.json or a *weights_manifest.json.`);
  if (!isTfjsFile(o.file)) return openOnnx(readOnnx(o.file), { inputShape: o.inputShape });
  const tf = readTfjs(o.file, { inputShape: o.inputShape });
  if (tf.format === 'layers-model') return openTfjsLayers(tf, { inputShape: o.inputShape });
  if (tf.format === 'graph-model') return openTfjsGraph(tf, { inputShape: o.inputShape });
  return importTfjsWeightsOnly(o, tf); // a bare weights manifest has no topology to run
}

/**
 * The largest error layer `l` alone may show against the reference on the reference's input
 * (docs/models.md): quantisation of the activations (ex per value) and weights (ew per non-zero
 * weight), plus float32 rounding of the reference over the fan-in and the added terms.
 */
export function layerErrorBound(l: TileLayer, pruned: Float64Array, w: Quantized, actFrac: number, maxInput: number): number {
  const F = l.spec.filters;
  const per = pruned.length / F;
  const ex = 2 ** -(actFrac + 1);
  const ew = 2 ** -(w.fracBits + 1);
  const wscale = 2 ** -w.fracBits;
  let quant = 0;
  let mag = 0;
  for (let f = 0; f < F; f++) {
    let l1q = 0;
    let l1 = 0;
    let nnz = 0;
    for (let i = f * per; i < (f + 1) * per; i++) {
      l1q += Math.abs(w.q[i]!) * wscale;
      l1 += Math.abs(pruned[i]!);
      if (pruned[i] !== 0) nnz++;
    }
    quant = Math.max(quant, ex * l1q + ew * maxInput * nnz);
    mag = Math.max(mag, l1 * maxInput);
  }
  return quant + (per + 8) * U32 * (mag + l.extraTerms);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The share of positions along the last axis whose largest entry is the same in both (a classifier's decision). */
function argmaxAgreement(dims: readonly number[], a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = dims[dims.length - 1] ?? a.length;
  let same = 0;
  const rows = a.length / n;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let j = 1; j < n; j++) {
      if (a[r * n + j]! > a[r * n + ia]!) ia = j;
      if (b[r * n + j]! > b[r * n + ib]!) ib = j;
    }
    if (ia === ib) same++;
  }
  return same / rows;
}

/** The output of tile layer `l` from quantised weights and activations: exact integer accumulation, rescaled, plus the bias. */
export function integerLayer(l: TileLayer, w: Quantized, acts: Quantized): Float64Array {
  const acc = convolve(l.spec, w.q, acts.q, null);
  const scale = 2 ** -(w.fracBits + acts.fracBits);
  const per = acc.length / l.spec.filters;
  return acc.map((v, i) => v * scale + (l.bias ? l.bias[Math.floor(i / per)]! : 0));
}

const actsShape = (s: LayerSpec) => (s.kind === 'fc' ? [s.channels] : [s.channels * s.groups, s.inH, s.inW]);

export async function importModel(o: ImportOptions): Promise<ImportResult> {
  const opened = await openModel(o);
  if (!('run' in opened)) return opened;
  const m = opened;
  const name = workloadName(o, isTfjsFile(o.file));
  if (m.tile.length === 0) {
    throw new SparsetileError(`${o.file}: has no Conv, Gemm or MatMul layer with constant weights (${m.host.length} layers, all of them for the host); there is nothing to lower onto the tile.`);
  }
  const input = modelInput(o, m);
  const bits = quantBits(o.quant);

  // 2. pruning and weight quantisation
  const { pruned, targets, groupInfo } = pruneLayers(m.tile, o);
  const masks = pruned.map((w) => Uint8Array.from(w, (v) => (v !== 0 ? 1 : 0)));
  const wq = pruned.map((w) => quantize(w, chooseFracBits(maxAbs(w), bits), bits));

  // 3. the float reference of the pruned model, and the unpruned one for what pruning costs
  const ref: Trace = await m.run(input.data, { masks });
  const unpruned = input.real ? await m.run(input.data, { finalOnly: true }) : null;
  const actFrac = ref.inputs.map((x) => chooseFracBits(maxAbs(x) * ACT_HEADROOM, bits));

  // 4. the integer pass
  const actsQ: Quantized[] = [];
  const int = await m.run(input.data, {
    masks,
    tile: (i, x) => {
      const a = quantize(x, actFrac[i]!, bits);
      actsQ[i] = a;
      return integerLayer(m.tile[i]!, wq[i]!, a);
    },
  });

  // 5. each layer alone on the reference's input
  const layers: ImportedLayer[] = m.tile.map((l, i) => {
    const a = actsQ[i]!;
    const local = integerLayer(l, wq[i]!, quantize(ref.inputs[i]!, actFrac[i]!, bits));
    const refMax = maxAbs(ref.inputs[i]!);
    const zeros = a.q.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
    return importedLayer(i, l, wq[i]!, o, { target: targets[i], lanes: groupInfo[i] ?? null }, input.real ? a.q : null, {
      source: { node: l.node, op: l.op, ...(l.folded.length ? { folded: l.folded.map((f) => f.name) } : {}) },
      actFracBits: actFrac[i]!,
      actSparsity: input.real ? zeros / a.q.length : null,
      actSaturated: a.saturated,
      actMaxAbsFloat: refMax,
      layerErrorMax: maxAbsDiff(local, ref.outputs[i]!),
      layerErrorBound: layerErrorBound(l, pruned[i]!, wq[i]!, actFrac[i]!, refMax),
      refMaxAbsError: maxAbsDiff(int.outputs[i]!, ref.outputs[i]!),
      refSnrDb: snrDb(ref.outputs[i]!, int.outputs[i]!),
    });
  });

  const coverage = coverageSummary(m.tile, m.host);
  const out = (t: Trace) => t.final[0]!;
  const forward = input.real
    ? {
      reference: m.reference,
      output: out(ref).dims,
      maxAbsError: maxAbsDiff(out(int).data, out(ref).data),
      snrDb: snrDb(out(ref).data, out(int).data),
      argmaxAgreement: argmaxAgreement(out(ref).dims, out(ref).data, out(int).data),
      pruningSnrDb: snrDb(out(unpruned!).data, out(ref).data),
      note: `integer pass (tile layers in integer arithmetic, host layers in ${m.reference}) against ${m.reference} on the same pruned model and input; pruningSnrDb compares the pruned and the unpruned model in float`,
    }
    : null;
  const manifest = importManifest(o, name, m.source, layers, {
    ...(m.assumptions.length ? { assumptions: m.assumptions } : {}),
    input: input.describe,
    reference: m.reference,
    forward,
    coverage,
  });
  return { manifest, layers, files: { 'coverage.md': coverageMarkdown(name, m.tile, m.host) } };
}

/** Writes the workload folder into `dir`, every file through tools/files.ts (the caller makes the folder atomic with writeDirAtomic). */
export function writeWorkload(dir: string, r: ImportResult): void {
  for (const l of r.layers) {
    const ld = join(dir, l.dir);
    const s = l.spec;
    const wshape = s.kind === 'fc' ? [s.filters, s.channels] : [s.filters, s.channels, s.kernelH, s.kernelW];
    writeFileAtomic(join(ld, 'weights.npy'), encodeNpy('int16', wshape, l.weightsQ));
    if (l.actsQ) writeFileAtomic(join(ld, 'acts.npy'), encodeNpy('int16', actsShape(s), l.actsQ));
    const { manifest: mm } = l;
    // layer.json is what `sparsetile run --layer` reads; spec.json is the full LayerSpec with the quantisation
    const layerJson = { name: s.name, stride: [s.strideH, s.strideW], pad: [s.padTop, s.padLeft, s.padBottom, s.padRight], groups: s.groups, dilation: [s.dilationH, s.dilationW] };
    writeFileAtomic(join(ld, 'layer.json'), `${JSON.stringify(layerJson, null, 2)}\n`);
    writeFileAtomic(join(ld, 'spec.json'), `${JSON.stringify({ ...s, fracBits: mm.fracBits, actFracBits: mm.actFracBits }, null, 2)}\n`);
  }
  for (const [f, text] of Object.entries(r.files ?? {})) writeFileAtomic(join(dir, f), text);
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(r.manifest, null, 2)}\n`);
}
