/**
 * The demo's real layer (cosim/demo-layer.ts): the cached import of the shipped PaddleOCR detector,
 * the deterministic choice of a layer that fits `paper`, and the input crop. The whole demo (a paper
 * Verilator build) is left to `make demo`; here the chosen layer goes through the golden model and
 * the memory-image packer, which enforce section 5's capacity rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import type { LayerSpec } from '../../../model/types.ts';
import { prepareCase } from '../../../cosim/prepare.ts';
import { DEFAULT_MEMORY } from '../../../contract/bus.ts';
import { idealCycles } from '../../../model/timing.ts';
import {
  chainRequant, chooseDemoChain, chooseDemoLayer, cropActivations, DEMO_MODEL, demoImport, type DemoImport, demoModelPath, importCacheKey, DEMO_TIERS, fitLayer, workloadCandidates,
} from '../../../workloads/demo-layer.ts';
import { readWorkloadLayer } from '../../../workloads/workload.ts';

const paper = loadConfig('paper');
const conv = (over: Partial<LayerSpec>): LayerSpec => ({
  name: 'l', kind: 'conv', filters: 24, channels: 96, kernelH: 3, kernelW: 3, inH: 16, inW: 16, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1, ...over,
});

describe('fitLayer: section 5 on paper, dense rows as the bound', () => {
  it('keeps a full-size layer that fits the feature-map halves, and crops one that does not to the largest square that fits', () => {
    const full = fitLayer(conv({}), paper);
    // 16x16 pixels x 6 channel groups = 1536 words in, 16x16 x 2 groups out; a set of 54 dense rows and its header
    expect(full).toMatchObject({ S: 54, Qw: 19, sets: 2, tilesUsed: 2, cropped: false, input: [16, 16], windows: 256, setRecords: 55, inputWords: 1536, outputWords: 512, problem: null });
    // 64x64 x 6 groups = 24576 words > a 16384-word half: the largest square crop that fits is 52x52 (16224 words)
    const big = fitLayer(conv({ inH: 64, inW: 64 }), paper);
    expect(big).toMatchObject({ cropped: true, input: [52, 52], inputWords: 52 * 52 * 6, problem: null });
    expect(fitLayer(conv({ inH: 53, inW: 53 }), paper).cropped).toBe(true);
  });

  it('names the rule a layer breaks when no crop helps', () => {
    // 3x3 x 240 channels = 15 groups: S = 135 dense rows + a header > 128 records
    expect(fitLayer(conv({ channels: 240 }), paper).problem).toMatch(/a set of 135 dense rows and its header = 136 weight-ring records > weightDepth 128/);
    const fc = fitLayer({ ...conv({}), kind: 'fc', kernelH: 1, kernelW: 1, inH: 1, inW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 }, paper);
    expect(fc).toMatchObject({ windows: 1, cropped: false, problem: null, tilesUsed: 2 });
  });
});

describe('cropActivations', () => {
  it('takes the centred window of every channel and keeps the geometry', () => {
    const l = randomLayer([2, 3, 3, 3], 0.5, 7, paper, { inputSize: [7, 6], pad: 1 });
    const c = cropActivations(l, [4, 3]);
    expect(c.spec).toMatchObject({ inH: 4, inW: 3, padTop: 1, padBottom: 1, strideH: 1, strideW: 1, filters: 2, channels: 3 });
    expect(c.weights).toBe(l.weights);
    // origin floor((7-4)/2) = 1, floor((6-3)/2) = 1
    for (let ch = 0; ch < 3; ch++) for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) {
      expect(c.acts[(ch * 4 + y) * 3 + x]).toBe(l.acts[(ch * 7 + y + 1) * 6 + x + 1]);
    }
    expect(() => cropActivations(l, [8, 3])).toThrow(/cannot crop the 7x6 input/);
  });
});

describe('chooseDemoLayer on synthetic candidates', () => {
  it('prefers the first tier, then most MACs, then uncropped, then the earliest layer', () => {
    const cands = [
      { index: 0, spec: conv({ name: 'a', filters: 16 }), hasActs: true }, // one tile only
      { index: 1, spec: conv({ name: 'b', inH: 8, inW: 8 }), hasActs: true },
      { index: 2, spec: conv({ name: 'c' }), hasActs: true },
      { index: 3, spec: conv({ name: 'd' }), hasActs: true },
      { index: 4, spec: conv({ name: 'e', filters: 64, kernelH: 1, kernelW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 }), hasActs: true },
    ];
    const c = chooseDemoLayer(cands, paper);
    expect(c.spec.name).toBe('c');
    expect(c.tier).toBe(1);
    expect(c.why[0]).toMatch(/^the model has no ungrouped 3x3 convolution with at least 32 filters.*: its 4 ungrouped 3x3 convolutions have at most 24 filters$/);
    expect(c.why[1]).toMatch(/tied with 1 other, so the earliest/);
    // a 3x3 conv with 32 filters wins over bigger ones in later tiers; without activations it is ignored
    const c32 = { index: 5, spec: conv({ name: 'f', filters: 32, inH: 6, inW: 6 }), hasActs: true };
    expect(chooseDemoLayer([...cands, c32], paper).spec.name).toBe('f');
    expect(chooseDemoLayer([...cands, { ...c32, hasActs: false }], paper).spec.name).toBe('c');
    // only the single-tile layer left: the last tier takes it
    expect(chooseDemoLayer([cands[0]!], paper).tier).toBe(DEMO_TIERS.length - 1);
    expect(() => chooseDemoLayer([{ index: 0, spec: conv({ channels: 240 }), hasActs: true }], paper)).toThrow(/none of the 1 layers fits configuration "paper"/);
  });
});

describe('the demo layer of the shipped PaddleOCR detector', () => {
  let cache: string;
  const saved = process.env.SPARSETILE_CACHE;
  let imp: DemoImport;
  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'st-demo-cache-'));
    process.env.SPARSETILE_CACHE = cache;
    const M = DEMO_MODEL;
    imp = await demoImport(demoModelPath(), { prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape, lanes: paper.lanes });
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.SPARSETILE_CACHE;
    else process.env.SPARSETILE_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  it('is imported once: the second call reads the cache', async () => {
    expect(imp.cached).toBe(false);
    expect(imp.dir.startsWith(join(cache, 'demo-import'))).toBe(true);
    const M = DEMO_MODEL;
    const again = await demoImport(demoModelPath(), { prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape, lanes: paper.lanes });
    expect(again).toMatchObject({ cached: true, dir: imp.dir, key: imp.key });
    const opts = { prune: M.prune, quant: M.quant, input: M.input, inputShape: M.inputShape, lanes: paper.lanes };
    expect(importCacheKey(demoModelPath(), opts)).toBe(imp.key);
    for (const change of [{ prune: 0.5 }, { input: 'mnist:3' }, { inputShape: [3, 32, 32] }, { lanes: 8 }]) {
      expect(importCacheKey(demoModelPath(), { ...opts, ...change }), JSON.stringify(change)).not.toBe(imp.key);
    }
  });

  it('chooses p2o.Conv.58 at its full 16x16 input, and it fits paper through the golden model with best', async () => {
    const choice = chooseDemoLayer(workloadCandidates(imp.dir, imp.manifest), paper);
    expect(choice.spec).toMatchObject({ name: 'p2o.Conv.58', filters: 24, channels: 96, kernelH: 3, kernelW: 3, inH: 16, inW: 16, groups: 1 });
    expect(choice.tier).toBe(1); // no ungrouped 3x3 conv with >= 32 filters in this model
    expect(choice.fit).toMatchObject({ cropped: false, input: [16, 16], windows: 256, sets: 2, tilesUsed: 2 });
    const layer = readWorkloadLayer(imp.dir, imp.manifest.layers[choice.index]!, true);
    const nz = layer.weights.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    expect(nz / layer.weights.length).toBeCloseTo(DEMO_MODEL.prune, 3);
    const dir = mkdtempSync(join(tmpdir(), 'st-demo-prep-'));
    const prep = await prepareCase({ cfg: paper, layout: layoutFromConfig(paper), layers: [layer], scheduler: 'best', memory: DEFAULT_MEMORY, hostWrite: false, dir });
    // 24 filters = 2 channel groups of 16 lanes per output pixel
    expect(prep.outputsTotal).toBe(2 * 256);
    expect(prep.program.descs[0]!.tiles.map((t) => t.sets)).toEqual([1, 1, 0, 0]);
    expect(Math.max(...prep.program.timing[0]!.tiles.flatMap((t) => t.sets.map((x) => x.steps.length)))).toBeLessThan(54);
    expect(idealCycles(paper, prep.program.timing)).toBeLessThanOrEqual(prep.expectedCycles);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a chain of consecutive ungrouped layers, each reading the previous output', () => {
    const chain = chooseDemoChain(workloadCandidates(imp.dir, imp.manifest), paper, 5)!;
    expect(chain.map((c) => c.spec.name)).toEqual(['p2o.Conv.4', 'p2o.Conv.6', 'p2o.Conv.33', 'p2o.Conv.46', 'p2o.Conv.58']);
    for (let i = 1; i < chain.length; i++) expect(chain[i].spec.channels).toBe(chain[i - 1].spec.filters);
    const requant = chainRequant(chain.map((c) => imp.manifest.layers[c.index]!));
    expect(requant.every((r) => Number.isInteger(r.shift) && r.shift >= 0 && r.saturate)).toBe(true);
  });
});
