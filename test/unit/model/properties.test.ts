import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput, ResolvedConfig } from '../../../contract/config.ts';
import { executeSchedule } from '../../../model/execute.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { lowerLayer, type LoweredJob } from '../../../model/lower.ts';
import { referenceConv, referenceStage } from '../../support/reference.ts';
import { checkLegality, scheduleJob, type JobSchedule } from '../../../model/schedule.ts';
import { jobStats } from '../../../model/stats.ts';
import type { LayerData } from '../../../model/types.ts';
import { fcParams, seedTag } from '../../support/seed.ts';
import { makeCfg, type CfgOverrides } from './helpers.ts';

const validCfg = (o: CfgOverrides): ResolvedConfig | null => {
  try {
    return makeCfg(o);
  } catch {
    return null; // offsets colliding modulo a small lane count
  }
};

const patternArb: fc.Arbitrary<ConfigInput['pattern']> = fc.oneof(
  fc.record({ shape: fc.constantFrom('trident' as const, 'L' as const), lookahead: fc.integer({ min: 1, max: 3 }), lookaside: fc.integer({ min: 0, max: 5 }) }),
  fc.constant({ offsets: [] as [number, number][] }),
  fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -3, max: 3 })), { maxLength: 6, selector: ([a, d]) => `${a},${d}` }),
).map((p) => (Array.isArray(p) ? { offsets: p } : p));

const cfgArb = fc
  .record({
    lanes: fc.integer({ min: 1, max: 8 }),
    filtersPerTile: fc.integer({ min: 1, max: 4 }),
    tiles: fc.integer({ min: 1, max: 3 }),
    weightBits: fc.integer({ min: 2, max: 8 }),
    activationBits: fc.integer({ min: 2, max: 8 }),
    pattern: patternArb,
    output: fc.record({ relu: fc.boolean(), shift: fc.integer({ min: 0, max: 6 }), bits: fc.integer({ min: 2, max: 20 }), saturate: fc.boolean() }),
  })
  .map((o) => validCfg({ ...o, accumulatorBits: 48 }))
  .filter((c): c is ResolvedConfig => c !== null);

const layerArb = fc
  .record({
    fcLayer: fc.boolean(),
    perGroup: fc.integer({ min: 1, max: 5 }),
    groups: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 10 }),
    R: fc.integer({ min: 1, max: 3 }),
    Q: fc.integer({ min: 1, max: 3 }),
    // per axis and per side: non-square strides, asymmetric padding and per-axis dilation
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    padTop: fc.integer({ min: 0, max: 2 }),
    padLeft: fc.integer({ min: 0, max: 2 }),
    padBottom: fc.integer({ min: 0, max: 2 }),
    padRight: fc.integer({ min: 0, max: 2 }),
    dilationH: fc.integer({ min: 1, max: 2 }),
    dilationW: fc.integer({ min: 1, max: 2 }),
    extraH: fc.integer({ min: 0, max: 3 }),
    extraW: fc.integer({ min: 0, max: 3 }),
    sparsity: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((l) => (cfg: ResolvedConfig): LayerData => {
    const F = l.perGroup * l.groups;
    if (l.fcLayer && l.R === 1) return randomLayer([F, l.C], l.sparsity, l.seed, cfg, { groups: l.groups });
    const effR = l.dilationH * (l.R - 1) + 1;
    const effQ = l.dilationW * (l.Q - 1) + 1;
    const H = Math.max(1, effR - l.padTop - l.padBottom) + l.extraH;
    const W = Math.max(1, effQ - l.padLeft - l.padRight) + l.extraW;
    return randomLayer([F, l.C, l.R, l.Q], l.sparsity, l.seed, cfg, {
      groups: l.groups, stride: [l.strideH, l.strideW], pad: [l.padTop, l.padLeft, l.padBottom, l.padRight], dilation: [l.dilationH, l.dilationW], inputSize: [H, W],
    });
  });

/**
 * Every non-zero weight of the job placed exactly once, counted without checkLegality: each placed
 * weight's source slot is derived from its select code, must hold that value, and must be unique;
 * the placed count must equal the original tensor's non-zero count.
 */
function countPlacements(job: LoweredJob, sched: JobSchedule, cfg: ResolvedConfig): number {
  const { S, N } = job;
  const seen = new Set<string>();
  for (const set of sched.sets) {
    for (const row of set.rows) {
      for (let i = 0; i < row.weights.length; i++) {
        if (row.weights[i] === 0) continue;
        const k = Math.floor(i / N);
        const l = i % N;
        const f = set.filters[k];
        expect(f).toBeGreaterThanOrEqual(0);
        expect(row.selects[i]).toBeLessThan(cfg.offsets.length);
        const [a, d] = cfg.offsets[row.selects[i]];
        const t = row.step + a;
        const lane = (((l + d) % N) + N) % N;
        expect(t).toBeLessThan(S);
        expect(job.weights[(f * S + t) * N + lane]).toBe(row.weights[i]);
        const key = `${f}/${t}/${lane}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  }
  return seen.size;
}

const nnz = (a: Int32Array) => a.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);

describe(`golden model properties ${seedTag}`, () => {
  it('every scheduler: legal, each non-zero weight once, outputs equal the naive reference, dense >= scheduled >= lower bound', async () => {
    await fc.assert(
      fc.asyncProperty(cfgArb, layerArb, async (cfg, mk) => {
        const data = mk(cfg);
        const ref = referenceConv(data, cfg.accumulatorBits);
        const jobs = lowerLayer(data, cfg.lanes);
        const cycles: Record<string, number> = { dense: 0, greedy: 0, heuristic: 0 };
        let lowerBound = 0;
        for (const name of ['dense', 'greedy', 'heuristic'] as const) {
          let placed = 0;
          const acc = new Array<bigint>(ref.out.length);
          const stage = new Array<bigint>(ref.out.length);
          for (const job of jobs) {
            const sched = await scheduleJob(job, cfg, name);
            checkLegality(job, sched, cfg);
            placed += countPlacements(job, sched, cfg);
            const out = executeSchedule(job, sched, cfg);
            job.filterIds.forEach((g, f) => {
              for (let w = 0; w < job.windows; w++) {
                acc[g * job.windows + w] = BigInt(out.acc[f * job.windows + w]);
                stage[g * job.windows + w] = BigInt(out.stage[f * job.windows + w]);
              }
            });
            const st = jobStats(job, sched, cfg);
            cycles[name] += st.cycles;
            if (name === 'dense') {
              lowerBound += st.lowerBoundCycles;
              expect(st.cycles).toBe(st.denseCycles);
            }
            expect(st.cycles).toBeGreaterThanOrEqual(st.lowerBoundCycles);
            expect(st.slots.effectualUnpromoted + st.slots.promotedLookahead + st.slots.promotedLookaside).toBe(nnz(job.weights));
          }
          expect(placed, `${name}: placed weights`).toBe(nnz(data.weights));
          expect(acc, `${name}: accumulators`).toEqual(ref.out);
          expect(stage, `${name}: output stage`).toEqual(ref.out.map((v) => referenceStage(v, cfg.output)));
        }
        expect(cycles.greedy).toBeLessThanOrEqual(cycles.dense);
        expect(cycles.heuristic).toBeLessThanOrEqual(cycles.dense);
        expect(cycles.heuristic).toBeGreaterThanOrEqual(lowerBound);
      }),
      fcParams(300),
    );
  });

  it('identical input gives an identical schedule', async () => {
    await fc.assert(
      fc.asyncProperty(cfgArb, layerArb, async (cfg, mk) => {
        for (const name of ['greedy', 'heuristic'] as const) {
          const [a, b] = [lowerLayer(mk(cfg), cfg.lanes)[0], lowerLayer(mk(cfg), cfg.lanes)[0]];
          const sa = await scheduleJob(a, cfg, name);
          const sb = await scheduleJob(b, cfg, name);
          expect(sb).toEqual(sa);
        }
      }),
      fcParams(40),
    );
  });
});

describe('accumulator wrap-around (accumulatorBits = treeBits = 18)', () => {
  it('executeSchedule wraps like the RTL; the reference wraps the exact sum once', async () => {
    // N = 4, 8-bit operands: treeBits = 8 + 8 + 2 = 18. 16 channels x 3x3 of large values overflow 2^17 quickly.
    const cfg = makeCfg({ accumulatorBits: 18, output: { bits: 8, shift: 4, relu: false, saturate: false } });
    const random = randomLayer([3, 16, 3, 3], 0.1, 99, cfg, { inputSize: [4, 4], pad: 1 });
    // mostly positive operands, so that the sums run far past 2^17 (random signs would mostly cancel)
    const data = { ...random, weights: random.weights.map((v) => (v < -100 ? v : Math.min(127, Math.abs(v)))), acts: random.acts.map((v) => Math.min(127, Math.abs(v))) };
    const ref = referenceConv(data, 18);
    const exact = referenceConv(data, 64).out; // wide enough to be exact
    expect(exact.some((v) => v >= 1n << 17n || v < -(1n << 17n))).toBe(true);
    for (const name of ['dense', 'greedy', 'heuristic'] as const) {
      const [job] = lowerLayer(data, cfg.lanes);
      const out = executeSchedule(job, await scheduleJob(job, cfg, name), cfg);
      expect(Array.from(out.acc, BigInt)).toEqual(ref.out);
      expect(Array.from(out.acc, BigInt)).toEqual(exact.map((v) => BigInt.asIntN(18, v)));
      expect(Array.from(out.stage, BigInt)).toEqual(ref.out.map((v) => referenceStage(v, cfg.output)));
    }
  });
});

describe(`lower bound against an exhaustive minimum ${seedTag}`, () => {
  it('setLowerBound <= the exhaustive minimum rows <= heuristic rows, on tiny sets', async () => {
    const { bruteForceMinRows } = await import('../../support/legal.ts');
    const { heuristic } = await import('../../../model/schedulers/heuristic.ts');
    const { setLowerBound } = await import('../../../model/bounds.ts');
    await fc.assert(
      fc.property(
        cfgArb,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (cfg, K, S, density, seed) => {
          const N = cfg.lanes;
          const layer = randomLayer([K * S * N, 1], 1 - density, seed, cfg); // just K*S*N random weights
          const set = { K, S, N, weights: layer.weights };
          const brute = Math.max(1, bruteForceMinRows(set, cfg.offsets, cfg.lookahead));
          expect(setLowerBound(set, cfg.lookahead)).toBeLessThanOrEqual(brute);
          expect(Math.max(1, heuristic(set, cfg.offsets, cfg.lookahead).length)).toBeGreaterThanOrEqual(brute);
        },
      ),
      fcParams(150),
    );
  });
});

describe(`heuristic: the bit-mask and linear-scan implementations agree ${seedTag}`, () => {
  it('identical rows on random sets, N = 1..32, every pattern shape', async () => {
    const { heuristic, heuristicScan } = await import('../../../model/schedulers/heuristic.ts');
    const wide = fc
      .record({ lanes: fc.integer({ min: 1, max: 32 }), pattern: patternArb })
      .map((o) => validCfg({ ...o, filtersPerTile: 1, accumulatorBits: 48, weightBits: 4, activationBits: 4 }))
      .filter((c): c is ResolvedConfig => c !== null);
    await fc.assert(
      fc.property(wide, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (cfg, K, S, density, seed) => {
        const N = cfg.lanes;
        const set = { K, S, N, weights: randomLayer([K * S * N, 1], 1 - density, seed, cfg).weights };
        expect(heuristic(set, cfg.offsets, cfg.lookahead)).toEqual(heuristicScan(set, cfg.offsets, cfg.lookahead));
      }),
      fcParams(300),
    );
  });

  it('64 lanes (the linear scan) schedules legally and exactly', async () => {
    const cfg = makeCfg({ lanes: 64, filtersPerTile: 3, accumulatorBits: 48, pattern: { shape: 'trident', lookahead: 2, lookaside: 5 } });
    const data = randomLayer([5, 150, 2, 2], 0.7, 4, cfg, { inputSize: [3, 3] });
    const ref = referenceConv(data, 48);
    const [job] = lowerLayer(data, 64);
    const sched = await scheduleJob(job, cfg, 'heuristic');
    checkLegality(job, sched, cfg);
    expect(Array.from(executeSchedule(job, sched, cfg).acc, BigInt)).toEqual(ref.out);
  });
});

describe(`filter shuffling keeps the outputs exact ${seedTag}`, () => {
  it('with --shuffle, each PE computes the filter its set lists: legal and equal to the reference', async () => {
    await fc.assert(
      fc.asyncProperty(cfgArb, layerArb, fc.integer({ min: 0, max: 1000 }), async (cfg, mk, seed) => {
        const data = mk(cfg);
        const ref = referenceConv(data, cfg.accumulatorBits);
        const acc = new Array<bigint>(ref.out.length);
        for (const job of lowerLayer(data, cfg.lanes)) {
          const sched = await scheduleJob(job, cfg, 'heuristic', { shuffle: true, seed });
          checkLegality(job, sched, cfg);
          const out = executeSchedule(job, sched, cfg);
          job.filterIds.forEach((g, f) => {
            for (let w = 0; w < job.windows; w++) acc[g * job.windows + w] = BigInt(out.acc[f * job.windows + w]);
          });
        }
        expect(acc).toEqual(ref.out);
      }),
      fcParams(40),
    );
  });
});
