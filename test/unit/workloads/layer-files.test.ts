import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerSpec, loadLayer } from '../../../workloads/layer-files.ts';
import { outputSize } from '../../../model/layer-spec.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { SparsetileError } from '../../../contract/errors.ts';
import { encodeNpy, type NpyDtype } from '../../../tools/npy.ts';
import { makeCfg } from '../model/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'st-layer-io-'));
let n = 0;
/** A fresh directory per call, so tests never share files. */
function dir(): string {
  const d = join(root, `t${n++}`);
  mkdirSync(d);
  return d;
}
function npy(d: string, name: string, dtype: NpyDtype, shape: number[], values?: number[]): string {
  const count = shape.reduce((a, b) => a * b, 1);
  const file = join(d, name);
  writeFileSync(file, encodeNpy(dtype, shape, values ?? new Array(count).fill(1)));
  return file;
}
const cfg = makeCfg(); // 8-bit weights and activations
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SparsetileError);
    return (e as Error).message;
  }
  throw new Error('expected a SparsetileError');
};

describe('loadLayer', () => {
  it('reads a convolution with its geometry', () => {
    const d = dir();
    const data = loadLayer(npy(d, 'w.npy', 'int8', [4, 3, 3, 3]), npy(d, 'a.npy', 'int16', [6, 5, 5]), { groups: 2, pad: 1, stride: 2 }, cfg);
    expect(data.spec).toMatchObject({ kind: 'conv', filters: 4, channels: 3, kernelH: 3, kernelW: 3, inH: 5, inW: 5, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 2, dilationH: 1, dilationW: 1 });
  });

  it('reads a fully connected layer and a layer JSON', () => {
    const d = dir();
    const layer = join(d, 'layer.json');
    writeFileSync(layer, JSON.stringify({ name: 'fc1', groups: 1 }));
    const data = loadLayer(npy(d, 'w.npy', 'int32', [10, 7]), npy(d, 'a.npy', 'int8', [7]), { layerJson: layer }, cfg);
    expect(data.spec).toMatchObject({ name: 'fc1', kind: 'fc', filters: 10, channels: 7, kernelH: 1, inH: 1 });
  });

  it('rejects a float dtype', () => {
    const d = dir();
    const w = npy(d, 'w.npy', 'float32', [2, 2, 1, 1]);
    expect(errorOf(() => loadLayer(w, npy(d, 'a.npy', 'int8', [2, 1, 1]), {}, cfg))).toBe(
      `${w}: weight must have dtype int8, int16 or int32, got float32. Convert it, e.g. arr.astype(np.int16), after quantizing to 8-bit integers.`,
    );
  });

  it('rejects a channel mismatch between weights and activations', () => {
    const d = dir();
    const a = npy(d, 'a.npy', 'int8', [5, 4, 4]);
    expect(errorOf(() => loadLayer(npy(d, 'w.npy', 'int8', [2, 3, 3, 3]), a, {}, cfg))).toBe(
      `${a}: has 5 channels, but the weights [2, 3, 3, 3] with 1 group need C * groups = 3. Check --groups or the files.`,
    );
  });

  it('rejects a weight that does not fit weightBits, naming its index', () => {
    const d = dir();
    const w = npy(d, 'w.npy', 'int16', [1, 2, 1, 1], [5, 300]);
    expect(errorOf(() => loadLayer(w, npy(d, 'a.npy', 'int8', [2, 1, 1]), {}, cfg))).toBe(
      `${w}: weight value 300 at index [0, 1, 0, 0] does not fit the configured weightBits = 8 (signed range -128..127). Quantize to 8 bits, or use a configuration with a wider weightBits.`,
    );
  });

  it('rejects an activation that does not fit activationBits', () => {
    const d = dir();
    const a = npy(d, 'a.npy', 'int16', [2], [-129, 0]);
    expect(errorOf(() => loadLayer(npy(d, 'w.npy', 'int8', [1, 2]), a, {}, cfg))).toBe(
      `${a}: activation value -129 at index [0] does not fit the configured activationBits = 8 (signed range -128..127). Quantize to 8 bits, or use a configuration with a wider activationBits.`,
    );
  });

  it('rejects a truncated file', () => {
    const d = dir();
    const w = join(d, 'w.npy');
    const full = encodeNpy('int16', [2, 2, 1, 1], [1, 2, 3, 4]);
    writeFileSync(w, full.subarray(0, full.length - 3));
    expect(errorOf(() => loadLayer(w, npy(d, 'a.npy', 'int8', [2, 1, 1]), {}, cfg))).toBe(
      `${w}: is truncated: shape [2, 2, 1, 1] of int16 needs 8 data bytes, but only 5 follow the header. Re-export the file.`,
    );
  });

  it('rejects wrong ranks, groups that do not divide F, and an image smaller than the kernel', () => {
    const d = dir();
    const w3 = npy(d, 'w3.npy', 'int8', [2, 3, 3]);
    expect(errorOf(() => loadLayer(w3, npy(d, 'a.npy', 'int8', [3, 4, 4]), {}, cfg))).toBe(
      `${w3}: weights must have shape [F, C, R, S] (convolution) or [F, C] (fully connected), got 3 dimensions [2, 3, 3]. Reshape the array.`,
    );
    const a1 = npy(d, 'a1.npy', 'int8', [3]);
    expect(errorOf(() => loadLayer(npy(d, 'w.npy', 'int8', [2, 3, 3, 3]), a1, {}, cfg))).toBe(
      `${a1}: activations must have shape [C, H, W] for convolution weights [F, C, R, S], got 1 dimension [3]. Reshape the array or check that the files belong together.`,
    );
    expect(errorOf(() => loadLayer(npy(d, 'w5.npy', 'int8', [5, 1, 1, 1]), npy(d, 'a2.npy', 'int8', [2, 1, 1]), { groups: 2 }, cfg))).toBe(
      `--groups must divide the filter count F = 5 of ${join(d, 'w5.npy')}, got 2. Use a divisor of 5.`,
    );
    const small = npy(d, 'small.npy', 'int8', [3, 2, 2]);
    expect(errorOf(() => loadLayer(npy(d, 'w.npy', 'int8', [2, 3, 3, 3]), small, {}, cfg))).toBe(
      `${small}: the 2x2 image with padding 0,0 is smaller than the 3x3 kernel at dilation 1, so there is no output position. Add padding or use a larger input.`,
    );
  });

  it('rejects a layer JSON with an unknown key or a bad value', () => {
    const d = dir();
    const bad = join(d, 'layer.json');
    writeFileSync(bad, JSON.stringify({ strides: 2 }));
    const args = [npy(d, 'w.npy', 'int8', [1, 2]), npy(d, 'a.npy', 'int8', [2])] as const;
    expect(errorOf(() => loadLayer(...args, { layerJson: bad }, cfg))).toBe(
      `${bad}: unknown key "strides". A layer JSON may hold only "name", "stride", "pad", "groups" and "dilation"; remove it or fix its spelling.`,
    );
    writeFileSync(bad, JSON.stringify({ stride: 0 }));
    expect(errorOf(() => loadLayer(...args, { layerJson: bad }, cfg))).toBe(`${bad}: field "stride" must be a positive integer (stride of the window over the input), got 0.`);
  });
});

describe('randomLayer', () => {
  it('is reproducible from its seed, fits the widths and has about the requested sparsity', () => {
    const a = randomLayer([16, 32, 3, 3], 0.8, 5, cfg);
    const b = randomLayer([16, 32, 3, 3], 0.8, 5, cfg);
    expect(a).toEqual(b);
    expect(randomLayer([16, 32, 3, 3], 0.8, 6, cfg).weights).not.toEqual(a.weights);
    expect(Math.min(...a.weights)).toBeGreaterThanOrEqual(-128);
    expect(Math.max(...a.weights)).toBeLessThanOrEqual(127);
    const zeros = a.weights.filter((v) => v === 0).length / a.weights.length;
    expect(zeros).toBeGreaterThan(0.77);
    expect(zeros).toBeLessThan(0.83);
    expect([a.spec.inH, a.spec.inW]).toEqual([8, 8]);
  });
  it('rejects a bad sparsity', () => {
    expect(errorOf(() => randomLayer([1, 1], 1.5, 1, cfg))).toBe('--sparsity must be a number from 0 to 1, got 1.5.');
  });
});

describe('per-axis geometry', () => {
  it('takes non-square strides, per-side padding and per-axis dilation in every form', () => {
    const spec = layerSpec([2, 3, 3, 2], [3, 9, 7], { stride: [2, 1], pad: [1, 0, 2, 1], dilation: [1, 2] }, { weights: 'w', acts: 'a' });
    expect(spec).toMatchObject({ strideH: 2, strideW: 1, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1, dilationH: 1, dilationW: 2 });
    // Ho = floor((9 + 1 + 2 - 1*(3-1) - 1)/2) + 1 = 5; Wo = floor((7 + 0 + 1 - 2*(2-1) - 1)/1) + 1 = 6
    expect(outputSize(spec)).toEqual({ outH: 5, outW: 6 });
    expect(layerSpec([2, 3, 3, 3], [3, 5, 5], { pad: [1, 2] }, { weights: 'w', acts: 'a' })).toMatchObject({ padTop: 1, padBottom: 1, padLeft: 2, padRight: 2 });
  });

  it('names the flag when a per-axis value is out of range', () => {
    expect(() => layerSpec([2, 3, 3, 3], [3, 5, 5], { stride: [1, 0] }, { weights: 'w', acts: 'a' })).toThrow('--stride must be an integer of at least 1 (step of the window over the input), got 0.');
  });
});
