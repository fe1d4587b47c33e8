/**
 * Access counts (model/access.ts) and energy (model/energy.ts) of a small layer worked out by hand
 * from docs/architecture.md sections 5, 6 and 8 and docs/energy.md, and the energy table's checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { SparsetileError } from '../../../contract/errors.ts';
import { DEFAULT_ENERGY_TABLE } from '../../../cli/energy.ts';
import { layerAccessAll, planLayer, tileWork, type LayerAccess } from '../../../model/access.ts';
import { energyBreakdown, layerEnergy, lookupCost, parseEnergyTable } from '../../../model/energy.ts';
import type { LayerData } from '../../../model/types.ts';
import fc from 'fast-check';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { buildProgram, programTiming } from '../../../model/program.ts';
import type { PlanMode } from '../../../model/tile-plan.ts';
import { randomLayer } from '../../../workloads/synthetic.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

// tiny: N = 4 lanes, K = 2 PEs, T = 2 tiles, 8-bit weights and activations, trident <2,3>:
// codes 0 (0,0), 1 (1,-1), 2 (1,0), 3 (1,1), 4 (2,0), 5 (2,2); h = 2; slot 8 + 3 = 11 bits;
// control {last, delta} 1 + 2 = 3 bits; per-pe banking: a weight ring of 2 data banks of
// 4 x 11 = 44 bits and a control bank, 256 records; weight-stream records of 2 x 64-bit beats = 16
// bytes; 4 feature-map banks of 4 x 8 = 32-bit words, 256 deep; 3 activation-buffer banks of 32
// bits, 16 lines; output words 2 x 8 = 16 bits; adder tree 8 + 8 + 2 = 18 bits, accumulator 24
// bits; pipeline latency 1 + 1 (tree stage) + 1 + 1 + 1 = 5.
const cfg = loadConfig('tiny');

// A conv layer of F = 2 filters, C = 4 channels, a 1 x 3 kernel on a 1 x 4 image: 2 windows,
// S = 1 * 3 * ceil(4 / 4) = 3 steps, step t = kernel column q, lane l = channel c.
//   filter 0: step 0 lanes 0, 3 = 1, 6; step 1 lane 1 = 2; step 2 lane 2 = 3
//   filter 1: step 0 lane 1 = 4; step 1 lane 1 = 5
const weights = new Int32Array(2 * 4 * 3); // [f][c][0][q] at (f * 4 + c) * 3 + q
const put = (f: number, c: number, q: number, v: number) => (weights[(f * 4 + c) * 3 + q] = v);
put(0, 0, 0, 1); put(0, 3, 0, 6); put(0, 1, 1, 2); put(0, 2, 2, 3);
put(1, 1, 0, 4); put(1, 1, 1, 5);
const data: LayerData = {
  spec: { name: 'hand', kind: 'conv', filters: 2, channels: 4, kernelH: 1, kernelW: 3, inH: 1, inW: 4, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 },
  weights,
  acts: new Int32Array(16),
};

const table = parseEnergyTable(readFileSync(DEFAULT_ENERGY_TABLE, 'utf8'), 'configs/energy/45nm.yaml');
// docs/energy.md scaling of the 45 nm entries: SRAM 5 pJ at 32 bits and 32 KB, linear in width,
// square root of size; register file 1 pJ per 32 bits; mult 3.1 pJ at 32 x 32; add 0.1 pJ at 32;
// DRAM 640 pJ per 32 bits.
const sram = (width: number, depth: number) => 5 * (width / 32) * Math.sqrt((width * depth) / 8 / 32768);
const rf = (width: number) => width / 32;
const mult = (a: number, b: number) => 3.1 * (a / 32) * (b / 32);
const add = (width: number) => 0.1 * (width / 32);
const dramBit = 640 / 32;

const counts = (a: LayerAccess) => Object.fromEntries(a.arrays.map((x) => [`${x.memory}/${x.array}`, [x.reads, x.writes, x.widthBits, x.depthWords]]));
const ops = (a: LayerAccess) => a.ops.map((o) => [o.unit, o.widths, o.count]);

describe('access counts and energy of a hand-worked layer', async () => {
  const plans = await planLayer(data, cfg, 'heuristic');
  const access = layerAccessAll(plans, { rleRunBits: 2, busBits: 32 });

  it('schedule: every weight fits one row at step 0', () => {
    // filter 0, step 0: lane 1 has one candidate, (1,0) -> weight 2; then lane 2 has one, (2,0) -> 3.
    // filter 1, step 0: lanes 0 and 2 each have one candidate (weight 5); lane 0 takes it with (1,1).
    // Steps 1 and 2 are then empty for both filters and are skipped (h = 2).
    const rows = plans.scheds[0].sets[0].rows;
    expect(rows.map((r) => r.step)).toEqual([0]);
    expect(Array.from(rows[0].weights)).toEqual([1, 2, 3, 6, 5, 4, 0, 0]);
    expect(Array.from(rows[0].selects)).toEqual([0, 2, 4, 0, 3, 0, 0, 0]);
  });

  it('skipping: one row per window on the design', () => {
    const a = access.skipping;
    // one set, on tile 0 (round-robin), 1 row, 2 windows: 2 issued rows; cycles 2 + 5; 1 row record in the ring
    expect([a.issuedRows, a.ringRows, a.cycles]).toEqual([2, 1, 7]);
    expect(counts(a)).toEqual({
      'weightMemory/data bank': [2 * 2, 1 * 2, 44, 256], // 2 banks read per issued row; the fetcher writes 1 row record into each
      'weightMemory/control bank': [2, 1, 3, 256],
      // fill: window 0 reads columns 0..2 of channel group 0, window 1 columns 1..3: 3 + 3 words; the
      // host reads the 2 output words (1 pixel x 1 group each) out. Writes go to both tiles' copies:
      // the 4 input words (1 x 4 pixels, 1 group) and the 2 output words
      'activationMemory/feature-map bank': [6 + 2, 2 * (4 + 2), 32, 256],
      // Qw = ceil((3 + 2) / 3) = 2 lines of 3 bank words per window: 2 x 2 x 3 written; 3 banks read per issued row
      'activationBuffer/bank': [2 * 3, 2 * 2 * 3, 32, 16],
      'activationBuffer/operand read': [2 * 8, 0, 8, 0], // K x N = 8 multipliers
      'outputFifo/word': [2, 2, 16, 0], // 1 set x 2 windows, pushed and popped once
    });
    expect(ops(a)).toEqual([['multipliers', [8, 8], 2 * 8], ['adder tree', [18], 2 * 2 * 3], ['accumulators', [24], 2 * 2]]);
    // stream: a header and 1 row record of 16 bytes = 256 bits. Coded (2-bit runs, 13-bit entries,
    // 2 per 32-bit word): 1, 2/2, 3/4, 6, 5/3, 4, then {1, 0} for the two empty slots: 7 entries,
    // 4 words = 128 bits, + 3 control bits. Inputs 4 words, outputs 2 words, of 32 bits.
    expect(a.offChip).toEqual({ weightBits: 256, weightBitsRle: 131, inputBits: 128, outputBits: 64 });
  });

  it('dense and gating: the dense baseline runs all 3 steps; gating drops the zero-weight multiplies', () => {
    const d = access.dense;
    // dense baseline of tiny: no select bits, slot 8 bits, banks 32 bits; h = 0, one activation bank,
    // delta 1 bit, control 2 bits, records still 2 beats. 3 rows x 2 windows = 6 issued rows; cycles 6 + 5.
    expect([d.issuedRows, d.ringRows, d.cycles]).toEqual([6, 3, 11]);
    expect(counts(d)).toEqual({
      'weightMemory/data bank': [6 * 2, 3 * 2, 32, 256],
      'weightMemory/control bank': [6, 3, 2, 256],
      'activationMemory/feature-map bank': [6 + 2, 2 * (4 + 2), 32, 256], // the same words: the fill reads what the windows use
      'activationBuffer/bank': [6, 2 * 3, 32, 16], // Qw = S = 3 one-word lines per window
      'activationBuffer/operand read': [6 * 8, 0, 8, 0],
      'outputFifo/word': [2, 2, 16, 0],
    });
    expect(ops(d)).toEqual([['multipliers', [8, 8], 48], ['adder tree', [18], 6 * 2 * 3], ['accumulators', [24], 12]]);
    // stream: a header and 3 row records = 64 bytes. Coded, 10-bit entries, 3 per word, of the stream
    // 1 0 0 6 0 4 0 0 | 0 2 0 0 0 5 0 0 | 0 0 3 0 0 0 0 0:
    // {0,1} {2,6} {1,4} {3,2} {3,5} {3,0} {0,3} {3,0} {0,0}: 9 entries, 3 words = 96 bits, + 6.
    expect(d.offChip).toEqual({ weightBits: 512, weightBitsRle: 102, inputBits: 128, outputBits: 64 });
    const g = access.gating;
    expect(counts(g)).toEqual(counts(d));
    expect(g.cycles).toBe(d.cycles);
    // 6 non-zero weights x 2 windows; the only PE row with two non-zero weights is filter 0 at step 0: one add per window
    expect(ops(g)).toEqual([['multipliers', [8, 8], 12], ['adder tree', [18], 2], ['accumulators', [24], 12]]);
  });

  it('energy per component from the 45 nm table', () => {
    const e = layerEnergy('hand', access, table, { offChipRle: false, busBits: 32 });
    const skip = e.modes.skipping.components;
    expect(skip.weightMemory).toBeCloseTo(6 * sram(44, 256) + 3 * sram(3, 256), 9);
    expect(skip.activationMemory).toBeCloseTo(20 * sram(32, 256), 9);
    expect(skip.activationBuffer).toBeCloseTo(18 * sram(32, 16) + 16 * rf(8), 9);
    expect(skip.outputFifo).toBeCloseTo(4 * rf(16), 9);
    expect(skip.multipliers).toBeCloseTo(16 * mult(8, 8), 9); // 16 x 0.19375 = 3.1 pJ
    expect(skip.adders).toBeCloseTo(12 * add(18) + 4 * add(24), 9);
    expect(skip.offChip).toBeCloseTo((256 + 128 + 64) * dramBit, 9);
    const dense = e.modes.dense.components;
    expect(dense.weightMemory).toBeCloseTo(18 * sram(32, 256) + 9 * sram(2, 256), 9);
    expect(dense.activationMemory).toBeCloseTo(20 * sram(32, 256), 9);
    expect(dense.activationBuffer).toBeCloseTo(12 * sram(32, 16) + 48 * rf(8), 9);
    expect(dense.multipliers).toBeCloseTo(48 * mult(8, 8), 9);
    expect(dense.adders).toBeCloseTo(36 * add(18) + 12 * add(24), 9);
    expect(dense.offChip).toBeCloseTo((512 + 128 + 64) * dramBit, 9);
    const gating = e.modes.gating.components;
    expect(gating.multipliers).toBeCloseTo(12 * mult(8, 8), 9);
    expect(gating.adders).toBeCloseTo(2 * add(18) + 12 * add(24), 9);
    expect(gating.weightMemory).toBe(dense.weightMemory);
    for (const m of ['dense', 'gating', 'skipping'] as const) {
      const sum = Object.values(e.modes[m].components).reduce((a, b) => a + b, 0);
      expect(e.modes[m].totalPJ).toBeCloseTo(sum, 9);
    }
    const coded = layerEnergy('hand', access, table, { offChipRle: true, busBits: 32 });
    expect(coded.modes.skipping.components.offChip).toBeCloseTo((131 + 128 + 64) * dramBit, 9);
    expect(coded.modes.dense.components.offChip).toBeCloseTo((102 + 128 + 64) * dramBit, 9);
    const rows = energyBreakdown([e]);
    expect(rows).toHaveLength(3 * 7);
    expect(rows.find((r) => r.mode === 'skipping' && r.component === 'multipliers')).toEqual({ layer: 'hand', mode: 'skipping', component: 'multipliers', label: 'multipliers', energyPJ: skip.multipliers });
  });
});

describe('access counts are the counters of the exact cycle model', () => {
  // model/timing.ts simulates the memory system cycle by cycle and its counters are checked against
  // the RTL's in co-simulation; tileWork works them out from the work alone. They must agree on any
  // layer that runs (BUF_WRITES: the counter may miss a layer's last lines, never exceed the walk).
  const tiny = cfg;
  const tinyRle = loadConfig('tiny-rle');
  it(`for random layers, tile plans, memory settings and plain or run-length coded streams ${seedTag}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          filters: fc.integer({ min: 1, max: 9 }), channels: fc.integer({ min: 1, max: 9 }),
          kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), ih: fc.integer({ min: 1, max: 6 }), iw: fc.integer({ min: 1, max: 6 }),
          sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
          pad: fc.integer({ min: 0, max: 2 }), sparsity: fc.double({ min: 0, max: 1, noNaN: true }), seed: fc.nat(1000),
          plan: fc.constantFrom<PlanMode>('round-robin', 'split-windows'), latency: fc.integer({ min: 1, max: 40 }), period: fc.integer({ min: 1, max: 4 }),
          fc: fc.boolean(), coded: fc.boolean(),
        }),
        async (r) => {
          const cfg = r.coded ? tinyRle : tiny;
          const ekh = (r.kh - 1) * r.dh + 1;
          const ekw = (r.kw - 1) * r.dw + 1;
          fc.pre(r.fc || (r.ih + 2 * r.pad >= ekh && r.iw + 2 * r.pad >= ekw));
          const layer = r.fc
            ? randomLayer([r.filters, r.channels * 3], r.sparsity, r.seed, cfg)
            : randomLayer([r.filters, r.channels, r.kh, r.kw], r.sparsity, r.seed, cfg, { inputSize: [r.ih, r.iw], pad: r.pad, stride: [r.sh, r.sw], dilation: [r.dh, r.dw] });
          const p = await buildProgram(cfg, layoutFromConfig(cfg), [layer], { scheduler: 'heuristic', plan: r.plan, timingOnly: true });
          const timed = programTiming(p, { latency: r.latency, period: r.period });
          const pj = p.jobs[0];
          const work = tileWork(cfg, pj.data.spec, pj.job, pj.sched, r.plan);
          work.forEach((w, t) => {
            const c = timed.tiles[t];
            for (const k of ['ISSUE', 'FM_READS', 'BUF_READS', 'OUT_WRITES', 'AXI_BYTES'] as const) expect(w[k], `tile ${t} ${k}`).toBe(c[k]);
            expect(c.BUF_WRITES, `tile ${t} BUF_WRITES`).toBeLessThanOrEqual(w.BUF_WRITES);
          });
        },
      ),
      fcParams(60),
    );
  });
});

describe('energy tables', () => {
  const good = readFileSync(DEFAULT_ENERGY_TABLE, 'utf8');
  const parse = (text: string) => () => parseEnergyTable(text, 'my.yaml');

  it('JSON is accepted; of several SRAM entries the nearest in size is scaled', () => {
    const json = JSON.stringify({
      format: 'sparsetile-energy/1', name: 'two-srams', unit: 'pJ',
      components: [
        { name: 'add', class: 'intadder', attributes: { width: 16 }, actions: [{ name: 'add', energy: 0.05 }] },
        { name: 'mul', class: 'intmultiplier', attributes: { width: 16 }, actions: [{ name: 'mult', energy: 1 }] },
        { name: 'rf', class: 'regfile', attributes: { width: 16 }, actions: [{ name: 'read', energy: 0.5 }, { name: 'write', energy: 0.6 }] },
        { name: 'small', class: 'SRAM', attributes: { width: 64, depth: 128 }, actions: [{ name: 'read', energy: 2 }, { name: 'write', energy: 3 }] },
        { name: 'big', class: 'SRAM', attributes: { width: 64, depth: 131072 }, actions: [{ name: 'read', energy: 40 }, { name: 'write', energy: 50 }] },
        { name: 'dram', class: 'DRAM', attributes: { width: 64 }, actions: [{ name: 'read', energy: 1000 }, { name: 'write', energy: 1000 }] },
      ],
      scaling: { SRAM: { size: 1 } },
    });
    const t = parseEnergyTable(json, 'two.json');
    const c = lookupCost(t, 'SRAM', [32], 4096); // 4 KB: nearer 1 KB ('small') than 1 MB in log size
    expect(c.entry).toBe('small');
    expect(c.energy.read).toBeCloseTo(2 * (32 / 64) * (4096 / 1024), 12); // size exponent 1 from the table
    expect(lookupCost(t, 'SRAM', [64], 512 * 1024).entry).toBe('big');
    expect(lookupCost(t, 'intmultiplier', [8, 8]).energy.mult).toBeCloseTo(0.25, 12);
    expect(lookupCost(t, 'regfile', [16]).energy.write).toBe(0.6);
  });

  it('bad tables are rejected with sentences naming the file, field, rule, value and fix', () => {
    expect(parse(good.replace('energy: 3.1', 'energy: -3.1'))).toThrow(
      'my.yaml: field "components.1.actions.0.energy" must be a non-negative number (energy per action, in the table\'s unit pJ), got -3.1.',
    );
    expect(parse(good.replace('unit: pJ', 'unit: nJ'))).toThrow('my.yaml: field "unit" must be "pJ" (every energy in the table is in picojoules), got "nJ".');
    expect(parse(good.replace('format: sparsetile-energy/1', 'format: sparsetile-energy/1\ncolour: red'))).toThrow('my.yaml: unknown key "colour" at the top level. Every key must be one the energy table format defines (docs/energy.md, "Energy table"); remove it or fix its spelling.');
    expect(parse(good.replace('{ width: 32, depth: 8192 }', '{ width: 32 }'))).toThrow(
      'my.yaml: component 3 ("sram-32KB", class SRAM) has no attributes.depth; an SRAM\'s energy is scaled by its size, width * depth.',
    );
    expect(parse(good.replace('{ name: add, energy: 0.1 }', '{ name: mult, energy: 0.1 }'))).toThrow(
      'my.yaml: component 0 ("int-add-32", class intadder) has action "mult", but a intadder has the actions "add". Rename or remove it.',
    );
    expect(parse(good.replace('      - { name: write, energy: 640 }\n', ''))).toThrow('my.yaml: component 4 ("dram", class DRAM) has no energy for action "write"; a DRAM needs "read" and "write".');
    expect(parse(good.replace('class: DRAM', 'class: SRAM\n    # no DRAM left').replace('attributes: { width: 32 }\n    actions:\n      - { name: read, energy: 640 }', 'attributes: { width: 32, depth: 4 }\n    actions:\n      - { name: read, energy: 640 }'))).toThrow(
      'my.yaml: has no component of class DRAM; the energy model needs at least one of each of SRAM, regfile, DRAM, intadder, intmultiplier.',
    );
    expect(parse(good.replace('class: regfile', 'class: latch'))).toThrow('my.yaml: field "components.2.class" must be one of SRAM, regfile, DRAM, intadder, intmultiplier, got "latch".');
    expect(parse(good.replace('components:', 'components: ['))).toThrow(/^my\.yaml: is not valid YAML or JSON \(.*\)\. Fix the syntax\.$/);
    expect(parse('format: sparsetile-energy/1\nname: x\nunit: pJ\n')).toThrow('my.yaml: missing required key "components". Every field must be given explicitly; add it (configs/energy/45nm.yaml is a complete example).');
    expect(parse(good.replace('energy: 5.0', 'energy: lots'))).toThrow(SparsetileError);
    expect(parse(good.replace('energy: 5.0', 'energy: lots'))).toThrow('my.yaml: field "components.3.actions.0.energy" must be a non-negative number');
  });
});
