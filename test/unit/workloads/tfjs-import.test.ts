import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readTfjs } from '../../../workloads/import/tfjs.ts';
import { denseToFc, depthwiseToFcrq, hwioToFcrq, readWeightsManifest } from '../../../workloads/import/tfjs-weights.ts';
import { convolve } from '../../../workloads/import/conv.ts';
import { openTfjsGraph } from '../../../workloads/import/tfjs-graph.ts';
import { openTfjsLayers } from '../../../workloads/import/tfjs-layers.ts';
import { encodeNpy } from '../../../tools/npy.ts';
import { importModel, writeWorkload } from '../../../workloads/import/pipeline.ts';
import { readManifest, readWorkloadLayer } from '../../../workloads/workload.ts';

const require = createRequire(import.meta.url);
const FACE_API = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const TINY_FACE = join(FACE_API, 'tiny_face_detector_model-weights_manifest.json');

/* ------------------------------------------------------------------ building TF.js files in the test */

interface W { name: string; shape: number[]; values: number[]; dtype?: 'int32'; quant?: { dtype: 'uint8' | 'uint16'; scale: number; min: number } | { dtype: 'float16' } }

/** Encodes weights as TF.js does; quantised entries take `values` as the stored integers (uint8/uint16) or half bits. */
function encode(ws: W[]): { bytes: Uint8Array; entries: object[] } {
  const parts: Uint8Array[] = [];
  const entries = ws.map((w) => {
    if (w.quant?.dtype === 'uint8') parts.push(Uint8Array.from(w.values));
    else if (w.quant) parts.push(new Uint8Array(Uint16Array.from(w.values).buffer));
    else parts.push(new Uint8Array((w.dtype === 'int32' ? Int32Array : Float32Array).from(w.values).buffer));
    return { name: w.name, shape: w.shape, dtype: w.dtype ?? 'float32', ...(w.quant ? { quantization: w.quant } : {}) };
  });
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, entries };
}

/** Writes the shards (split every `shard` bytes) and returns the manifest group. */
function writeShards(dir: string, bytes: Uint8Array, entries: object[], shard = 1 << 22, prefix = 'group1'): { paths: string[]; weights: object[] } {
  const n = Math.max(1, Math.ceil(bytes.length / shard));
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = `${prefix}-shard${i + 1}of${n}.bin`;
    writeFileSync(join(dir, p), bytes.subarray(i * shard, (i + 1) * shard));
    paths.push(p);
  }
  return { paths, weights: entries };
}

function writeModel(ws: W[], topology: object | null, opts: { shard?: number; format?: string; bare?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'st-tfjs-'));
  const { bytes, entries } = encode(ws);
  const group = writeShards(dir, bytes, entries, opts.shard);
  if (opts.bare) {
    const f = join(dir, 'net-weights_manifest.json');
    writeFileSync(f, JSON.stringify([group]));
    return f;
  }
  const f = join(dir, 'model.json');
  writeFileSync(f, JSON.stringify({ format: opts.format ?? 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: topology, weightsManifest: [group] }));
  return f;
}

const ramp = (n: number, k: number, a = 0.5) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * k + 0.3) * a));

/* ------------------------------------------------------------------ the test network */

// 28x28x1 -> Conv2D 4@3x3 stride 2 'same' (asymmetric: 1 zero row/col at bottom/right) relu
//        -> DepthwiseConv2D 3x3 mult 2 'valid' -> MaxPooling2D 2 -> Flatten (6x6x8)
// (not dilated: TF.js 4.22's DepthwiseConv2D leaves dilation out of its output shape, so a dilated one cannot feed a Dense)
//        -> Dense 10 (uint8-quantised kernel) softmax
const K1 = ramp(3 * 3 * 1 * 4, 0.7);
const B1 = [0.1, -0.2, 0.05, 0];
const KD = ramp(3 * 3 * 4 * 2, 1.1, 0.8);
const BD = ramp(8, 0.9, 0.1);
const QD = Array.from({ length: 288 * 10 }, (_, i) => (i * 37 + 11) % 256); // stored uint8
const QSCALE = 0.0078125 * 0.9;
const QMIN = -0.93;
const BF = ramp(10, 0.4, 0.2);
const denseValue = (i: number) => Math.fround(QD[i]! * QSCALE + QMIN);

function kerasTopology(extra?: object): object {
  const layers: object[] = [
    { class_name: 'Conv2D', config: { name: 'conv1', batch_input_shape: [null, 28, 28, 1], filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, data_format: 'channels_last' } },
    { class_name: 'DepthwiseConv2D', config: { name: 'dw', kernel_size: [3, 3], strides: [1, 1], padding: 'valid', dilation_rate: 1, depth_multiplier: 2, activation: 'linear', use_bias: true } },
    { class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [2, 2], strides: null, padding: 'valid' } },
    ...(extra ? [extra] : []),
    { class_name: 'Flatten', config: { name: 'flatten' } },
    { class_name: 'Dropout', config: { name: 'drop', rate: 0.5 } },
    { class_name: 'Dense', config: { name: 'fc', units: 10, activation: 'softmax', use_bias: true } },
  ];
  return { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
}

const kerasWeights = (): W[] => [
  { name: 'conv1/kernel', shape: [3, 3, 1, 4], values: K1 },
  { name: 'conv1/bias', shape: [4], values: B1 },
  { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2], values: KD },
  { name: 'dw/bias', shape: [8], values: BD },
  { name: 'fc/kernel', shape: [288, 10], values: QD, quant: { dtype: 'uint8', scale: QSCALE, min: QMIN } },
  { name: 'fc/bias', shape: [10], values: BF },
];

/* ------------------------------------------------------------------ an independent NHWC reference (TF semantics) */

type Map3 = { H: number; W: number; C: number; d: Float64Array }; // [H][W][C]
function samePad(inS: number, k: number, s: number, d: number): number {
  const o = Math.ceil(inS / s);
  return Math.floor(Math.max(0, (o - 1) * s + d * (k - 1) + 1 - inS) / 2);
}
function convNHWC(x: Map3, k: number[], kh: number, kw: number, cout: number, stride: number | [number, number], dil: number, same: boolean, bias: number[], depthMult = 0): Map3 {
  const [s, sw] = typeof stride === 'number' ? [stride, stride] : stride;
  const oH = same ? Math.ceil(x.H / s) : Math.floor((x.H - dil * (kh - 1) - 1) / s) + 1;
  const oW = same ? Math.ceil(x.W / sw) : Math.floor((x.W - dil * (kw - 1) - 1) / sw) + 1;
  const pt = same ? samePad(x.H, kh, s, dil) : 0;
  const pl = same ? samePad(x.W, kw, sw, dil) : 0;
  const C = depthMult ? x.C * depthMult : cout;
  const d = new Float64Array(oH * oW * C);
  for (let oy = 0; oy < oH; oy++) for (let ox = 0; ox < oW; ox++) for (let o = 0; o < C; o++) {
    let acc = bias[o]!;
    for (let r = 0; r < kh; r++) for (let q = 0; q < kw; q++) {
      const y = oy * s + r * dil - pt;
      const xx = ox * sw + q * dil - pl;
      if (y < 0 || y >= x.H || xx < 0 || xx >= x.W) continue;
      if (depthMult) {
        const c = Math.floor(o / depthMult);
        acc += x.d[(y * x.W + xx) * x.C + c]! * k[((r * kw + q) * x.C + c) * depthMult + (o % depthMult)]!;
      } else {
        for (let c = 0; c < x.C; c++) acc += x.d[(y * x.W + xx) * x.C + c]! * k[((r * kw + q) * x.C + c) * cout + o]!;
      }
    }
    d[(oy * oW + ox) * C + o] = acc;
  }
  return { H: oH, W: oW, C, d };
}
function referenceForward(img: Float64Array): number[] {
  let x: Map3 = { H: 28, W: 28, C: 1, d: Float64Array.from(img) };
  x = convNHWC(x, K1, 3, 3, 4, 2, 1, true, B1.map(Math.fround));
  x.d = x.d.map((v) => Math.max(0, v));
  x = convNHWC(x, KD, 3, 3, 0, 1, 1, false, BD, 2);
  const p: Map3 = { H: 6, W: 6, C: 8, d: new Float64Array(288) };
  for (let y = 0; y < 6; y++) for (let xx = 0; xx < 6; xx++) for (let c = 0; c < 8; c++) {
    let m = -Infinity;
    for (let r = 0; r < 2; r++) for (let q = 0; q < 2; q++) m = Math.max(m, x.d[((2 * y + r) * x.W + 2 * xx + q) * x.C + c]!);
    p.d[(y * 6 + xx) * 8 + c] = m;
  }
  const logits = Array.from({ length: 10 }, (_, f) => {
    let s = BF[f]!;
    for (let i = 0; i < 288; i++) s += p.d[i]! * denseValue(i * 10 + f); // Flatten in HWC order, Dense [in, out]
    return s;
  });
  const mx = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - mx));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
const testImage = () => Float64Array.from({ length: 784 }, (_, i) => ((i * 7919) % 256) / 255);

/* ------------------------------------------------------------------ tests */

describe('TF.js weights: decoding', () => {
  it('reads float32, uint8 (q*scale+min), uint16 and float16 weights exactly, across shard boundaries', () => {
    const ws: W[] = [
      { name: 'a', shape: [2, 3], values: [1.5, -2.25, 3e-8, 0, 7, -0.1] },
      { name: 'q8', shape: [5], values: [0, 1, 2, 128, 255], quant: { dtype: 'uint8', scale: 0.01, min: -1.2 } },
      { name: 'q16', shape: [3], values: [0, 40000, 65535], quant: { dtype: 'uint16', scale: 1e-4, min: -3 } },
      { name: 'h', shape: [4], values: [0x3c00, 0xc000, 0x3555, 0x0001], quant: { dtype: 'float16' } },
    ];
    const f = writeModel(ws, null, { bare: true, shard: 7 }); // 7-byte shards split weights mid-value
    const m = JSON.parse(readFileSync(f, 'utf8'));
    expect(m[0].paths.length).toBeGreaterThan(5);
    const w = readWeightsManifest(m, f);
    expect(Array.from(w.get('a')!.data)).toEqual([1.5, -2.25, Math.fround(3e-8), 0, 7, Math.fround(-0.1)]);
    expect(Array.from(w.get('q8')!.data)).toEqual([0, 1, 2, 128, 255].map((q) => Math.fround(q * 0.01 - 1.2)));
    expect(w.get('q8')!.quantization).toBe('uint8');
    expect(w.get('q8')!.data[3]).toBe(Math.fround(128 * 0.01 + -1.2)); // 0.08000000000000007 -> float32
    expect(Array.from(w.get('q16')!.data)).toEqual([0, 40000, 65535].map((q) => Math.fround(q * 1e-4 - 3)));
    expect(Array.from(w.get('h')!.data)).toEqual([1, -2, 0.333251953125, 2 ** -24]);
  });

  it('transposes HWIO, depthwise and Dense kernels to sparsetile [F, C, R, Q] / [F, C]', () => {
    const k = Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i); // [kh=2, kw=3, cin=4, cout=5]
    const t = hwioToFcrq(k, [2, 3, 4, 5]);
    for (let f = 0; f < 5; f++) for (let c = 0; c < 4; c++) for (let r = 0; r < 2; r++) for (let q = 0; q < 3; q++) {
      expect(t[((f * 4 + c) * 2 + r) * 3 + q]).toBe(((r * 3 + q) * 4 + c) * 5 + f);
    }
    expect(Array.from(t.slice(0, 6))).toEqual([0, 20, 40, 60, 80, 100]); // filter 0, channel 0: the 2x3 window
    const d = depthwiseToFcrq(k, [2, 3, 4, 5]); // [kh, kw, cin=4, mult=5]: filter c*5+m
    expect(d[((2 * 5 + 3) * 2 + 1) * 3 + 2]).toBe(((1 * 3 + 2) * 4 + 2) * 5 + 3);
    const dense = denseToFc(Array.from({ length: 6 * 2 }, (_, i) => i), [6, 2]); // [in=6, out=2]
    expect(Array.from(dense)).toEqual([0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
    // after Flatten of a 1x3x2 (H, W, C) map: CHW column (c, h, w) reads TF row (h*W + w)*C + c
    const perm = denseToFc(Array.from({ length: 6 }, (_, i) => i), [6, 1], [1, 3, 2]);
    expect(Array.from(perm)).toEqual([0, 2, 4, 1, 3, 5]);
  });
});

describe('TF.js layers-model: run in TF.js, layer by layer, onto the tile', () => {
  it("lowers each layer with TF's own geometry ('same' per side, dilation, depthwise) and TF.js's forward pass equals a direct NHWC evaluation", async () => {
    const f = writeModel(kerasWeights(), kerasTopology(), { shard: 1000 });
    const m = await openTfjsLayers(readTfjs(f), {});
    expect(m.tile.map((l) => l.spec)).toEqual([
      // 'same' at stride 2 on 28: TF pads 0 top/left, 1 bottom/right; the tile pads per side
      { name: 'conv1', kind: 'conv', filters: 4, channels: 1, kernelH: 3, kernelW: 3, inH: 28, inW: 28, strideH: 2, strideW: 2, padTop: 0, padBottom: 1, padLeft: 0, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'dw', kind: 'conv', filters: 8, channels: 1, kernelH: 3, kernelW: 3, inH: 14, inW: 14, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 4 },
      { name: 'fc', kind: 'fc', filters: 10, channels: 288, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
    ]);
    expect(m.host.map((h) => `${h.name}:${h.op}`)).toEqual(['pool:MaxPooling2D', 'flatten:Flatten', 'drop:Dropout']);
    // [F, C, R, Q] of conv1: filter 3, kernel (2, 1) is HWIO element (2, 1, 0, 3)
    expect(m.tile[0]!.weights[((3 * 1 + 0) * 3 + 2) * 3 + 1]).toBe(K1[((2 * 3 + 1) * 1 + 0) * 4 + 3]);
    expect(Array.from(m.tile[0]!.bias!)).toEqual(B1.map(Math.fround));
    // Dense after Flatten keeps TF's HWC row order: no permutation, the tile reads the flattened vector as it is
    expect(m.tile[2]!.weights[3 * 288 + 17]).toBe(denseValue(17 * 10 + 3));
    const x = testImage();
    const r = await m.run(x, {});
    const ref = referenceForward(x);
    const out = Array.from(r.final[0]!.data);
    expect(out).toHaveLength(10);
    out.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-6)); // TF.js computes in float32
  });

  it('imports through prune / quantise / integer pass with real MNIST activations, every layer within the bound of TF.js', async () => {
    const f = writeModel(kerasWeights(), kerasTopology());
    const r = await importModel({ file: f, outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:3', lanes: 4 });
    expect(r.layers.map((l) => l.spec.name)).toEqual(['conv1', 'dw', 'fc']);
    expect(r.manifest.source).toMatchObject({ kind: 'tfjs', format: 'layers-model' });
    expect(r.manifest.reference).toMatch(/^@tensorflow\/tfjs 4\.22\.0/);
    expect(r.manifest.name).toBe(f.split('/').at(-2));
    for (const l of r.layers) {
      const mm = l.manifest as typeof l.manifest & { layerErrorMax: number; layerErrorBound: number; refSnrDb: number };
      expect(Math.abs(mm.density * mm.weights - Math.round(0.5 * mm.weights))).toBeLessThanOrEqual(1);
      expect(mm.layerErrorMax, l.spec.name).toBeLessThanOrEqual(mm.layerErrorBound);
      expect(mm.refSnrDb, l.spec.name).toBeGreaterThan(60);
      expect(l.actsQ).not.toBeNull();
    }
    expect((r.manifest.forward as { snrDb: number }).snrDb).toBeGreaterThan(50);
    expect(r.layers[1]!.manifest.actSparsity as number).toBeGreaterThan(0); // the ReLU after conv1
    const dir = mkdtempSync(join(tmpdir(), 'st-tfwl-'));
    writeWorkload(dir, r);
    const d = readWorkloadLayer(dir, readManifest(dir).layers[0]!, true);
    expect(d.acts.length).toBe(28 * 28); // the image itself: the tile pads 'same' on its own
    expect(readFileSync(join(dir, 'coverage.md'), 'utf8')).toMatch(/\| pool \| MaxPooling2D \| host \| pooling \|/);
  });

  it('functional models: SeparableConv2D as two tile layers, a BatchNorm folded into a linear Conv2D, host Add and pooling', async () => {
    const inb = (...n: string[]) => [n.map((x) => [x, 0, 0, {}])];
    const topo = {
      class_name: 'Model',
      config: {
        name: 'fun',
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 6, 6, 2] }, inbound_nodes: [] },
          { class_name: 'SeparableConv2D', name: 'sep', config: { name: 'sep', filters: 2, kernel_size: 3, strides: 1, padding: 'same', depth_multiplier: 1, activation: 'relu6', use_bias: true }, inbound_nodes: inb('in') },
          { class_name: 'Conv2D', name: 'c2', config: { name: 'c2', filters: 2, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', activation: 'linear', use_bias: true }, inbound_nodes: inb('sep') },
          { class_name: 'BatchNormalization', name: 'bn', config: { name: 'bn', axis: -1, epsilon: 0.001, center: true, scale: true }, inbound_nodes: inb('c2') },
          { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: inb('bn', 'in') },
          { class_name: 'GlobalAveragePooling2D', name: 'gap', config: { name: 'gap' }, inbound_nodes: inb('add') },
          { class_name: 'Dense', name: 'out', config: { name: 'out', units: 3, activation: 'linear', use_bias: false }, inbound_nodes: inb('gap') },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    };
    const ws: W[] = [
      { name: 'sep/depthwise_kernel', shape: [3, 3, 2, 1], values: ramp(18, 0.3) },
      { name: 'sep/pointwise_kernel', shape: [1, 1, 2, 2], values: ramp(4, 0.8) },
      { name: 'sep/bias', shape: [2], values: [0.1, 0.2] },
      { name: 'c2/kernel', shape: [1, 1, 2, 2], values: ramp(4, 1.7) },
      { name: 'c2/bias', shape: [2], values: [0.05, -0.1] },
      { name: 'bn/gamma', shape: [2], values: [1, 2] },
      { name: 'bn/beta', shape: [2], values: [0, 0.5] },
      { name: 'bn/moving_mean', shape: [2], values: [0.1, -0.1] },
      { name: 'bn/moving_variance', shape: [2], values: [1, 4] },
      { name: 'out/kernel', shape: [2, 3], values: ramp(6, 0.5) },
    ];
    const file = writeModel(ws, topo);
    const m = await openTfjsLayers(readTfjs(file), {});
    expect(m.tile.map((l) => [l.spec.name, l.spec.groups, l.spec.channels, l.spec.padTop, l.folded.map((f) => f.name)])).toEqual([
      ['sep/depthwise', 2, 1, 1, []], ['sep/pointwise', 1, 2, 0, []], ['c2', 1, 2, 0, ['bn']], ['out', 1, 2, 0, []],
    ]);
    expect(m.host.map((h) => h.op)).toEqual(['Add', 'GlobalAveragePooling2D']);
    // the folded c2 in float reproduces TF.js's c2 -> bn on its own input
    const x = Float64Array.from({ length: 72 }, (_, i) => i / 72);
    const ref = await m.run(x, {});
    const c2 = m.tile[2]!;
    const y = convolve(c2.spec, c2.weights, ref.inputs[2]!, c2.bias);
    y.forEach((v, k) => expect(Math.abs(v - ref.outputs[2]![k]!)).toBeLessThan(1e-5));
    expect(ref.final[0]!.dims).toEqual([1, 3]);
    const r = await importModel({ file, outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:2', lanes: 4 });
    for (const l of r.layers) expect(l.manifest.layerErrorMax as number, l.spec.name).toBeLessThanOrEqual(l.manifest.layerErrorBound as number);
  });

  it('non-square strides, Conv1D with dilation, Dense over positions; unknown-to-the-tile layers and activations run on the host', async () => {
    const seq = (layers: object[]) => ({ class_name: 'Sequential', config: { name: 's', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' });
    const topo2d = seq([
      { class_name: 'Conv2D', config: { name: 'c', batch_input_shape: [null, 9, 8, 2], filters: 3, kernel_size: [3, 2], strides: [2, 1], padding: 'same', dilation_rate: [1, 1], activation: 'gelu', use_bias: true } },
      { class_name: 'UpSampling2D', config: { name: 'up', size: [2, 2] } },
      { class_name: 'Conv2DTranspose', config: { name: 'deconv', filters: 2, kernel_size: 2, strides: 2, padding: 'valid', use_bias: false } },
      { class_name: 'Conv2D', config: { name: 'dil', filters: 2, kernel_size: 3, strides: 1, padding: 'same', dilation_rate: [2, 1], activation: 'relu', use_bias: false } },
    ]);
    const m2 = await openTfjsLayers(readTfjs(writeModel([
      { name: 'c/kernel', shape: [3, 2, 2, 3], values: ramp(36, 0.3) }, { name: 'c/bias', shape: [3], values: [0.1, 0, -0.1] },
      { name: 'deconv/kernel', shape: [2, 2, 2, 3], values: ramp(24, 0.7) }, { name: 'dil/kernel', shape: [3, 3, 2, 2], values: ramp(36, 0.9) },
    ], topo2d)), {});
    expect(m2.tile.map((l) => l.spec)).toEqual([
      // 'same', stride 2 on H 9: 5 rows out, 3 + 1 ... total pad 2: 1 / 1; W: kernel 2, stride 1: total 1, 0 left / 1 right
      { name: 'c', kind: 'conv', filters: 3, channels: 2, kernelH: 3, kernelW: 2, inH: 9, inW: 8, strideH: 2, strideW: 1, padTop: 1, padBottom: 1, padLeft: 0, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'dil', kind: 'conv', filters: 2, channels: 2, kernelH: 3, kernelW: 3, inH: 20, inW: 32, strideH: 1, strideW: 1, padTop: 2, padBottom: 2, padLeft: 1, padRight: 1, dilationH: 2, dilationW: 1, groups: 1 },
    ]);
    expect(m2.host.map((h) => [h.name, h.why])).toEqual([['up', 'resampling'], ['deconv', 'transposed convolution: the tile has no scatter dataflow']]);
    const topo1d = seq([
      { class_name: 'Conv1D', config: { name: 'c1', batch_input_shape: [null, 12, 3], filters: 4, kernel_size: 3, strides: 1, padding: 'same', dilation_rate: 2, activation: 'tanh', use_bias: true } },
      { class_name: 'Dense', config: { name: 'per_step', units: 5, activation: 'linear', use_bias: true } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'head', units: 2, activation: 'softmax', use_bias: false } },
    ]);
    const file1d = writeModel([
      { name: 'c1/kernel', shape: [3, 3, 4], values: ramp(36, 0.4) }, { name: 'c1/bias', shape: [4], values: [0, 0.1, 0.2, 0.3] },
      { name: 'per_step/kernel', shape: [4, 5], values: ramp(20, 1.3) }, { name: 'per_step/bias', shape: [5], values: ramp(5, 2, 0.1) },
      { name: 'head/kernel', shape: [60, 2], values: ramp(120, 0.77) },
    ], topo1d);
    const m1 = await openTfjsLayers(readTfjs(file1d), {});
    expect(m1.tile.map((l) => l.spec)).toEqual([
      // 'same' with dilation 2: (k - 1) * d = 4 zeros, 2 before and 2 after (TF.js does not run 'causal')
      { name: 'c1', kind: 'conv', filters: 4, channels: 3, kernelH: 1, kernelW: 3, inH: 1, inW: 12, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 2, padRight: 2, dilationH: 1, dilationW: 2, groups: 1 },
      // Dense on [12, 4]: a 1x1 convolution over the 12 positions
      { name: 'per_step', kind: 'conv', filters: 5, channels: 4, kernelH: 1, kernelW: 1, inH: 1, inW: 12, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'head', kind: 'fc', filters: 2, channels: 60, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
    ]);
    const npy = join(dirname(file1d), 'x.npy');
    writeFileSync(npy, encodeNpy('float64', [12, 3], Array.from({ length: 36 }, (_, i) => Math.sin(i))));
    const r = await importModel({ file: file1d, outDir: '', prune: 0.6, quant: 'int16', input: npy, lanes: 4 });
    for (const l of r.layers) expect(l.manifest.layerErrorMax as number, l.spec.name).toBeLessThanOrEqual(l.manifest.layerErrorBound as number);
    expect((r.manifest.forward as { argmaxAgreement: number }).argmaxAgreement).toBe(1);
  });
});

describe('TF.js layers-model: host layers keep their own semantics', () => {
  it('a tile-class layer the tile cannot take (channels-first) runs whole on the host, its activation included: the walk equals TF.js predict', async () => {
    const topo = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'Conv2D', config: { name: 'cf', batch_input_shape: [null, 2, 6, 5], filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_first', activation: 'relu', use_bias: true } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'd', units: 4, activation: 'sigmoid', use_bias: false } },
    ] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
    const ws: W[] = [{ name: 'cf/kernel', shape: [3, 3, 2, 3], values: ramp(54, 0.9) }, { name: 'cf/bias', shape: [3], values: [-0.3, 0, 0.3] }, { name: 'd/kernel', shape: [90, 4], values: ramp(360, 0.31) }];
    const file = writeModel(ws, topo);
    const m = await openTfjsLayers(readTfjs(file), {});
    expect(m.host.map((h) => [h.name, h.why])).toEqual([['cf', 'channels-first data format (sparsetile lowers channels-last TF.js layers)'], ['flat', 'data movement or shape computation']]);
    expect(m.tile.map((l) => l.spec.name)).toEqual(['d']);
    const tf = await import('@tensorflow/tfjs');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const art = readTfjs(file).artifacts;
    const own = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: art.weightSpecs as never, weightData: art.weightData }));
    const x = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i * 0.4));
    const want = Array.from((own.predict(tf.tensor(Float32Array.from(x), [1, 2, 6, 5])) as import('@tensorflow/tfjs').Tensor).dataSync());
    expect(Array.from((await m.run(x, {})).final[0]!.data)).toEqual(want);
  });
});

describe('TF.js without a runnable topology: weights-only imports', () => {
  it('a bare weights manifest: layers inferred from 4-D / 2-D tensors under stated assumptions, no activations', async () => {
    const ws: W[] = [
      { name: 'c0/filters', shape: [3, 3, 3, 8], values: ramp(216, 0.2) },
      { name: 'c0/bias', shape: [8], values: ramp(8, 1) },
      { name: 'c1/depthwise_filter', shape: [3, 3, 8, 1], values: ramp(72, 0.6), quant: undefined },
      { name: 'c1/pointwise_filter', shape: [1, 1, 8, 16], values: Array.from({ length: 128 }, (_, i) => i % 256), quant: { dtype: 'uint8', scale: 0.01, min: -0.6 } },
      { name: 'head', shape: [16, 4], values: ramp(64, 0.1) },
    ];
    const f = writeModel(ws, null, { bare: true });
    const m = readTfjs(f, { inputShape: [3, 20, 20] });
    expect(m.format).toBe('weights-manifest');
    expect(m.topology).toBeNull();
    expect(m.layers.map((l) => l.spec)).toEqual([
      { name: 'c0/filters', kind: 'conv', filters: 8, channels: 3, kernelH: 3, kernelW: 3, inH: 20, inW: 20, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'c1/depthwise_filter', kind: 'conv', filters: 8, channels: 1, kernelH: 3, kernelW: 3, inH: 20, inW: 20, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 8 },
      { name: 'c1/pointwise_filter', kind: 'conv', filters: 16, channels: 8, kernelH: 1, kernelW: 1, inH: 20, inW: 20, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'head', kind: 'fc', filters: 4, channels: 16, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
    ]);
    // pointwise [1,1,8,16] uint8 -> [16, 8, 1, 1]: filter f channel c is stored value c*16+f
    expect(m.layers[2]!.weights[5 * 8 + 3]).toBe(Math.fround((3 * 16 + 5) * 0.01 - 0.6));
    expect(m.assumptions.join('\n')).toMatch(/stride 1, dilation 1, 'same' padding/);
    expect(m.unlowered).toEqual(['c0/bias [8]']);
    const r = await importModel({ file: f, outDir: '', prune: 0.25, quant: 'int8', input: 'mnist:1', lanes: 4, inputShape: [3, 20, 20] });
    expect(r.manifest).toMatchObject({ weightsOnly: true, forward: null });
    expect((r.manifest.assumptions as string[]).at(-1)).toMatch(/--input mnist:1 was not used/);
    for (const l of r.layers) {
      expect(l.actsQ).toBeNull();
      expect(l.manifest.actSparsity).toBeNull();
      expect(Math.abs(l.manifest.density * l.manifest.weights - Math.round(0.25 * l.manifest.weights))).toBeLessThanOrEqual(1);
    }
    const dir = mkdtempSync(join(tmpdir(), 'st-tfwo-'));
    writeWorkload(dir, r);
    const man = readManifest(dir);
    expect(man.name).toBe('net');
    expect(readWorkloadLayer(dir, man.layers[1]!, true).spec.groups).toBe(8);
  });

});

describe('TF.js graph-models', () => {
  it('a graph-model runs in the TF.js graph executor: fused nodes split, SAME per side, strides per axis, bias folded', async () => {
    const s = (v: string) => ({ s: Buffer.from(v).toString('base64') });
    const li = (...v: number[]) => ({ list: { i: v.map(String) } });
    const T = { type: 'DT_FLOAT' };
    const cst = (name: string) => ({ name, op: 'Const', attr: { dtype: T, value: { tensor: { dtype: 'DT_FLOAT' } } } });
    const topo = {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: T, shape: { shape: { dim: [{ size: '-1' }, { size: '9' }, { size: '8' }, { size: '2' }] } } } },
        cst('w1'), cst('b1'), cst('w2'), cst('wm'), cst('bm'),
        { name: 'shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32' } } } },
        { name: 'c1', op: '_FusedConv2D', input: ['x', 'w1', 'b1'], attr: { T, strides: li(1, 2, 1, 1), padding: s('SAME'), dilations: li(1, 1, 1, 1), data_format: s('NHWC'), fused_ops: { list: { s: [Buffer.from('BiasAdd').toString('base64'), Buffer.from('Relu').toString('base64')] } }, num_args: { i: '1' } } },
        { name: 'w2/read', op: 'Identity', input: ['w2'], attr: { T } },
        { name: 'c2', op: 'DepthwiseConv2dNative', input: ['c1', 'w2/read'], attr: { T, strides: li(1, 1, 2, 1), padding: s('VALID'), dilations: li(1, 1, 1, 1), data_format: s('NHWC') } },
        { name: 'pool', op: 'MaxPool', input: ['c2'], attr: { T, ksize: li(1, 1, 1, 1), strides: li(1, 1, 1, 1), padding: s('VALID'), data_format: s('NHWC') } },
        { name: 'flat', op: 'Reshape', input: ['pool', 'shape'], attr: { T } },
        { name: 'mm', op: 'MatMul', input: ['flat', 'wm'], attr: { T, transpose_a: { b: false }, transpose_b: { b: true } } },
        { name: 'logits', op: 'BiasAdd', input: ['mm', 'bm'], attr: { T } },
        { name: 'y', op: 'Softmax', input: ['logits'], attr: { T } },
      ],
      versions: { producer: 1 },
    };
    const ws: W[] = [
      { name: 'w1', shape: [3, 3, 2, 4], values: ramp(72, 0.4) },
      { name: 'b1', shape: [4], values: [0.1, -0.1, 0.2, 0] },
      { name: 'w2', shape: [3, 3, 4, 1], values: ramp(36, 0.5), quant: undefined },
      { name: 'wm', shape: [3, 36], values: ramp(108, 0.1) },
      { name: 'bm', shape: [3], values: [0.3, 0, -0.3] },
      { name: 'shape', shape: [2], values: [1, 36], dtype: 'int32' },
    ];
    const file = writeModel(ws, topo, { format: 'graph-model' });
    const m = await openTfjsGraph(readTfjs(file), {});
    expect(m.tile.map((l) => [l.node, l.folded.map((f) => f.name)])).toEqual([['c1/__Conv2D', ['c1/__BiasAdd']], ['c2', []], ['mm', ['logits']]]);
    expect(m.tile.map((l) => l.spec)).toEqual([
      // SAME, stride 2 on H 9: 5 rows, total pad 2 (1 / 1); W 8 stride 1: 1 / 1
      { name: 'c1/__Conv2D', kind: 'conv', filters: 4, channels: 2, kernelH: 3, kernelW: 3, inH: 9, inW: 8, strideH: 2, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'c2', kind: 'conv', filters: 4, channels: 1, kernelH: 3, kernelW: 3, inH: 5, inW: 8, strideH: 1, strideW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 4 },
      { name: 'mm', kind: 'fc', filters: 3, channels: 36, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
    ]);
    expect(m.host.map((h) => h.op)).toEqual(['Relu', 'MaxPool', 'Reshape', 'Softmax']);
    // the executed graph equals a direct NHWC evaluation (independent of the tile lowering)
    const img = Float64Array.from({ length: 9 * 8 * 2 }, (_, i) => Math.cos(i * 0.3));
    const r = await m.run(img, {});
    let a: Map3 = convNHWC({ H: 9, W: 8, C: 2, d: img }, ws[0]!.values, 3, 3, 4, [2, 1], 1, true, ws[1]!.values.map(Math.fround));
    a.d = a.d.map((v) => Math.max(0, v));
    a = convNHWC(a, ws[2]!.values, 3, 3, 0, [1, 2], 1, false, [0, 0, 0, 0], 1);
    const logits = [0, 1, 2].map((f) => ws[4]!.values[f]! + a.d.reduce((acc, v, i) => acc + v * ws[3]!.values[f * 36 + i]!, 0));
    const e = logits.map((v) => Math.exp(v - Math.max(...logits)));
    e.forEach((v, i) => expect(Math.abs(r.final[0]!.data[i]! - v / e.reduce((p, q) => p + q, 0))).toBeLessThan(1e-6));
    const imp = await importModel({ file, outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:8', inputShape: [2, 9, 8], lanes: 4 });
    expect(imp.manifest.source).toMatchObject({ format: 'graph-model' });
    for (const l of imp.layers) expect(l.manifest.layerErrorMax as number, l.spec.name).toBeLessThanOrEqual(l.manifest.layerErrorBound as number);
    expect((imp.manifest.forward as { snrDb: number }).snrDb).toBeGreaterThan(50);
  });
});

describe('TF.js: bad files are clear errors', () => {
  it('a missing shard', () => {
    const f = writeModel(kerasWeights(), kerasTopology(), { shard: 500 });
    const json = JSON.parse(readFileSync(f, 'utf8'));
    json.weightsManifest[0].paths[1] = 'group1-shard2of9.bin';
    writeFileSync(f, JSON.stringify(json));
    expect(() => readTfjs(f)).toThrow(/model\.json: weight group 1 lists shard "group1-shard2of9\.bin", which does not exist \(looked for .*\)\. Copy every shard named in the manifest's "paths" beside it\./);
  });

  it('a truncated shard', () => {
    const f = writeModel(kerasWeights(), kerasTopology());
    const bin = join(dirname(f), 'group1-shard1of1.bin');
    const buf = readFileSync(bin);
    writeFileSync(bin, buf.subarray(0, buf.length - 100));
    expect(() => readTfjs(f)).toThrow(/: weight "fc\/kernel" \(shape \[288, 10\], uint8-quantised float32\) needs 2880 bytes at offset \d+ of group 1, but its shards \[group1-shard1of1\.bin \(\d+ bytes\)\] hold \d+ bytes in all: a shard is truncated/);
  });

  it('a manifest whose shapes do not match the bytes, or the topology', async () => {
    const f = writeModel(kerasWeights(), kerasTopology());
    const json = JSON.parse(readFileSync(f, 'utf8'));
    json.weightsManifest[0].weights[5].shape = [5]; // fc/bias holds 10 floats
    writeFileSync(f, JSON.stringify(json));
    expect(() => readTfjs(f)).toThrow(/: the shapes in weight group 1 account for \d+ bytes, but its shards \[.*\] hold \d+: the manifest does not describe these shards \(20 bytes left over\)/);
    // shapes that disagree with the topology: TF.js refuses to load the model, and says why
    const g = writeModel(kerasWeights().map((w) => (w.name === 'conv1/kernel' ? { ...w, shape: [3, 3, 2, 2] } : w)), kerasTopology());
    await expect(importModel({ file: g, outDir: '', quant: 'int16', lanes: 4 })).rejects.toThrow(/model\.json: TF\.js 4\.22\.0 cannot load this layers-model \(.*[Ss]hape.*\); sparsetile runs TF\.js models in it as the float reference\./);
  });

  it('a layer class or activation TF.js does not know, a missing weight: TF.js says which', async () => {
    const f = writeModel(kerasWeights(), kerasTopology({ class_name: 'Conv9D', config: { name: 'vol', filters: 2 } }));
    await expect(importModel({ file: f, outDir: '', quant: 'int16', lanes: 4 })).rejects.toThrow(/model\.json: TF\.js 4\.22\.0 cannot load this layers-model \(.*Conv9D.*\)/);
    const t = kerasTopology() as { config: { layers: { config: Record<string, unknown> }[] } };
    t.config.layers[0]!.config.activation = 'no_such_activation';
    await expect(importModel({ file: writeModel(kerasWeights(), t), outDir: '', quant: 'int16', lanes: 4 })).rejects.toThrow(/cannot load this layers-model \(Unknown activation: noSuchActivation\./);
    await expect(importModel({ file: writeModel(kerasWeights().filter((w) => w.name !== 'dw/bias'), kerasTopology()), outDir: '', quant: 'int16', lanes: 4 })).rejects.toThrow(/cannot load this layers-model \(.*dw\/bias.*\)/);
  });

  it('not JSON, no weights', () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-tfbad-'));
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": {"class_name": "Sequ');
    expect(() => readTfjs(join(dir, 'model.json'))).toThrow(/model\.json: is not valid JSON \(.*\); a TF\.js model\.json or \*weights_manifest\.json is expected/);
    writeFileSync(join(dir, 'topo.json'), JSON.stringify({ modelTopology: kerasTopology() }));
    expect(() => readTfjs(join(dir, 'topo.json'))).toThrow(/topo\.json: has no "weightsManifest"/);
  });
});

describe('TF.js: a real trained model shipped in an npm package (face-api.js tiny face detector, @vladmandic/face-api)', () => {
  it('decodes its uint8-quantised weights and imports its 12 conv layers', async () => {
    const manifest = JSON.parse(readFileSync(TINY_FACE, 'utf8'));
    const bin = readFileSync(join(FACE_API, manifest[0].paths[0]));
    const m = readTfjs(TINY_FACE, { inputShape: [3, 52, 52] });
    const w0 = m.weights.get('conv0/filters')!;
    const q0 = manifest[0].weights[0].quantization;
    expect(w0.quantization).toBe('uint8');
    expect(w0.dims).toEqual([3, 3, 3, 16]);
    expect(w0.data[0]).toBe(Math.fround(bin[0]! * q0.scale + q0.min));
    expect(w0.data[431]).toBe(Math.fround(bin[431]! * q0.scale + q0.min));
    expect(m.layers).toHaveLength(12);
    expect(m.layers.filter((l) => l.spec.groups > 1).map((l) => l.spec.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5'].map((c) => `${c}/depthwise_filter`));
    expect(m.layers.at(-1)!.spec).toMatchObject({ filters: 25, channels: 512, kernelH: 1 });
    const r = await importModel({ file: TINY_FACE, outDir: '', prune: 0.5, quant: 'int8', lanes: 16, inputShape: [3, 52, 52] });
    for (const l of r.layers) {
      expect(Math.abs(l.manifest.density * l.manifest.weights - Math.round(0.5 * l.manifest.weights)), l.spec.name).toBeLessThanOrEqual(1);
      expect(l.manifest.quantSnrDb as number).toBeGreaterThan(25);
    }
    expect(r.manifest.name).toBe('tiny_face_detector_model');
    expect(r.layers.reduce((a, l) => a + l.manifest.weights, 0)).toBe(432 + 5 * 9 * 0 + [16, 32, 64, 128, 256].reduce((a, c) => a + 9 * c, 0) + [16 * 32, 32 * 64, 64 * 128, 128 * 256, 256 * 512].reduce((a, b) => a + b, 0) + 512 * 25);
  });
});
