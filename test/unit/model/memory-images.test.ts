/** The memory-image packer against words computed by hand from docs/architecture.md section 5. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { resolveConfig } from '../../../contract/config.ts';
import { capacity, tileSetCounts, windowStride } from '../../../contract/capacity.ts';
import { fromField, hexFile } from '../../../contract/bits.ts';
import { layoutFromConfig, layoutFromParams } from '../../../contract/layout.ts';
import { outputLocation, packActivationWord, unpackOutputWord } from '../../../contract/words.ts';
import { packJob } from '../../../model/memory-images.ts';
import type { ScheduledRow, SetSchedule } from '../../../model/types.ts';

// tiny: N=4, K=2, T=2, 8-bit weights, trident <2,3>: codes (0,0) (1,-1) (1,0) (1,1) (2,0) (2,2),
// selectBits 3, slotBits 11, h 2, deltaBits 2, controlBits 3, 3 activation banks.
const cfg = loadConfig('tiny');
const L = layoutFromConfig(cfg);

function row(step: number, slots: [pe: number, lane: number, weight: number, select: number][]): ScheduledRow {
  const weights = new Int32Array(8);
  const selects = new Uint8Array(8);
  for (const [k, l, w, c] of slots) {
    weights[k * 4 + l] = w;
    selects[k * 4 + l] = c;
  }
  return { step, weights, selects };
}

describe('memory images (model/memory-images.ts, contract/words.ts, contract/capacity.ts)', () => {
  it('tiny derived widths are the ones the hand-computed words below assume', () => {
    expect([L.selectBits, L.slotBits, L.deltaBits, L.controlBits, L.weightDataBanks, L.activationBanks]).toEqual([3, 11, 2, 3, 2, 3]);
    expect(cfg.offsets).toEqual([[0, 0], [1, -1], [1, 0], [1, 1], [2, 0], [2, 2]]);
  });

  it('Qw and per-tile local set counts', () => {
    expect(windowStride(3, 2)).toBe(2); // ceil(5/3)
    expect(windowStride(1, 0)).toBe(1);
    expect(windowStride(7, 2)).toBe(3);
    expect(tileSetCounts(3, 2)).toEqual([2, 1]);
    expect(tileSetCounts(1, 4)).toEqual([1, 0, 0, 0]);
    expect(tileSetCounts(8, 4)).toEqual([2, 2, 2, 2]);
  });

  it('packs a three-set schedule into hand-computed weight, control and activation words', () => {
    const set0: SetSchedule = {
      filters: [0, 1],
      rows: [
        row(0, [[0, 0, 3, 0], [0, 1, -1, 2], [1, 3, -128, 5]]),
        row(2, [[1, 0, 127, 4]]),
      ],
    };
    const set1: SetSchedule = { filters: [2, 3], rows: [] }; // all zero: one hardware row
    const set2: SetSchedule = { filters: [4, -1], rows: [row(1, [[0, 2, 1, 1]])] };
    const S = 3;
    const windows = 2;
    const acts = new Int32Array(windows * S * 4);
    acts.set([1, -1, 0, 2], (0 * S + 0) * 4);
    acts.set([-128, 127, 5, -6], (1 * S + 2) * 4);
    const img = packJob(L, { S, N: 4, windows, acts }, { sets: [set0, set1, set2] }, 'tiny');

    // Tile 0 holds sets 0 and 2; tile 1 holds set 1.
    expect(img.csr).toEqual({ windows: 2, winStride: 2, tileSets: [2, 1] });
    expect(img.rowsHw).toEqual([2, 1, 1]);
    expect(img.rowBase).toEqual([0, 0, 2]);
    // PE0 row 0: lane0 {0, 3} = 0x003; lane1 {2, 0xFF} = 0x2FF at bit 11.
    // PE1 row 0: lane3 {5, 0x80} = 0x580 at bit 33.  PE1 row 1: lane0 {4, 0x7F} = 0x47F.
    // set 2 row 0: PE0 lane2 {1, 0x01} = 0x101 at bit 22.
    expect(img.weights[0][0]).toEqual([0x003n | (0x2ffn << 11n), 0n, 0x101n << 22n]);
    expect(img.weights[0][1]).toEqual([0x580n << 33n, 0x47fn, 0n]);
    expect(img.weights[0][1][0]).toBe(0xb0000000000n);
    // Control {last, delta}: delta 1; delta 2 + last = 0b110; set 2 step 1 -> delta 2 + last.
    expect(img.weights[0][2]).toEqual([1n, 6n, 6n]);
    // Set 1 (tile 1): one all-zero row at step 0, delta 1, last.
    expect(img.weights[1]).toEqual([[0n], [0n], [5n]]);
    // Activations: bank t mod 3, address w*2 + floor(t/3); lanes little-endian.
    expect(img.acts[0]).toEqual([0x0200ff01n, 0n, 0n, 0n]);
    expect(img.acts[2]).toEqual([0n, 0n, 0xfa057f80n, 0n]);
    expect(img.acts[1]).toEqual([0n, 0n, 0n, 0n]);
  });

  it('per-lane banking puts PE k lane l in bank k*N+l', () => {
    const perLane = loadConfigWith({ memory: { ...cfg.input.memory, weightBanking: 'per-lane' } });
    const Lp = layoutFromConfig(perLane);
    expect(Lp.weightDataBanks).toBe(8);
    const img = packJob(Lp, { S: 1, N: 4, windows: 1, acts: new Int32Array(4) }, { sets: [{ filters: [0, 1], rows: [row(0, [[1, 2, -2, 0]])] }] });
    expect(img.weights[0][6]).toEqual([0xfen]);
    expect(img.weights[0][8]).toEqual([5n]);
    expect(img.weights[0].slice(0, 6).flat()).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('output words and locations', () => {
    expect(outputLocation(L, 3, 1, 4, 5)).toEqual({ tile: 1, addr: 9, pe: 1 });
    expect(unpackOutputWord(L, 0x80ffn)).toEqual([-1, -128]);
    expect(fromField(0x7fn, 0, 8)).toBe(127);
    expect(packActivationWord(L, [-1, 0, 0, 1])).toBe(0x010000ffn);
    expect(hexFile([0x1n, 0xabcn], 11, 3)).toBe('001\nabc\n000\n');
  });

  it('rejects a row whose step does not advance by 1..h+1, naming the set and row', () => {
    expect(() => packJob(L, { S: 8, N: 4, windows: 1, acts: new Int32Array(32) }, { sets: [{ filters: [0, 1], rows: [row(4, [])] }] }, 'tiny'))
      .toThrow(/^Set 0 row 0 is at step 4 after step -1: a row's step must advance by 1 to h\+1 = 3/);
  });

  it('rejects a job that overflows the output memory, stating the rule', () => {
    const sets = Array.from({ length: 4 }, () => ({ filters: [0, 1], rows: [row(0, [])] }));
    expect(() => packJob(L, { S: 1, N: 4, windows: 100, acts: new Int32Array(400) }, { sets }, 'tiny'))
      .toThrow('The job writes 2 local sets x 100 windows = 200 output words on one tile, but configuration "tiny" has outputDepth 128');
  });

  it('capacity: section 5 figures and the first rule broken, the sentence packJob throws', () => {
    // 5 sets on 2 tiles: tile 0 runs sets 0, 2, 4 (an empty set still takes one row), tile 1 sets 1, 3.
    const c = capacity(L, { S: 8, windows: 10, rowsPerSet: [3, 4, 0, 5, 2] }, 'tiny');
    expect(c).toEqual({
      Qw: 4, tileSets: [3, 2], localSets: 3, weightRowsPerTile: [6, 9], weightRows: 9, activationWords: 40, outputWords: 30, rule: null, problem: null,
    });
    expect(capacity(L, { S: 8, windows: 10, rowsPerSet: [1, 300] }, 'tiny').problem).toBe(
      'The job needs 300 weight-memory rows on tile 1, but configuration "tiny" has weightDepth 256 (rule: the rows of a tile\'s local sets must fit its weight memory). Use a smaller layer, a sparser one, or a configuration with a larger memory.weightDepth.',
    );
    expect(capacity(cfg, { S: 8, windows: 65, rowsPerSet: [1] }, 'tiny')).toMatchObject({ rule: 'activationBankDepth', activationWords: 260 });
    const sets = Array.from({ length: 4 }, () => ({ filters: [0, 1], rows: [row(0, [])] }));
    const out = capacity(L, { S: 1, windows: 100, rowsPerSet: sets.map((s) => s.rows.length) }, 'tiny');
    expect(out.rule).toBe('outputDepth');
    expect(() => packJob(L, { S: 1, N: 4, windows: 100, acts: new Int32Array(400) }, { sets }, 'tiny')).toThrow(out.problem!);
  });

  it('rejects out-of-range values', () => {
    expect(() => packJob(L, { S: 1, N: 4, windows: 1, acts: Int32Array.from([0, 128, 0, 0]) }, { sets: [] }, 'tiny'))
      .toThrow(/activation 128, which does not fit the 8-bit signed activation field/);
  });

  it('layoutFromParams names each disagreeing constant', () => {
    const good: Record<string, unknown> = {
      LANES: 4, FILTERS_PER_TILE: 2, TILES: 2, WEIGHT_BITS: 8, ACTIVATION_BITS: 8, OUTPUT_BITS: 8, SELECT_BITS: 3, SLOT_BITS: 11,
      DELTA_BITS: 2, CONTROL_BITS: 3, WEIGHT_DATA_BANKS: 2, WEIGHT_BANK_WIDTH: 44, WEIGHT_DEPTH: 256, ACTIVATION_BANKS: 3,
      ACTIVATION_BANK_WIDTH: 32, ACTIVATION_BANK_DEPTH: 256, OUTPUT_DEPTH: 128, OUTPUT_WORD_BITS: 16, PIPELINE_LATENCY: 5,
      OFFSETS: [[0, 0], [1, -1], [1, 0], [1, 1], [2, 0], [2, 2]], WEIGHT_BANKING: 'per-pe', CSR_STATUS: 0, CSR_WINDOWS: 1,
      CSR_WIN_STRIDE: 2, CSR_CYCLES: 3, CSR_TILE_SETS_BASE: 16, CONFIG_HASH: cfg.hash,
    };
    expect(layoutFromParams(good, cfg)).toEqual(L);
    expect(() => layoutFromParams({ ...good, SLOT_BITS: 12, CONFIG_HASH: 'deadbeef00' }, cfg, 'tiny.params.ts')).toThrow(
      /^tiny\.params\.ts: the generated RTL constants disagree with configuration "tiny": SLOT_BITS is 12 but the config says 11; CONFIG_HASH is "deadbeef00"/,
    );
  });
});

function loadConfigWith(patch: Record<string, unknown>) {
  return resolveConfig({ ...cfg.input, ...patch });
}
