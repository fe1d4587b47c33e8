import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readImage } from '../../../tools/image.ts';
import { encodeNpy } from '../../../tools/npy.ts';
import { cropResize, modelInput } from '../../../workloads/import/input.ts';
import { tmpFile } from '../../support/onnx-models.ts';

const planes = (C: number, H: number, W: number, f: (c: number, y: number, x: number) => number) => ({
  dims: [C, H, W] as [number, number, number],
  data: Float64Array.from({ length: C * H * W }, (_, i) => f(Math.floor(i / (H * W)), Math.floor(i / W) % H, i % W)),
  label: 'test',
});

describe('import inputs: images as the model takes them', () => {
  it('area resampling: exact block means when shrinking by an integer factor, constants stay constant, the centred crop keeps the aspect ratio', () => {
    const img = planes(1, 4, 6, (_, y, x) => y * 6 + x);
    // 4 x 6 -> 2 x 3: each output is the mean of a 2 x 2 block
    expect(Array.from(cropResize(img, 2, 3))).toEqual([3.5, 5.5, 7.5, 15.5, 17.5, 19.5]);
    // a 1.5x shrink: pixel (0, 0) of 6 -> 4 covers input [0, 1.5) x [0, 1.5): weights 1, 0.5 per axis
    const sq = planes(1, 6, 6, (_, y, x) => y * 6 + x);
    const y = cropResize(sq, 4, 4);
    const w = [1, 0.5];
    let s = 0;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) s += w[a]! * w[b]! * (a * 6 + b);
    expect(y[0]).toBeCloseTo(s / 2.25, 12);
    expect(Array.from(cropResize(planes(3, 7, 13, () => 0.25), 5, 3))).toEqual(new Array(45).fill(0.25));
    // a 4 x 8 image into a square: the centred 4 x 4 window (columns 2..5)
    const wide = planes(1, 4, 8, (_, __, x) => x);
    expect(Array.from(cropResize(wide, 4, 4))).toEqual([2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5]);
    // upscaling repeats pixels
    expect(Array.from(cropResize(planes(1, 1, 2, (_, __, x) => x), 2, 4))).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('PNG and JPEG files decode to RGB planes in [0, 1]; anything else is one sentence', () => {
    const png = new PNG({ width: 3, height: 2 });
    for (let i = 0; i < 6; i++) png.data.set([i * 40, 255 - i * 40, 7, 255], 4 * i);
    const p = readImage(tmpFile('a.png', PNG.sync.write(png)));
    expect([p.width, p.height, p.channels]).toEqual([3, 2, 3]);
    expect(Array.from(p.data.slice(0, 6))).toEqual([0, 40, 80, 120, 160, 200].map((v) => v / 255));
    expect(p.data[6]).toBe(1);
    const flat = Buffer.alloc(16 * 16 * 4, 200);
    const j = readImage(tmpFile('b.jpg', jpeg.encode({ data: flat, width: 16, height: 16 }, 95).data));
    expect([j.width, j.height]).toEqual([16, 16]);
    for (const v of j.data) expect(Math.abs(v - 200 / 255)).toBeLessThan(3 / 255); // lossy, but a flat image stays flat
    expect(() => readImage(tmpFile('c.png', 'not an image'))).toThrow(/c\.png: is neither a PNG nor a JPEG file \(its first bytes are 6e 6f 74 20\)\. Pass a \.png or \.jpg image\./);
    const cut = PNG.sync.write(png).subarray(0, 40);
    expect(() => readImage(tmpFile('d.png', cut))).toThrow(/d\.png: cannot be decoded as a PNG image \(.*\); the file is damaged or truncated\./);
  });

  it('a shipped photograph: cropped, resampled, normalised, laid out CHW or HWC', () => {
    const chw = modelInput({ input: 'photo:1', normalize: 'pm1' }, { input: { dims: [3, 24, 32], layout: 'chw' } });
    expect(chw.real).toBe(true);
    expect(chw.describe).toMatchObject({ image: expect.stringMatching(/^photograph sample1\.jpg, 1920 x 1280 \(npm package @vladmandic\/face-api\)$/), shape: [3, 24, 32] });
    expect(Math.min(...chw.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...chw.data)).toBeLessThanOrEqual(1);
    const hwc = modelInput({ input: 'photo:1', normalize: 'pm1' }, { input: { dims: [24, 32, 3], layout: 'hwc' } });
    // the same pixels: channel c of pixel (y, x) is CHW[c][y][x] and HWC[y][x][c]
    for (const [c, y, x] of [[0, 0, 0], [2, 5, 7], [1, 23, 31]] as const) expect(hwc.data[(y * 32 + x) * 3 + c]).toBe(chw.data[(c * 24 + y) * 32 + x]);
    // grey for a one-channel model: BT.601 luma of the RGB planes
    const grey = modelInput({ input: 'photo:1', normalize: 'unit' }, { input: { dims: [1, 24, 32], layout: 'chw' } });
    const unit = modelInput({ input: 'photo:1', normalize: 'unit' }, { input: { dims: [3, 24, 32], layout: 'chw' } });
    const n = 24 * 32;
    expect(grey.data[100]).toBeCloseTo(0.299 * unit.data[100]! + 0.587 * unit.data[n + 100]! + 0.114 * unit.data[2 * n + 100]!, 12);
    // ImageNet is the default for three channels
    const imn = modelInput({ input: 'photo:1' }, { input: { dims: [3, 24, 32], layout: 'chw' } });
    expect(imn.data[0]).toBeCloseTo((unit.data[0]! - 0.485) / 0.229, 12);
  });

  it('inputs that do not fit the model are one sentence each', () => {
    const img = { input: { dims: [3, 8, 8], layout: 'chw' as const } };
    expect(() => modelInput({ input: 'photo:9' }, img)).toThrow('--input photo:9: the shipped photographs are photo:1 to photo:6, got 9.');
    expect(() => modelInput({ input: 'mnist:3:99999' }, img)).toThrow(/^--input mnist:3:99999: digit 3 has samples 0\.\.\d+, got index 99999\.$/);
    expect(() => modelInput({ input: 'cat.png' }, img)).toThrow(/^--input must be mnist:<digit>\[:<index>\] .*photo:<1-6>.*; pass PNG or JPEG files with --image\.$/);
    const seq = { input: { dims: [12, 3], layout: 'other' as const } };
    expect(() => modelInput({ input: 'mnist:1' }, seq)).toThrow("the model's input has shape [12, 3], not an image; give it a .npy input of exactly that shape.");
    const npy = tmpFile('x.npy', encodeNpy('float64', [3, 12], new Array(36).fill(0)));
    expect(() => modelInput({ input: npy }, seq)).toThrow(/x\.npy: has shape \[3, 12\], but the model takes \[12, 3\] per sample\.$/);
    writeFileSync(npy, encodeNpy('float64', [12, 3], Array.from({ length: 36 }, (_, i) => i)));
    expect(Array.from(modelInput({ input: npy }, seq).data)).toEqual(Array.from({ length: 36 }, (_, i) => i));
  });
});
