/**
 * The activation-buffer fill's address generator (model/address-gen.ts) against the naive
 * convolution: over random geometry (strides 1..4 per axis, per-side padding, dilation, C not a
 * multiple of N, 1-D kernels), the words it reads for a window hold exactly the activations the
 * reference convolution (test/support/reference.ts) uses for that output, found by running the
 * reference on one-hot inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelGroups } from '../../../contract/fmap.ts';
import type { LayerDescriptor } from '../../../contract/descriptors.ts';
import { fillLines, stepAddress, windowRounds } from '../../../model/address-gen.ts';
import type { LayerData, LayerSpec } from '../../../model/types.ts';
import { referenceConv } from '../../support/reference.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

const outLen = (n: number, pad: number, k: number, s: number, d: number) => Math.floor((n + pad - d * (k - 1) - 1) / s) + 1;

const geometry = fc
  .record({
    lanes: fc.integer({ min: 1, max: 5 }),
    channels: fc.integer({ min: 1, max: 7 }),
    oneD: fc.boolean(),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 8 }),
    sh: fc.integer({ min: 1, max: 4 }), sw: fc.integer({ min: 1, max: 4 }),
    dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }),
    pt: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 3 }),
    base: fc.integer({ min: 0, max: 40 }),
  })
  .map((r) => (r.oneD ? { ...r, kh: 1, h: 1, sh: 1, dh: 1, pt: 0, pb: 0 } : r))
  .filter((r) => outLen(r.h, r.pt + r.pb, r.kh, r.sh, r.dh) >= 1 && outLen(r.w, r.pl + r.pr, r.kw, r.sw, r.dw) >= 1);

type G = typeof geometry extends fc.Arbitrary<infer T> ? T : never;

const specOf = (r: G): LayerSpec => ({
  name: 'g', kind: 'conv', filters: 1, channels: r.channels, kernelH: r.kh, kernelW: r.kw, inH: r.h, inW: r.w, strideH: r.sh, strideW: r.sw,
  padTop: r.pt, padBottom: r.pb, padLeft: r.pl, padRight: r.pr, dilationH: r.dh, dilationW: r.dw, groups: 1,
});

const fillOf = (r: G): LayerDescriptor => {
  const outH = outLen(r.h, r.pt + r.pb, r.kh, r.sh, r.dh);
  const outW = outLen(r.w, r.pl + r.pr, r.kw, r.sw, r.dw);
  return {
    name: 'g', inHalf: 0, inBase: r.base, inH: r.h, inW: r.w, inCgroups: channelGroups(r.channels, r.lanes), kernelH: r.kh, kernelW: r.kw,
    strideH: r.sh, strideW: r.sw, dilationH: r.dh, dilationW: r.dw, padTop: r.pt, padLeft: r.pl, padBottom: r.pb, padRight: r.pr,
    outBase: 0, outH, outW, outChannels: 1, outCgroups: 1, relu: false, saturate: false, shift: 0, tiles: [],
  };
};

/** (c, y, x) keys the reference convolution multiplies for each output window, from one-hot inputs. */
function referenceVisits(r: G): Set<string>[] {
  const spec = specOf(r);
  const d = fillOf(r);
  const Wn = d.outH * d.outW;
  const visits = Array.from({ length: Wn }, () => new Set<string>());
  const weights = new Int32Array(r.channels * r.kh * r.kw).fill(1);
  for (let c = 0; c < r.channels; c++) {
    for (let y = 0; y < r.h; y++) {
      for (let x = 0; x < r.w; x++) {
        const acts = new Int32Array(r.channels * r.h * r.w);
        acts[(c * r.h + y) * r.w + x] = 1;
        const { out } = referenceConv({ spec, weights, acts } as LayerData, 32);
        out.forEach((v, w) => {
          if (v !== 0n) visits[w].add(`${c},${y},${x}`);
        });
      }
    }
  }
  return visits;
}

/** (c, y, x) keys of the activations in the words the generator reads for window w (lanes past C excluded). */
function generatorVisits(r: G, w: number): Set<string> {
  const d = fillOf(r);
  const Gc = d.inCgroups;
  const S = d.kernelH * d.kernelW * Gc;
  const out = new Set<string>();
  for (let t = 0; t < S + 3; t++) {
    const a = stepAddress(d, w, t);
    if (a < 0) continue;
    const rel = a - d.inBase;
    const g = rel % Gc;
    const pixel = (rel - g) / Gc;
    const y = Math.floor(pixel / d.inW);
    const x = pixel % d.inW;
    for (let l = 0; l < r.lanes && g * r.lanes + l < r.channels; l++) out.add(`${g * r.lanes + l},${y},${x}`);
  }
  return out;
}

describe('activation-buffer fill address generator', () => {
  it(`reads exactly the activations the naive convolution uses, window by window ${seedTag}`, () => {
    fc.assert(
      fc.property(geometry, (r) => {
        const ref = referenceVisits(r);
        ref.forEach((want, w) => expect([...generatorVisits(r, w)].sort(), `window ${w} of ${JSON.stringify(r)}`).toEqual([...want].sort()));
      }),
      fcParams(60),
    );
  });

  it(`never reads outside the input region, and every step past S reads nothing ${seedTag}`, () => {
    fc.assert(
      fc.property(geometry, (r) => {
        const d = fillOf(r);
        const S = d.kernelH * d.kernelW * d.inCgroups;
        for (let w = 0; w < d.outH * d.outW; w++) {
          for (let t = 0; t < S + 4; t++) {
            const a = stepAddress(d, w, t);
            if (t >= S) expect(a).toBe(-1);
            if (a >= 0) expect(a >= d.inBase && a < d.inBase + d.inH * d.inW * d.inCgroups).toBe(true);
          }
        }
      }),
      fcParams(60),
    );
  });

  it('counts read rounds as the largest number of a line\'s words in one bank', () => {
    // 3x3 kernel, 1 channel group, 5 wide: a line of h+1 = 3 steps reads consecutive x, then jumps a row
    const d = fillOf({ lanes: 4, channels: 4, oneD: false, kh: 3, kw: 3, h: 5, w: 5, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0, pb: 0, pr: 0, base: 0 });
    expect(fillLines(d, 2)).toBe(4); // ceil((9 + 2) / 3)
    // window 0: steps 0..8 at words 0,1,2, 5,6,7, 10,11,12; 4 banks: line 1 = words 5,6,7 in banks 1,2,3
    expect([...windowRounds(d, 2, 4, 0)]).toEqual([1, 1, 1, 1]);
    // 2 banks: line 0 = words 0,1,2 -> banks 0,1,0: two rounds; line 3 (step 9..11) reads nothing: one round
    expect([...windowRounds(d, 2, 2, 0)]).toEqual([2, 2, 2, 1]);
    // one bank: every word of a line in its own round
    expect([...windowRounds(d, 2, 1, 0)]).toEqual([3, 3, 3, 1]);
  });
});
