import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  catalogFiles, catalogNetworkNames, layerWeightCount, loadCatalogFile, loadCatalogNetwork,
} from '../../../workloads/catalog/schema.ts';
import { nonZeroCount, syntheticWeights } from '../../../workloads/synthetic.ts';
import { outSize } from '../../../model/layer-spec.ts';

// Published weight totals (biases and batch-norm parameters excluded, as in the catalogs).
const PUBLISHED: Record<string, [number, number]> = {
  alexnet: [61e6, 0.01],
  'alexnet-torchvision': [61090496, 0],
  resnet50: [25502912, 0],
  vgg16: [138e6, 0.01],
  'mobilenet-v1': [4209088, 0],
  'mobilenet-v2': [3.5e6, 0.02],
  googlenet: [7e6, 0.02],
};

describe('layer catalogs', () => {
  const files = catalogFiles();

  it('has every architecture the issue asks for', () => {
    const archs = files.map((f) => loadCatalogFile(f).architecture).sort();
    expect(archs).toEqual(Object.keys(PUBLISHED).sort());
  });

  for (const [arch, [params, tol]] of Object.entries(PUBLISHED)) {
    it(`${arch}: weight count from the shapes matches the published total ${params}`, () => {
      const cat = loadCatalogFile(files.find((f) => f.endsWith(`/${arch}.json`))!);
      const total = cat.layers.reduce((a, l) => a + layerWeightCount(l), 0);
      expect(Math.abs(total - params) / params).toBeLessThanOrEqual(tol);
    });
  }

  it('AlexNet per-layer weight counts match the lecture table (35K 307K 885K 664K 443K 38M 17M 4M)', () => {
    const net = loadCatalogNetwork('alexnet-es');
    const k = net.layers.map((l) => Math.round(layerWeightCount(l.spec) / 1000));
    expect(k).toEqual([35, 307, 885, 664, 442, 37749, 16777, 4096]);
    expect(net.layers.filter((l) => l.spec.groups === 2).map((l) => l.spec.name)).toEqual(['conv2', 'conv4', 'conv5']);
  });

  it('every layer chains: its input size follows from a stride/pool of the previous layer, and FC inputs are flattened maps', () => {
    for (const f of files) {
      const cat = loadCatalogFile(f);
      for (const l of cat.layers) {
        const oh = outSize(l.inH, l.padTop + l.padBottom, l.kernelH, l.strideH, l.dilationH);
        expect(oh, `${cat.architecture} ${l.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('published network sparsities are reproduced (whole-network density)', () => {
    const density = (n: string) => {
      const net = loadCatalogNetwork(n);
      const tot = net.layers.reduce((a, l) => a + layerWeightCount(l.spec), 0);
      return net.layers.reduce((a, l) => a + layerWeightCount(l.spec) * l.density, 0) / tot;
    };
    expect(density('alexnet-dns')).toBeCloseTo(0.057, 2); // DNS: 5.7% total
    expect(density('alexnet-dc')).toBeCloseTo(0.11, 2); // ~11%
    expect(density('vgg16-dc')).toBeCloseTo(0.075, 2); // 7.5%
    expect(density('resnet50-agp')).toBeCloseTo(1 - 0.7997, 3);
    expect(density('mobilenet-v1-agp')).toBeCloseTo(1 - 0.5897, 3);
    expect(density('alexnet-torchvision-distiller')).toBeCloseTo(1 - 0.8844, 3);
  });

  it('every density names a listed source, and assumptions are labelled with a note', () => {
    for (const name of catalogNetworkNames()) {
      const net = loadCatalogNetwork(name);
      for (const l of net.layers) {
        expect(net.sources.map((s) => s.id)).toContain(l.source);
        if (l.source === 'assumption') expect(l.note).toBeTruthy();
      }
    }
    expect(loadCatalogNetwork('alexnet-ss').layers.map((l) => l.density)).toEqual([1, 0.143545, 0.069, 0.08192, 0.115097, 0.097191, 0.156259, 0.261764]);
    expect(loadCatalogNetwork('alexnet-es').layers.map((l) => l.density)).toEqual([0.17, 0.08, 0.09, 0.19, 0.26, 0.08, 0.09, 0.22]);
  });

  it('the JSON files are what generate.ts writes', () => {
    const before = files.map((f) => readFileSync(f, 'utf8'));
    execFileSync('npx', ['tsx', 'workloads/catalog/generate.ts'], { cwd: join(import.meta.dirname, '../../..'), stdio: 'ignore' });
    expect(catalogFiles().map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  });

  it('rejects a catalog whose density cites an unlisted source, naming file, variant and layer', () => {
    const cat = JSON.parse(readFileSync(files[0]!, 'utf8'));
    const v = Object.keys(cat.variants)[0]!;
    const layer = cat.layers[0].name;
    cat.variants[v].densities[layer].source = 'nobody2020';
    const dir = mkdtempSync(join(tmpdir(), 'st-cat-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(cat));
    expect(() => loadCatalogFile(file)).toThrow(new RegExp(`bad\\.json: variant "${v}" layer "${layer}" cites source "nobody2020"`));
  });

  it('unknown network names list the catalog', () => {
    expect(() => loadCatalogNetwork('lenet-5')).toThrow(/Network "lenet-5" is not in the layer catalog\. Catalog networks are: .*alexnet-es/);
  });
});

describe('synthetic weights', () => {
  const spec = { name: 'x', kind: 'conv' as const, filters: 8, channels: 5, kernelH: 3, kernelW: 3, inH: 6, inW: 6, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 };
  for (const density of [0, 0.05, 0.3, 0.5, 0.77, 1]) {
    it(`places exactly round(density*count) non-zeros at density ${density}, reproducibly from the seed`, () => {
      const a = syntheticWeights(spec, density, 7, 8);
      const nnz = a.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
      expect(nnz).toBe(nonZeroCount(360, density));
      expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(127);
      expect(syntheticWeights(spec, density, 7, 8)).toEqual(a);
    });
  }
  it('different seeds give different placements', () => {
    expect(syntheticWeights(spec, 0.3, 1)).not.toEqual(syntheticWeights(spec, 0.3, 2));
  });
});
