/** What an import takes and gives, shared by the ONNX pipeline and the TF.js importer. */
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
  input?: string;
  /** C x H x W when the model's input has dynamic dimensions. */
  inputShape?: number[];
  /** Lanes N, for structured pruning. */
  lanes: number;
}

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
}
