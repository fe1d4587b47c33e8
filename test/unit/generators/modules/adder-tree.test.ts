import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../tools/configs.ts';
import { resolveConfig } from '../../../../contract/config.ts';
import { adderTreeModule, adderTreeView, registerPositions } from '../../../../generators/modules/adder-tree.ts';

const tiny = loadConfig('tiny');
const withLanes = (lanes: number, stages: number) =>
  resolveConfig({ ...tiny.input, lanes, adderTreeStages: stages, accumulatorBits: 32, pattern: { shape: 'trident', lookahead: 2, lookaside: 0 } });

describe('adder tree view model', () => {
  it('register positions split the levels plus the accumulator add evenly', () => {
    expect(registerPositions(4, 0)).toEqual([]);
    expect(registerPositions(4, 1)).toEqual([2]);
    expect(registerPositions(4, 2)).toEqual([1, 3]);
    expect(registerPositions(4, 4)).toEqual([1, 2, 3, 4]);
    expect(registerPositions(2, 1)).toEqual([1]);
    expect(registerPositions(2, 2)).toEqual([1, 2]);
    // one lane: no adder, the only possible register is on the products
    expect(registerPositions(0, 1)).toEqual([0]);
    expect(() => registerPositions(2, 3)).toThrow();
  });

  it('tiny (N=4, 8x8-bit products, 1 stage): widths 16, 17, 18; register after level 1', () => {
    const v = adderTreeView(tiny);
    expect(v.levels.map((l) => [l.index, l.nodes, l.width, l.registered])).toEqual([
      [0, 4, 16, false],
      [1, 2, 17, true],
      [2, 1, 18, false],
    ]);
    // {l0[47], l0[32 +: 16]} + {l0[63], l0[48 +: 16]} at bit 17 of level 1
    expect(v.levels[1].adds[1]).toEqual({ lo: 17, a: { node: 2, lsb: 32, signBit: 47 }, b: { node: 3, lsb: 48, signBit: 63 } });
    expect(v.levels[1]).toMatchObject({ prev: 0, prevWidth: 16, fromBus: true });
    expect(v.levels[2]).toMatchObject({ prev: 1, prevWidth: 17, fromBus: false });
    // nodes 0 and 1 of level 1
    expect(v.levels[2].adds).toEqual([{ lo: 0, a: { node: 0, lsb: 0, signBit: 16 }, b: { node: 1, lsb: 17, signBit: 33 } }]);
  });

  it('paper (N=16, 32-bit products, 2 stages): registers after levels 1 and 3, sum of 36 bits', () => {
    const v = adderTreeView(loadConfig('paper'));
    expect(v.levels.map((l) => [l.nodes, l.width])).toEqual([
      [16, 32],
      [8, 33],
      [4, 34],
      [2, 35],
      [1, 36],
    ]);
    expect(v.levels.filter((l) => l.registered).map((l) => l.index)).toEqual([1, 3]);
  });

  it('odd node counts pass the last node through, sign-extended', () => {
    const v = adderTreeView(withLanes(5, 0));
    expect(v.levels.map((l) => l.nodes)).toEqual([5, 3, 2, 1]);
    // {l0[79], l0[64 +: 16]} passed through
    expect(v.levels[1].adds[2]).toEqual({ lo: 34, a: { node: 4, lsb: 64, signBit: 79 }, b: null });
    expect(v.levels[3].width).toBe(v.treeBits);
  });

  it('one lane: no adder level; with a stage, the products are registered again', () => {
    const v = adderTreeView(withLanes(1, 1));
    expect(v.depth).toBe(0);
    expect(v.levels).toHaveLength(1);
    expect(v.levels[0].registered).toBe(true);
  });

  it('renders the view as Verilog: the sign extensions, the sums and the stage registers', () => {
    const text = adderTreeModule(tiny, '// header');
    // level 1 reads the products' bus; level 2 and later read one wire per node
    expect(text).toContain('  wire [17-1:0] l1_1_d = {l0[47], l0[32 +: 16]} + {l0[63], l0[48 +: 16]};');
    expect(text).toContain('  wire [18-1:0] l2_0_d = {l1_0[17-1], l1_0[0 +: 17]} + {l1_1[17-1], l1_1[0 +: 17]};');
    expect(text).toContain('  assign sum_o = l2_0;');
    expect(text).toContain('  assign l0_d[48 +: 16] = prods_i[48 +: 16];');
    expect(text).toContain('  always @(posedge clk_i) l1_1_q <= l1_1_d;');
    expect(text).toContain('  wire [17-1:0] l1_1 = l1_1_q;');
    expect(text).toContain('  input  wire clk_i,');
    expect(adderTreeModule(withLanes(5, 0), '//')).not.toContain('clk_i');
    expect(adderTreeModule(withLanes(5, 0), '//')).toContain('  wire [17-1:0] l1_2_d = {l0[79], l0[64 +: 16]};');
    expect(adderTreeModule(withLanes(1, 1), '//')).toContain('  assign sum_o = l0;');
  });
});
