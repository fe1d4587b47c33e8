/**
 * The program builder (model/program.ts) against the naive reference: the final feature-map words of
 * a single layer, a grouped layer and a chain equal the direct convolution's output stage, laid out
 * in the brick layout; the timing model's counters add up.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { buildProgram, programTiming, type Program } from '../../../model/program.ts';
import { idealCycles, outputGroups } from '../../../model/timing.ts';
import type { LayerData } from '../../../model/types.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { referenceConv, referenceStage } from '../../support/reference.ts';

const cfg = loadConfig('tiny');
const L = layoutFromConfig(cfg);

/** Reference output stage [F][Ho*Wo] of a layer. */
function reference(data: LayerData, o = cfg.output): { stage: bigint[][]; outH: number; outW: number } {
  const r = referenceConv(data, cfg.accumulatorBits);
  const Wn = r.outH * r.outW;
  const stage = Array.from({ length: data.spec.filters }, (_, f) => r.out.slice(f * Wn, (f + 1) * Wn).map((a) => referenceStage(a, o)));
  return { stage, outH: r.outH, outW: r.outW };
}

/** The words of job j's output region, reshaped [channel][window], from the program's expected words. */
function regionValues(p: Program, j: number): number[][] {
  const d = p.descs[j];
  const Wn = d.outH * d.outW;
  const out = Array.from({ length: d.outChannels }, () => new Array<number>(Wn).fill(NaN));
  for (const e of p.expected) {
    if (e.half !== 1 - d.inHalf || e.addr < d.outBase || e.addr >= d.outBase + Wn * d.outCgroups) continue;
    const rel = e.addr - d.outBase;
    const w = Math.floor(rel / d.outCgroups);
    const g = rel % d.outCgroups;
    e.lanes.forEach((v, l) => {
      const c = g * cfg.lanes + l;
      if (c < d.outChannels) out[c][w] = v;
      else expect(v).toBe(0);
    });
  }
  return out;
}

describe('program', () => {
  it('a single layer leaves the reference output stage in the other half, brick layout', async () => {
    const layer = randomLayer([5, 6, 3, 3], 0.5, 4, cfg, { inputSize: [6, 5], pad: 1, stride: [2, 1] });
    const p = await buildProgram(cfg, L, [layer], { scheduler: 'heuristic' });
    const ref = reference(layer);
    expect(regionValues(p, 0)).toEqual(ref.stage.map((r) => r.map(Number)));
    expect(p.descs[0]).toMatchObject({ inHalf: 0, inCgroups: 2, outChannels: 5, outCgroups: 2, outH: ref.outH, outW: ref.outW });
    expect(p.fmInit[0].length).toBe(6 * 5 * 2);
  });

  it('a grouped layer: one job per group, each in its own region', async () => {
    const layer = randomLayer([6, 3, 2, 2], 0.5, 5, cfg, { inputSize: [4, 4], groups: 3 });
    const p = await buildProgram(cfg, L, [layer], { scheduler: 'heuristic' });
    expect(p.jobs.length).toBe(3);
    const ref = reference(layer);
    p.jobs.forEach((_, g) => expect(regionValues(p, g)).toEqual(ref.stage.slice(2 * g, 2 * g + 2).map((r) => r.map(Number))));
  });

  it('a chain of conv, conv and fc: each layer reads the previous output stage', async () => {
    const l0 = randomLayer([5, 3, 3, 3], 0.6, 6, cfg, { inputSize: [5, 5], pad: 1 });
    const l1 = randomLayer([3, 5, 2, 2], 0.5, 7, cfg, { inputSize: [5, 5], stride: 2 });
    const l2 = randomLayer([4, 3 * 2 * 2], 0.5, 8, cfg);
    const requant = [{ relu: true, shift: 6, saturate: true }, { relu: false, shift: 5, saturate: false }, { relu: true, shift: 4, saturate: true }];
    const p = await buildProgram(cfg, L, [l0, l1, l2], { scheduler: 'heuristic', requant });
    expect(p.descs.map((d) => d.inHalf)).toEqual([0, 1, 0]);
    // the reference, layer by layer, each on the previous one's output stage
    const r0 = reference(l0, { ...requant[0], bits: 8 });
    const a1 = Int32Array.from(r0.stage.flat(), Number);
    const r1 = reference({ ...l1, acts: a1 }, { ...requant[1], bits: 8 });
    const a2 = Int32Array.from(r1.stage.flat(), Number);
    const r2 = reference({ ...l2, acts: a2 }, { ...requant[2], bits: 8 });
    expect(regionValues(p, 2)).toEqual(r2.stage.map((r) => r.map(Number)));
    expect(regionValues(p, 1)).toEqual(r1.stage.map((r) => r.map(Number)));
  });

  it('the timing model: issue counts, stalls and cycles add up; a slower memory never helps', async () => {
    const layer = randomLayer([9, 5, 3, 3], 0.7, 9, cfg, { inputSize: [6, 6], pad: 1 });
    const p = await buildProgram(cfg, L, [layer], { scheduler: 'heuristic' });
    const rows = p.timing[0].tiles.map((t) => t.sets.reduce((a, s) => a + s.steps.length, 0) * t.winCount);
    let prev = 0;
    for (const mem of [{ latency: 1, period: 1 }, { latency: 20, period: 1 }, { latency: 20, period: 3 }, { latency: 80, period: 8 }]) {
      const r = programTiming(p, mem);
      expect(r.tiles.map((t) => t.ISSUE)).toEqual(rows);
      expect(r.cycles).toBeGreaterThanOrEqual(idealCycles(cfg, p.timing));
      expect(r.cycles).toBeGreaterThanOrEqual(prev);
      prev = r.cycles;
      r.tiles.forEach((t, i) => {
        expect(t.AXI_BYTES).toBe(p.timing[0].tiles[i].streamBeats * cfg.axi.beatBytes);
        expect(t.BUF_READS).toBe(t.ISSUE * cfg.activationBanks);
        // a tile issues or stalls in every cycle between its first and its last issue
        expect(t.ISSUE + t.STALL_WEIGHT + t.STALL_FILL + t.STALL_OUTPUT).toBeLessThanOrEqual(r.cycles);
      });
      // one word write per (set, window, channel group the set's filters reach): here K = 2 positions per set, N = 4 lanes
      const groups = p.timing[0].tiles.flatMap((t) => t.sets.map((s) => outputGroups(s.chanBase, cfg.filtersPerTile, p.descs[0].outChannels, cfg.lanes).count * t.winCount));
      expect(r.tiles.reduce((a, t) => a + t.OUT_WRITES, 0)).toBe(groups.reduce((a, b) => a + b, 0));
      expect(groups.reduce((a, b) => a + b, 0)).toBe(5 * 36);
    }
  });
});
