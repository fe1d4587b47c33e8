import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcParams, seedTag } from '../../support/seed.ts';
import { laneGroupOf, pruneGlobal, pruneMagnitude, pruneStructured } from '../../../workloads/import/prune.ts';
import { chooseFracBits, maxAbs, qmax, quantize } from '../../../workloads/import/quant.ts';
import type { LayerSpec } from '../../../model/types.ts';

const floats = (n: number) => fc.array(fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
const nnz = (w: ArrayLike<number>) => Array.from(w).filter((v) => v !== 0).length;

describe('pruning', () => {
  it(`magnitude pruning hits round(density*count) non-zeros, keeping the largest ${seedTag}`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(floats(n), fc.double({ min: 0, max: 1, noNaN: true }))), ([w, d]) => {
        const arr = Float64Array.from(w);
        const r = pruneMagnitude(arr, d);
        const target = Math.round(d * arr.length);
        // within one weight of the target (fewer only when the layer has fewer non-zeros to keep)
        expect(r.nonZeros).toBeLessThanOrEqual(target);
        expect(r.nonZeros).toBeGreaterThanOrEqual(Math.min(target, nnz(arr)) - 0);
        const kept = Array.from(r.weights).filter((v) => v !== 0).map(Math.abs);
        const dropped = Array.from(arr).filter((v, i) => r.weights[i] === 0 && v !== 0).map(Math.abs);
        if (kept.length && dropped.length) expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
        r.weights.forEach((v, i) => v !== 0 && expect(v).toBe(arr[i]));
      }),
      fcParams(100),
    );
  });

  it('global pruning keeps round(density*total) weights over all layers with one threshold', () => {
    const a = Float64Array.from([5, -1, 0.5, 3]);
    const b = Float64Array.from([0.1, -4, 2, 0.2, 0.3, 6]);
    const r = pruneGlobal([a, b], 0.4);
    expect(r.reduce((s, x) => s + x.nonZeros, 0)).toBe(4);
    expect(Array.from(r[0]!.weights)).toEqual([5, 0, 0, 3]);
    expect(Array.from(r[1]!.weights)).toEqual([0, -4, 0, 0, 0, 6]);
  });

  const spec = (C: number, F = 3, k = 3): LayerSpec => ({ name: 't', kind: 'conv', filters: F, channels: C, kernelH: k, kernelW: k, inH: 5, inW: 5, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 });
  for (const [C, N] of [[1, 4], [4, 4], [7, 4], [16, 16], [17, 16]] as const) {
    it(`structured pruning leaves only whole lane groups (C=${C}, N=${N}) ${seedTag}`, () => {
      fc.assert(
        fc.property(floats(3 * C * 9), fc.double({ min: 0, max: 1, noNaN: true }), (w, d) => {
          const s = spec(C);
          const r = pruneStructured(Float64Array.from(w.map((v) => v || 1)), s, N, d);
          expect(r.keptGroups).toBe(Math.round(d * r.groups));
          const alive = new Map<number, boolean[]>();
          r.weights.forEach((v, i) => {
            const g = laneGroupOf(s, N, i);
            alive.set(g, [...(alive.get(g) ?? []), v !== 0]);
          });
          let keptGroups = 0;
          for (const flags of alive.values()) {
            expect(flags.every((x) => x) || flags.every((x) => !x)).toBe(true);
            if (flags[0]) keptGroups++;
          }
          expect(keptGroups).toBe(r.keptGroups);
        }),
        fcParams(30),
      );
    });
  }

  it('lane groups follow the lowering: filter, kernel position, channel group of N', () => {
    const s = spec(20, 2, 1);
    expect(laneGroupOf(s, 16, 0)).toBe(0);
    expect(laneGroupOf(s, 16, 15)).toBe(0);
    expect(laneGroupOf(s, 16, 16)).toBe(1);
    expect(laneGroupOf(s, 16, 20)).toBe(2);
  });

  it('rejects a density outside 0..1 with a sentence', () => {
    expect(() => pruneMagnitude(new Float64Array(3), 1.5)).toThrow('the target density must be a fraction from 0 to 1 (the share of weights kept), got 1.5.');
  });
});

describe('quantisation', () => {
  for (const bits of [8, 16]) {
    it(`int${bits}: never overflows, error <= 2^-(f+1), and one more fractional bit would overflow ${seedTag}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 200 }).chain(floats), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (w, scale) => {
          const x = w.map((v) => v * scale);
          const m = maxAbs(x);
          const f = chooseFracBits(m, bits);
          const q = quantize(x, f, bits);
          expect(q.saturated).toBe(0);
          expect(Math.max(...Array.from(q.q).map(Math.abs))).toBeLessThanOrEqual(qmax(bits));
          expect(q.maxAbsError).toBeLessThanOrEqual(2 ** -(f + 1) * (1 + 1e-12));
          if (m > 0 && f < 40) expect(Math.round(m * 2 ** (f + 1))).toBeGreaterThan(qmax(bits)); // f is capped at 40 for tiny layers
        }),
        fcParams(100),
      );
    });
  }
  it('int16 SNR on Gaussian-like weights is far above int8', () => {
    const x = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 0.1);
    const s16 = quantize(x, chooseFracBits(maxAbs(x), 16), 16).snrDb!;
    const s8 = quantize(x, chooseFracBits(maxAbs(x), 8), 8).snrDb!;
    expect(s16).toBeGreaterThan(80);
    expect(s8).toBeGreaterThan(30);
    expect(s16 - s8).toBeGreaterThan(40);
  });
});
