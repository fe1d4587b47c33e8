/**
 * The types every importer shares: what `sparsetile import` is asked to do (ImportOptions), what a
 * format's reader hands the pipeline (RunnableModel: the layers it found and a way to run them), and
 * what an import produces (ImportResult) before workloads/import/pipeline.ts writes it as a workload
 * folder. The format readers (onnx-*.ts, tfjs-*.ts) and the pipeline import these; the readers
 * never import the pipeline.
 */
import type { LayerSpec } from '../../model/types.ts';
import type { ManifestLayer } from '../workload.ts';

export interface ImportOptions {
  file: string;
  outDir: string;
  name?: string;
  prune?: number;
  structured?: boolean;
  global?: boolean;
  densityTable?: string;
  quant: 'int16' | 'int8';
  /** mnist:<digit>[:<index>], photo:<n>, or a .npy image / input tensor. */
  input?: string;
  /** A PNG or JPEG file. */
  image?: string;
  /** How image pixels in [0, 1] become model inputs; default ImageNet mean/std for 3 channels, none otherwise. */
  normalize?: Normalization;
  /** C x H x W when the model's input has dynamic dimensions. */
  inputShape?: number[];
  /** Lanes N, for structured pruning. */
  lanes: number;
}

export type Normalization = 'imagenet' | 'pm1' | 'unit';

export interface ImportedLayer {
  spec: LayerSpec;
  dir: string;
  weightsQ: Int32Array;
  actsQ: Int32Array | null;
  manifest: ManifestLayer & Record<string, unknown>;
}

export interface ImportResult {
  manifest: Record<string, unknown> & { layers: ManifestLayer[] };
  layers: ImportedLayer[];
  /** Further text files of the workload folder, by name (coverage.md). */
  files?: Record<string, string>;
}

/** Operand width of a quantisation scheme. */
export const quantBits = (quant: ImportOptions['quant']): number => (quant === 'int8' ? 8 : 16);

/* ------------------------------------------------------------------------------ what readers hand the pipeline */

/** A layer the tile runs, as a format reader found it. */
export interface TileLayer {
  readonly spec: LayerSpec;
  /** Float weights in LayerSpec layout [F, C, kH, kW] (FC: [F, C]), with folded scales (BatchNorm, Gemm alpha). */
  readonly weights: Float64Array;
  /** Per-filter bias with folded shifts, or null. */
  readonly bias: Float64Array | null;
  /** The source node (ONNX) or layer (TF.js) and its operator or class. */
  readonly node: string;
  readonly op: string;
  /** Nodes folded into this layer (a BatchNormalization or bias addition after it). */
  readonly folded: readonly { readonly name: string; readonly op: string }[];
  /**
   * The largest magnitude of what the reference adds besides the products (bias, the folded
   * normalisation's terms), for the float32 part of the error bound (docs/models.md).
   */
  readonly extraTerms: number;
}

/** A layer the host runs, and why the tile does not. */
export interface HostLayer {
  readonly name: string;
  readonly op: string;
  readonly why: string;
}

/** Values as a framework returns them (float32) or as sparsetile computes them (float64). */
export type Values = Float32Array | Float64Array;

/**
 * One run's view of the tile layers: each input in LayerSpec activation layout, each output
 * [F, Ho, Wo] (FC: [F]); both empty for a run with `finalOnly`, and no inputs for the integer pass
 * (its hook sees them).
 */
export interface Trace {
  readonly inputs: Values[];
  readonly outputs: Values[];
  /** The model's outputs, flattened, with their shapes. */
  readonly final: { dims: number[]; data: Values }[];
}

/** Computes tile layer `layer` on `acts` (LayerSpec layout); returns its output [F, Ho, Wo] (FC: [F]). */
export type TileHook = (layer: number, acts: Values) => Float64Array;

/**
 * A model opened by a format reader, ready to run on one input. The framework that runs it
 * (ONNX Runtime, TF.js) is the float reference; with a `tile` hook it runs everything but the tile
 * layers, which the hook computes (the integer pass).
 */
export interface RunnableModel {
  readonly tile: TileLayer[];
  readonly host: HostLayer[];
  readonly assumptions: string[];
  readonly source: Record<string, unknown>;
  /** The framework that runs the reference, e.g. "onnxruntime-node 1.30.0 (CPU)". */
  readonly reference: string;
  /** The per-sample input the framework takes, in its own layout, and where the image axes are. */
  readonly input: { dims: number[]; layout: 'chw' | 'hwc' | 'other' };
  /**
   * Runs on `x` (the per-sample input, flat); tile weights multiplied by `masks` (LayerSpec layout)
   * when given; `finalOnly` keeps only the model's outputs (a reference run without the per-layer view).
   */
  run(x: Float64Array, opts: { masks?: readonly Uint8Array[]; tile?: TileHook; finalOnly?: boolean }): Promise<Trace>;
}
