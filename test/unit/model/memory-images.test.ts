/** The weight rows, stream records, feature-map words and capacity rules against words computed by hand from docs/architecture.md section 5. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { resolveConfig } from '../../../contract/config.ts';
import { capacity, tileSetCounts, windowStride } from '../../../contract/capacity.ts';
import { brickAddress, fmPlace } from '../../../contract/fmap.ts';
import { headerRecord, recordBeats, rowRecord } from '../../../contract/stream.ts';
import { fromField, hexFile } from '../../../contract/bits.ts';
import { layoutFromConfig, layoutFromParams } from '../../../contract/layout.ts';
import { packActivationWord } from '../../../contract/words.ts';
import { packSetRows } from '../../../model/memory-images.ts';
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

describe('memory images (model/memory-images.ts, contract/words.ts, contract/stream.ts, contract/capacity.ts)', () => {
  it('tiny derived widths are the ones the hand-computed words below assume', () => {
    expect([L.selectBits, L.slotBits, L.deltaBits, L.controlBits, L.weightDataBanks, L.activationBanks]).toEqual([3, 11, 2, 3, 2, 3]);
    expect(cfg.offsets).toEqual([[0, 0], [1, -1], [1, 0], [1, 1], [2, 0], [2, 2]]);
    expect([cfg.recordBeats, cfg.axi.beatBytes, cfg.featureMapHalfWords]).toEqual([2, 8, 512]);
  });

  it('Qw and per-tile set counts of the round-robin plan', () => {
    expect(windowStride(3, 2)).toBe(2); // ceil(5/3)
    expect(windowStride(1, 0)).toBe(1);
    expect(windowStride(7, 2)).toBe(3);
    expect(tileSetCounts(3, 2)).toEqual([2, 1]);
    expect(tileSetCounts(1, 4)).toEqual([1, 0, 0, 0]);
    expect(tileSetCounts(8, 4)).toEqual([2, 2, 2, 2]);
  });

  it('packs a set\'s rows into hand-computed weight and control words', () => {
    const set0: SetSchedule = {
      filters: [0, 1],
      rows: [
        row(0, [[0, 0, 3, 0], [0, 1, -1, 2], [1, 3, -128, 5]]),
        row(2, [[1, 0, 127, 4]]),
      ],
    };
    const p = packSetRows(L, set0, 2, 4, 0, 'tiny');
    // PE0 row 0: lane0 {0, 3} = 0x003; lane1 {2, 0xFF} = 0x2FF at bit 11.
    // PE1 row 0: lane3 {5, 0x80} = 0x580 at bit 33.  PE1 row 1: lane0 {4, 0x7F} = 0x47F.
    expect(p.banks).toEqual([[0x003n | (0x2ffn << 11n), 0x580n << 33n], [0n, 0x47fn]]);
    expect(p.banks[0][1]).toBe(0xb0000000000n);
    // Control {last, delta}: delta 1; delta 2 + last = 0b110.
    expect(p.controls).toEqual([1n, 6n]);
    expect(p.steps).toEqual([0, 2]);
    // A set without rows runs one all-zero row at step 0: delta 1, last.
    expect(packSetRows(L, { filters: [2, 3], rows: [] }, 2, 4, 1, 'tiny')).toEqual({ banks: [[0n, 0n]], controls: [5n], steps: [0] });
  });

  it('weight-stream records: a row record is the banks then the control word; a header {rows, channel base}; little-endian beats', () => {
    // tiny: 2 banks of 44 bits, control at bit 88; 2 beats of 64 bits per record
    const rec = rowRecord(cfg, [0xabcn, 0x1n], 6n);
    expect(rec).toBe(0xabcn | (1n << 44n) | (6n << 88n));
    expect(recordBeats(cfg, rec)).toEqual([0xabcn | (1n << 44n), 6n << 24n]);
    expect(headerRecord(5, 34)).toBe(5n | (34n << 16n));
    expect(recordBeats(cfg, headerRecord(5, 34))).toEqual([0x220005n, 0n]);
  });

  it('per-lane banking puts PE k lane l in bank k*N+l', () => {
    const perLane = loadConfigWith({ memory: { ...cfg.input.memory, weightBanking: 'per-lane' } });
    const Lp = layoutFromConfig(perLane);
    expect(Lp.weightDataBanks).toBe(8);
    const p = packSetRows(Lp, { filters: [0, 1], rows: [row(0, [[1, 2, -2, 0]])] }, 2, 4, 0, 'per-lane');
    expect(p.banks[0][6]).toBe(0xfen);
    expect(p.controls).toEqual([5n]);
    expect(p.banks[0].filter((w, b) => b !== 6)).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('feature-map words: brick addresses, banks and rows of both halves, lanes little-endian', () => {
    // pixel (1, 2) of a 3-wide region with 2 channel groups, group 1, from word 10
    expect(brickAddress(10, 3, 2, 1, 2, 1)).toBe(10 + (1 * 3 + 2) * 2 + 1);
    // tiny: 4 banks of 256 rows; half 1 starts at row 128 of every bank
    expect(fmPlace(cfg, 0, 5)).toEqual({ bank: 1, row: 1 });
    expect(fmPlace(cfg, 1, 5)).toEqual({ bank: 1, row: 129 });
    expect(fromField(0x7fn, 0, 8)).toBe(127);
    expect(packActivationWord(L, [-1, 0, 0, 1])).toBe(0x010000ffn);
    expect(hexFile([0x1n, 0xabcn], 11, 3)).toBe('001\nabc\n000\n');
  });

  it('rejects a row whose step does not advance by 1..h+1, naming the set and row', () => {
    expect(() => packSetRows(L, { filters: [0, 1], rows: [row(4, [])] }, 2, 4, 0, 'tiny'))
      .toThrow(/^Set 0 row 0 is at step 4 after step -1: a row's step must advance by 1 to h\+1 = 3/);
  });

  it('capacity: section 5 figures and the first rule broken, in sentences', () => {
    const c = capacity(cfg, { S: 8, rowsPerSet: [3, 4, 0, 5, 2], inputWords: 100, outputWords: 200 }, 'tiny');
    expect(c).toEqual({ Qw: 4, setRecords: 6, inputWords: 100, outputWords: 200, rule: null, problem: null });
    expect(capacity(cfg, { S: 8, rowsPerSet: [1, 300], inputWords: 1, outputWords: 1 }, 'tiny').problem).toBe(
      'The layer has a set of 300 rows, but configuration "tiny" holds 256 weight-ring records per tile (rule: rows + 1 header <= memory.weightDepth). Use a sparser layer, or a configuration with a larger memory.weightDepth.',
    );
    expect(capacity(cfg, { S: 8, rowsPerSet: [255], inputWords: 1, outputWords: 1 }, 'tiny').rule).toBe(null);
    expect(capacity(cfg, { S: 8, rowsPerSet: [1], inputWords: 513, outputWords: 1 }, 'tiny')).toMatchObject({ rule: 'featureMapInput' });
    expect(capacity(cfg, { S: 8, rowsPerSet: [1], inputWords: 512, outputWords: 513 }, 'tiny').problem).toBe(
      'The layer\'s output needs 513 feature-map words, but a half of configuration "tiny" holds 512 (rule: output region <= featureMapBanks * featureMapBankDepth / 2). Use fewer filters or output pixels, or a configuration with a larger memory.featureMapBankDepth.',
    );
  });

  it('rejects out-of-range weights', () => {
    expect(() => packSetRows(L, { filters: [0, 1], rows: [row(0, [[0, 1, 200, 0]])] }, 2, 4, 0, 'tiny'))
      .toThrow(/weight 200, which does not fit the 8-bit signed weight field/);
  });

  it('layoutFromParams names each disagreeing constant', () => {
    const good: Record<string, unknown> = {
      LANES: 4, FILTERS_PER_TILE: 2, TILES: 2, WEIGHT_BITS: 8, ACTIVATION_BITS: 8, OUTPUT_BITS: 8, SELECT_BITS: 3, SLOT_BITS: 11,
      DELTA_BITS: 2, CONTROL_BITS: 3, WEIGHT_DATA_BANKS: 2, WEIGHT_BANK_WIDTH: 44, WEIGHT_DEPTH: 256, ACTIVATION_BANKS: 3,
      ACTIVATION_BANK_WIDTH: 32, ACTIVATION_BANK_DEPTH: 16, FEATURE_MAP_BANKS: 4, FEATURE_MAP_BANK_DEPTH: 256, FEATURE_MAP_HALF_WORDS: 512,
      AXI_DATA_BITS: 64, RECORD_BEATS: 2, OUTPUT_WORD_BITS: 16, PIPELINE_LATENCY: 5,
      OFFSETS: [[0, 0], [1, -1], [1, 0], [1, 1], [2, 0], [2, 2]], WEIGHT_BANKING: 'per-pe', REG_STATUS: 4, REG_TILE_COUNTERS_BASE: 0x100,
      REG_LAYER_BASE: 0x1000, REG_LAYER_STRIDE: 0x400, CONFIG_HASH: cfg.hash,
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
