import { describe, expect, it } from 'vitest';
import { layerSpec, type LayerGeometry } from '../../../workloads/layer-files.ts';
import { lowerLayer } from '../../../model/lower.ts';
import type { LayerData } from '../../../model/types.ts';

/** A layer from explicit tensors, with layerSpec deriving the spec from the shapes. */
function layer(wShape: number[], weights: number[], aShape: number[], acts: number[], geo: LayerGeometry = {}): LayerData {
  return {
    spec: layerSpec(wShape, aShape, geo, { weights: 'w.npy', acts: 'a.npy' }),
    weights: Int32Array.from(weights),
    acts: Int32Array.from(acts),
  };
}

const rows = (a: Int32Array, n: number) => Array.from({ length: a.length / n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));

describe('lowering (docs/architecture.md section 3)', () => {
  it('pads C=5 to two channel groups of N=4 and zero-pads the image (kernel 1x2, padding 0,1)', () => {
    // weights [1, 5, 1, 2]: w[c][q] = 10c + q + 1; activations [5, 1, 2]: a[c][x] = 100c + x + 1
    const w: number[] = [];
    for (let c = 0; c < 5; c++) for (let q = 0; q < 2; q++) w.push(10 * c + q + 1);
    const a: number[] = [];
    for (let c = 0; c < 5; c++) for (let x = 0; x < 2; x++) a.push(100 * c + x + 1);
    const [job] = lowerLayer(layer([1, 5, 1, 2], w, [5, 1, 2], a, { pad: [0, 1] }), 4);
    expect([job.S, job.outH, job.outW, job.windows]).toEqual([4, 1, 3, 3]);
    // step t = q*Gc + g with Gc = 2
    expect(rows(job.weights, 4)).toEqual([
      [1, 11, 21, 31], // q0 g0
      [41, 0, 0, 0], // q0 g1: channel 4, lanes 1..3 padding
      [2, 12, 22, 32], // q1 g0
      [42, 0, 0, 0], // q1 g1
    ]);
    // window wo reads x = wo + q - 1
    expect(rows(job.acts, 4)).toEqual([
      [0, 0, 0, 0], [0, 0, 0, 0], [1, 101, 201, 301], [401, 0, 0, 0], // wo 0: q0 is x=-1 (padding)
      [1, 101, 201, 301], [401, 0, 0, 0], [2, 102, 202, 302], [402, 0, 0, 0], // wo 1
      [2, 102, 202, 302], [402, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], // wo 2: q1 is x=2 (padding)
    ]);
  });

  it('a fully connected layer is one window; C <= N gives a single step', () => {
    const [job] = lowerLayer(layer([3, 2], [1, 2, 3, 4, 5, 6], [2], [7, -8]), 4);
    expect([job.S, job.windows, job.outH, job.outW]).toEqual([1, 1, 1, 1]);
    expect(rows(job.weights, 4)).toEqual([[1, 2, 0, 0], [3, 4, 0, 0], [5, 6, 0, 0]]);
    expect(rows(job.acts, 4)).toEqual([[7, -8, 0, 0]]);
  });

  it('stride 2 and dilation 2 pick every other input column', () => {
    // weights [1, 1, 1, 2], activations [1, 1, 5] = 1..5; effective kernel width 3, Wo = (5-3)/2+1 = 2
    const [job] = lowerLayer(layer([1, 1, 1, 2], [9, 8], [1, 1, 5], [1, 2, 3, 4, 5], { stride: 2, dilation: 2 }), 2);
    expect([job.S, job.windows]).toEqual([2, 2]);
    expect(rows(job.acts, 2)).toEqual([[1, 0], [3, 0], [3, 0], [5, 0]]);
  });

  it('a grouped convolution is one job per group with its own filters and channels', () => {
    // F=4, C=2 per group, G=2, 1x1 kernel, activations [4, 1, 1] = 10, 20, 30, 40
    const jobs = lowerLayer(layer([4, 2, 1, 1], [1, 2, 3, 4, 5, 6, 7, 8], [4, 1, 1], [10, 20, 30, 40], { groups: 2 }), 4);
    expect(jobs.map((j) => [j.group, j.filterIds])).toEqual([[0, [0, 1]], [1, [2, 3]]]);
    expect(rows(jobs[0].weights, 4)).toEqual([[1, 2, 0, 0], [3, 4, 0, 0]]);
    expect(rows(jobs[1].weights, 4)).toEqual([[5, 6, 0, 0], [7, 8, 0, 0]]);
    expect(rows(jobs[0].acts, 4)).toEqual([[10, 20, 0, 0]]);
    expect(rows(jobs[1].acts, 4)).toEqual([[30, 40, 0, 0]]);
  });

  it('orders steps by kernel position (r, q) row-major, then channel group', () => {
    // weights [1, 3, 2, 2] with N=2: Gc = 2, S = 8; w[c][r][q] = 100c + 10r + q + 1
    const w: number[] = [];
    for (let c = 0; c < 3; c++) for (let r = 0; r < 2; r++) for (let q = 0; q < 2; q++) w.push(100 * c + 10 * r + q + 1);
    const [job] = lowerLayer(layer([1, 3, 2, 2], w, [3, 2, 2], new Array(12).fill(1)), 2);
    expect(rows(job.weights, 2)).toEqual([
      [1, 101], [201, 0], // (0,0)
      [2, 102], [202, 0], // (0,1)
      [11, 111], [211, 0], // (1,0)
      [12, 112], [212, 0], // (1,1)
    ]);
  });

  it('weightsOnly skips the activation rows', () => {
    const [job] = lowerLayer(layer([3, 2], [1, 2, 3, 4, 5, 6], [2], [7, -8]), 4, { weightsOnly: true });
    expect(job.acts.length).toBe(0);
  });
});
