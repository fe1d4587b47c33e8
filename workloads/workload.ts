/**
 * Workload folders: what `sparsetile import` writes and `sparsetile net` / `sparsetile run` read
 * (docs/models.md describes every field).
 *
 *   <dir>/manifest.json            WorkloadManifest (below): provenance, pruning, quantisation, the float
 *                                  reference and the errors against it, coverage (tile / folded / host layers)
 *   <dir>/coverage.md              every layer of the model: where it runs (tile, folded, host) and why
 *   <dir>/<NN>-<layer>/layer.json   {name, stride, pad, groups, dilation}: what `sparsetile run --layer` reads
 *   <dir>/<NN>-<layer>/spec.json    the full LayerSpec (name, kind, filters, channels, kernelH, kernelW, inH, inW,
 *                                   strideH/W, padTop/Bottom/Left/Right, dilationH/W, groups) plus its quantisation
 *   <dir>/<NN>-<layer>/weights.npy  int16 [F, C, kH, kW] (FC: [F, C]), integers in the configured weight width
 *   <dir>/<NN>-<layer>/acts.npy     int16 [C*groups, inH, inW] (FC: [C]): the layer's real input activations
 *
 * Version 2 since per-axis geometry; later additions (coverage, reference, per-layer reference
 * errors) are optional fields, so every version 2 folder still reads.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../tools/input.ts';
import { readNpy } from '../tools/npy.ts';
import { SparsetileError } from '../contract/errors.ts';
import { LayerSpecSchema } from '../model/layer-spec.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';

export const WORKLOAD_FORMAT = 'sparsetile-workload';
/** 2: spec.json holds per-axis strides and dilations and per-side padding (strideH, padTop, ...). */
export const WORKLOAD_VERSION = 2;


const ManifestLayerSchema = z.object({
  name: z.string(),
  dir: z.string(),
  kind: z.enum(['conv', 'fc']),
  weights: z.number().int(),
  density: z.number(),
  targetDensity: z.number().nullable().optional(),
  actSparsity: z.number().nullable().optional(),
  fracBits: z.number().int().optional(),
  actFracBits: z.number().int().nullable().optional(),
  quantMaxAbsError: z.number().optional(),
  quantSnrDb: z.number().nullable().optional(),
  /** This layer alone on the reference's input: its largest error, and the bound it must stay within. */
  layerErrorMax: z.number().nullable().optional(),
  layerErrorBound: z.number().nullable().optional(),
  /** The integer pass against the reference at this layer's result. */
  refSnrDb: z.number().nullable().optional(),
  refMaxAbsError: z.number().nullable().optional(),
});

export const ManifestSchema = z.object({
  format: z.literal(WORKLOAD_FORMAT),
  version: z.literal(WORKLOAD_VERSION),
  name: z.string(),
  synthetic: z.boolean(),
  source: z.record(z.string(), z.unknown()),
  layers: z.array(ManifestLayerSchema).min(1),
}).passthrough();

export type WorkloadManifest = z.infer<typeof ManifestSchema>;
export type ManifestLayer = z.infer<typeof ManifestLayerSchema>;

export function isWorkloadDir(path: string): boolean {
  return existsSync(join(path, 'manifest.json'));
}

export function readManifest(dir: string): WorkloadManifest {
  const file = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = readJsonFile(file, 'workload manifest');
  } catch (e) {
    throw new SparsetileError(`${(e as Error).message} It should be the manifest \`sparsetile import\` writes; re-run the import to write the workload again.`);
  }
  const version = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).version : undefined;
  if ((raw as Record<string, unknown> | null)?.format === WORKLOAD_FORMAT && typeof version === 'number' && version < WORKLOAD_VERSION) {
    throw new SparsetileError(`${file}: is a version ${version} workload, written by an older sparsetile; this one reads version ${WORKLOAD_VERSION} (per-axis strides and per-side padding). Re-run \`sparsetile import\` on the model to write it again.`);
  }
  const p = ManifestSchema.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    throw new SparsetileError(`${file}: field "${i.path.join('.')}" ${i.message}; this is not a workload manifest written by \`sparsetile import\`.`);
  }
  return p.data;
}

/** Reads a spec.json written by import: the full LayerSpec (plus the layer's quantisation, which is ignored here). */
export function readLayerSpec(file: string): LayerSpec {
  const raw = readJsonFile(file, 'layer spec.json');
  const p = LayerSpecSchema.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    throw new SparsetileError(`${file}: field "${i.path.join('.')}" ${i.message}.`);
  }
  return p.data;
}

/** Loads one layer of a workload folder; `withActs` false skips acts.npy (cycle counts need only weights). */
export function readWorkloadLayer(dir: string, layer: ManifestLayer, withActs: boolean): LayerData {
  const ldir = join(dir, layer.dir);
  const spec = readLayerSpec(join(ldir, 'spec.json'));
  const w = readNpy(join(ldir, 'weights.npy'));
  const expect = spec.filters * spec.channels * spec.kernelH * spec.kernelW;
  if (w.data.length !== expect) {
    throw new SparsetileError(`${join(ldir, 'weights.npy')}: has ${w.data.length} values, but spec.json describes ${spec.filters}x${spec.channels}x${spec.kernelH}x${spec.kernelW} = ${expect} weights.`);
  }
  const acts = withActs && existsSync(join(ldir, 'acts.npy')) ? Int32Array.from(readNpy(join(ldir, 'acts.npy')).data) : new Int32Array(0);
  return { spec, weights: Int32Array.from(w.data), acts };
}
