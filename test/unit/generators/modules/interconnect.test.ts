import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../tools/configs.ts';
import { resolveConfig } from '../../../../contract/config.ts';
import { interconnectModule, interconnectView } from '../../../../generators/modules/interconnect.ts';

const paper = loadConfig('paper');

/** [code, slot, srcLane] of one lane, from the view model. */
const connections = (lane: number) =>
  interconnectView(paper).muxes[lane].arms.map((a) => [a.code, a.ahead, a.srcLane]);

describe('interconnect view model', () => {
  it('trident <2,5> at N=16: lane 0, derived by hand', () => {
    // codes: 0 (0,0) 1 (1,-1) 2 (1,0) 3 (1,1) 4 (1,3) 5 (2,-2) 6 (2,0) 7 (2,2)
    expect(connections(0)).toEqual([
      [0, 0, 0],
      [1, 1, 15],
      [2, 1, 0],
      [3, 1, 1],
      [4, 1, 3],
      [5, 2, 14],
      [6, 2, 0],
      [7, 2, 2],
    ]);
  });

  it('trident <2,5> at N=16: lanes 1 and 15 wrap modulo N', () => {
    expect(connections(1)).toEqual([
      [0, 0, 1],
      [1, 1, 0],
      [2, 1, 1],
      [3, 1, 2],
      [4, 1, 4],
      [5, 2, 15],
      [6, 2, 1],
      [7, 2, 3],
    ]);
    expect(connections(15)).toEqual([
      [0, 0, 15],
      [1, 1, 14],
      [2, 1, 15],
      [3, 1, 0],
      [4, 1, 2],
      [5, 2, 13],
      [6, 2, 15],
      [7, 2, 1],
    ]);
  });

  it('8 inputs fill 3 select bits: code 7 is the default arm, no zero arm', () => {
    const arms = interconnectView(paper).muxes[0].arms;
    expect(arms.map((a) => (a.isDefault ? 'default' : a.code))).toEqual([0, 1, 2, 3, 4, 5, 6, 'default']);
    expect(arms[7]).toMatchObject({ code: 7, zero: false, slotIndex: 2, srcLane: 2 });
    const text = interconnectModule(paper, '//');
    expect(text).toContain("      3'd1: acts_d[0 +: 16] = slot_lane[1][15];");
    expect(text).toContain('      default: acts_d[0 +: 16] = slot_lane[2][2];');
    expect(interconnectView(paper).muxes[0].selLo).toBe(0);
    expect(interconnectView(paper).muxes[5].selLo).toBe(15);
  });

  it('tiny (trident <2,3>, 6 inputs): unused codes 6 and 7 read zero', () => {
    const v = interconnectView(loadConfig('tiny'));
    const arms = v.muxes[3].arms;
    expect(arms.map((a) => [a.code, a.ahead, a.aside, a.srcLane])).toEqual([
      [0, 0, 0, 3],
      [1, 1, -1, 2],
      [2, 1, 0, 3],
      [3, 1, 1, 0],
      [4, 2, 0, 3],
      [5, 2, 2, 1],
      [null, null, null, null],
    ]);
    expect(arms[6]).toMatchObject({ isDefault: true, zero: true });
    expect(interconnectModule(loadConfig('tiny'), '//')).toContain("      default: acts_d[24 +: 8] = {8{1'b0}};");
    expect(v.usedSlots).toEqual([0, 1, 2]);
  });

  it('an explicit pattern that skips an ahead uses only the slots it reads', () => {
    const tiny = loadConfig('tiny');
    const cfg = resolveConfig({ ...tiny.input, pattern: { offsets: [[2, 0], [2, 1]] } });
    const v = interconnectView(cfg);
    expect(v.usedSlots).toEqual([0, 2]);
    expect(v.muxes[0].arms.map((a) => (a.zero ? 'zero' : [a.slotIndex, a.srcLane]))).toEqual([[0, 0], [1, 0], [1, 1], 'zero']);
  });

  it('the dense baseline has no interconnect', () => {
    expect(() => interconnectView(loadConfig('dense'))).toThrow(/dense baseline has no interconnect/);
  });
});
