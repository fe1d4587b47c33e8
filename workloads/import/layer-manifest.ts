/**
 * The per-layer part of an import's manifest that every importer (ONNX, TF.js) writes the same
 * way: the layer's folder name, its geometry, and what pruning and weight quantization did to it.
 */
import type { LayerSpec } from '../../model/types.ts';
import type { Quantized } from './quant.ts';

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
