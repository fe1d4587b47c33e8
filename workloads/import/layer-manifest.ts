/**
 * The parts of an import's manifest that every importer (ONNX, TF.js) writes the same way: the
 * workload's name, the pruning and quantisation settings, and per layer its folder name, its
 * geometry, and what pruning and weight quantization did to it.
 */
import { basename, dirname } from 'node:path';
import type { LayerSpec } from '../../model/types.ts';
import { WORKLOAD_FORMAT, WORKLOAD_VERSION } from '../workload.ts';
import type { Quantized } from './quant.ts';
import { quantBits, type ImportedLayer, type ImportOptions, type ImportResult } from './types.ts';

/** A file-system-safe name: runs of other characters become "_"; never empty. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'layer';
}

/** Folder of layer i in a workload: "07-<safe name>", so folders sort in layer order. */
export function layerDir(i: number, spec: LayerSpec): string {
  return `${String(i).padStart(2, '0')}-${safeName(spec.name)}`;
}

const density = (x: ArrayLike<number>): number => {
  let nz = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nz++;
  return nz / x.length;
};

/**
 * Geometry, pruning and weight-quantization fields of one layer's manifest entry. `original` is
 * the float weights before pruning, `w` the quantized pruned weights, `target` the density the
 * layer was pruned to (null when it was not), `lanes` the structured-pruning group counts.
 */
export function weightManifest(
  spec: LayerSpec,
  original: ArrayLike<number>,
  w: Quantized,
  target: number | null,
  lanes: { groups: number; keptGroups: number } | null,
) {
  return {
    kind: spec.kind,
    shape: [spec.filters, spec.channels, spec.kernelH, spec.kernelW],
    input: [spec.channels * spec.groups, spec.inH, spec.inW],
    stride: [spec.strideH, spec.strideW],
    pad: [spec.padTop, spec.padLeft, spec.padBottom, spec.padRight],
    groups: spec.groups,
    dilation: [spec.dilationH, spec.dilationW],
    weights: w.q.length,
    density: density(w.q),
    originalDensity: density(original),
    targetDensity: target,
    ...(lanes ? { laneGroups: lanes.groups, keptLaneGroups: lanes.keptGroups } : {}),
    fracBits: w.fracBits,
    quantMaxAbsError: w.maxAbsError,
    quantSnrDb: w.snrDb,
  };
}

/**
 * One imported layer: its folder, its integer weights and activations, and its manifest entry
 * (geometry, pruning and quantisation, then the importer's own `fields`). `lanes` is the layer's
 * structured-pruning group count, when it was pruned that way.
 */
export function importedLayer(
  i: number,
  l: { spec: LayerSpec; weights: ArrayLike<number> },
  w: Quantized,
  o: ImportOptions,
  pruning: { target: number | null | undefined; lanes: { groups: number; keptGroups: number } | null },
  actsQ: Int32Array | null,
  fields: Record<string, unknown>,
): ImportedLayer {
  const dir = layerDir(i, l.spec);
  const target = o.global ? o.prune ?? null : pruning.target ?? null;
  return { spec: l.spec, dir, weightsQ: w.q, actsQ, manifest: { name: l.spec.name, dir, ...weightManifest(l.spec, l.weights, w, target, pruning.lanes), ...fields } };
}

/**
 * The workload's name: the model file's name without extension (and without the TF.js
 * "-weights_manifest" suffix); a TF.js "model.json" is named after its folder.
 */
export function workloadName(o: ImportOptions, tfjs: boolean): string {
  if (o.name) return o.name;
  const stem = basename(o.file).replace(/\.(onnx|json)$/i, '');
  if (!tfjs) return safeName(stem);
  const base = stem.replace(/[-_.]?weights_manifest$/i, '');
  return safeName(base === 'model' || base === '' ? basename(dirname(o.file)) : base);
}

/** The manifest of an import: format, provenance, pruning, quantisation, overall density, then the importer's `fields` and the layers. */
export function importManifest(o: ImportOptions, name: string, source: Record<string, unknown>, layers: ImportedLayer[], fields: Record<string, unknown>): ImportResult['manifest'] {
  const weights = layers.reduce((a, l) => a + l.manifest.weights, 0);
  return {
    format: WORKLOAD_FORMAT,
    version: WORKLOAD_VERSION,
    name,
    synthetic: false,
    source,
    ...('input' in fields ? { input: fields.input } : {}),
    prune: { target: o.prune ?? null, structured: !!o.structured, global: !!o.global, densityTable: o.densityTable ?? null, lanes: o.lanes },
    quant: { scheme: `symmetric ${o.quant}`, bits: quantBits(o.quant), note: 'value = q / 2^fracBits, per-layer fracBits: the most that do not overflow' },
    density: layers.reduce((a, l) => a + l.manifest.density * l.manifest.weights, 0) / weights,
    ...fields,
    layers: layers.map((l) => l.manifest),
  };
}
