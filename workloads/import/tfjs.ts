/**
 * TensorFlow.js models: the second input format of `sparsetile import`.
 *
 * Accepted files:
 *  - `model.json` of a **layers-model** (Keras topology in `modelTopology` + `weightsManifest`), run
 *    in TF.js layer by layer (workloads/import/tfjs-layers.ts);
 *  - `model.json` of a **graph-model** (a TF GraphDef in `modelTopology`), run in TF.js's graph
 *    executor (workloads/import/tfjs-graph.ts);
 *  - a bare **`*weights_manifest.json`** (a JSON array of weight groups, as face-api.js ships). Without
 *    a topology the layers are inferred from the 4-D and 2-D tensors in manifest order, under stated
 *    assumptions (stride 1, 'same' padding, dilation 1, constant spatial size, 'depthwise' in the
 *    name marks a depthwise kernel); a weights-only import: nothing can run it.
 *
 * Weights (workloads/import/tfjs-weights.ts): float32, int32, and the converter's quantised storage
 * `quantization: {dtype: 'uint8' | 'uint16', scale, min}` (value = q * scale + min, rounded to
 * float32 as TF.js does) and `{dtype: 'float16'}`. Shards of a group are concatenated and the
 * weights read back to back.
 */
import { SparsetileError } from '../../contract/errors.ts';
import type { LayerSpec } from '../../model/types.ts';
import { readJsonFile } from '../../tools/input.ts';
import { importedLayer, importManifest, workloadName } from './layer-manifest.ts';
import { convSpec, fcSpec } from './layer-specs.ts';
import { pruneLayers } from './prune.ts';
import { chooseFracBits, maxAbs, quantize } from './quant.ts';
import { denseToFc, depthwiseToFcrq, hwioToFcrq, readWeightArtifacts, type TfjsWeight, type WeightArtifacts } from './tfjs-weights.ts';
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
  /** Every weight as sparsetile decodes it. */
  readonly weights: Map<string, TfjsWeight>;
  /** What TF.js loads: the topology (null for a bare manifest) and the raw weight specs and bytes. */
  readonly topology: Record<string, unknown> | null;
  readonly artifacts: WeightArtifacts;
  /** Weights-only imports (bare manifests): the layers inferred from the weights. */
  readonly layers: TfjsWeightsOnlyLayer[];
  /** Assumptions and approximations the import made, printed and written to the manifest. */
  readonly assumptions: string[];
  /** Weights-only imports: manifest weights that are not lowered (biases, other ranks). */
  readonly unlowered: string[];
  readonly source: Record<string, unknown>;
}

/* ------------------------------------------------------------------------------ reading */

/**
 * Reads a TF.js model.json or bare weights manifest. `inputShape` (C x H x W) sets or overrides the
 * input size; without it a dynamic size defaults to 64 x 64 (said in the assumptions).
 */
export function readTfjs(file: string, opts: { inputShape?: number[] } = {}): TfjsModel {
  const raw = readJsonFile(file, 'TF.js model', 'a TF.js model.json or *weights_manifest.json is expected. The file may be truncated.');
  if (Array.isArray(raw)) {
    const artifacts = readWeightArtifacts(raw, file);
    return inferFromWeights(file, artifacts, opts.inputShape, { file, kind: 'tfjs', format: 'weights-manifest', tensors: artifacts.weights.size });
  }
  if (!raw || typeof raw !== 'object') throw new SparsetileError(`${file}: is neither a TF.js model.json (an object with "modelTopology" and "weightsManifest") nor a weights manifest (an array of groups).`);
  const m = raw as { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown; generatedBy?: unknown; convertedBy?: unknown };
  if (!m.weightsManifest) {
    throw new SparsetileError(`${file}: has no "weightsManifest"; sparsetile needs the weights. ${m.modelTopology ? 'A model.json with only a topology carries no weights: export it with weights.' : 'Pass a TF.js model.json or a *weights_manifest.json.'}`);
  }
  const artifacts = readWeightArtifacts(m.weightsManifest, file);
  const topology = m.modelTopology as Record<string, unknown> | undefined;
  const isGraph = m.format === 'graph-model' || (!!topology && Array.isArray((topology as { node?: unknown }).node));
  const format = isGraph ? 'graph-model' : 'layers-model';
  const source = { file, kind: 'tfjs', format, generatedBy: m.generatedBy ?? null, convertedBy: m.convertedBy ?? null, tensors: artifacts.weights.size };
  if (!topology) return inferFromWeights(file, artifacts, opts.inputShape, { ...source, format: 'weights-manifest (model.json without topology)' });
  return { file, format, weights: artifacts.weights, topology, artifacts, layers: [], assumptions: [], unlowered: [], source };
}

/* ------------------------------------------------------------------------------ weights-only: bare manifest */

function inferFromWeights(file: string, artifacts: WeightArtifacts, inputShape: number[] | undefined, source: Record<string, unknown>): TfjsModel {
  const weights = artifacts.weights;
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
  return { file, format: 'weights-manifest', weights, topology: null, artifacts, layers, assumptions, unlowered, source };
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
