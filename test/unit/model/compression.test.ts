/** Sparse formats (model/compression): round trips over random sparse tensors, and storage worked out by hand. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../tools/configs.ts';
import { fromField } from '../../../contract/bits.ts';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { packSlot } from '../../../contract/words.ts';
import {
  allFormatStorage, decodeBitmap, decodeCoo, decodeCsc, decodeCsr, decodeRle, encodeBitmap, encodeCoo, encodeCsc, encodeCsr, encodeRle,
  type Matrix,
} from '../../../model/compression/formats.ts';
import { setSlotStream, slotValue, weightImageStorage } from '../../../model/compression/storage.ts';
import type { JobSchedule } from '../../../model/schedule.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

const matrix = fc
  .record({
    rows: fc.integer({ min: 1, max: 12 }),
    cols: fc.integer({ min: 1, max: 40 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    seedValues: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -32768, max: 32767 })), { minLength: 480, maxLength: 480 }),
  })
  .map(({ rows, cols, density, seedValues }): Matrix => ({
    rows,
    cols,
    values: Int32Array.from({ length: rows * cols }, (_, i) => {
      const [u, v] = seedValues[i % seedValues.length];
      return u < density && v !== 0 ? v : 0;
    }),
  }));

describe('sparse formats', () => {
  it(`every format round-trips random sparse tensors ${seedTag}`, () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 8 }), (m, runBits) => {
        const dense = Array.from(m.values);
        expect(Array.from(decodeCsr(encodeCsr(m)).values)).toEqual(dense);
        expect(Array.from(decodeCsc(encodeCsc(m)).values)).toEqual(dense);
        expect(Array.from(decodeCoo(encodeCoo(m)).values)).toEqual(dense);
        expect(Array.from(decodeBitmap(encodeBitmap(m)).values)).toEqual(dense);
        expect(Array.from(decodeRle(encodeRle(m, { runBits, valueBits: 16 })).values)).toEqual(dense);
        const nnz = dense.filter((v) => v !== 0).length;
        const s = allFormatStorage(m, { valueBits: 16, rleRunBits: runBits });
        for (const f of s.slice(1)) expect(f.fields.find((x) => x.name === 'values')!.count).toBe(nnz);
        expect(s[0].totalBits).toBe(m.rows * m.cols * 16);
      }),
      fcParams(150),
    );
  });

  it('storage of a 3 x 4 matrix, field by field', () => {
    // [ 5 0 0 0 ]
    // [ 0 0 7 0 ]   5 non-zeros; rows 3 -> 2-bit row index, cols 4 -> 2-bit column index,
    // [ 1 0 2 3 ]   pointers take 0..5 -> 3 bits
    const m: Matrix = { rows: 3, cols: 4, values: Int32Array.from([5, 0, 0, 0, 0, 0, 7, 0, 1, 0, 2, 3]) };
    const s = allFormatStorage(m, { valueBits: 8, rleRunBits: 2 });
    const byName = Object.fromEntries(s.map((x) => [x.format, x]));
    expect(byName.dense.totalBits).toBe(12 * 8); // 96
    expect(byName.csr.fields.map((f) => [f.name, f.count, f.width])).toEqual([['values', 5, 8], ['column indices', 5, 2], ['row pointers', 4, 3]]);
    expect(byName.csr.totalBits).toBe(40 + 10 + 12); // 62
    expect(byName.csc.totalBits).toBe(40 + 5 * 2 + 5 * 3); // row indices 5x2, column pointers 5x3: 65
    expect(byName.coo.totalBits).toBe(40 + 5 * (2 + 2)); // 60
    expect(byName.bitmap.totalBits).toBe(40 + 12); // 52
    // row-major stream 5,0,0,0,0,0,7,0,1,0,2,3 with a 2-bit run (escape covers 4 zeros):
    // {0,5}, five zeros then 7: escape {3,0} then {1,7}; {1,1}; {1,2}; {0,3}: 6 entries of 2 + 8 bits
    expect(byName.rle.fields.map((f) => [f.name, f.count, f.width])).toEqual([['values', 5, 8], ['zero values (escape and final entries)', 1, 8], ['runs', 6, 2]]);
    expect(byName.rle.totalBits).toBe(60);
    expect(byName.rle.metadataBits).toBe(8 + 12);
    // with fixed 32-bit indices CSR needs 5x32 + 4x32
    expect(allFormatStorage(m, { valueBits: 8, rleRunBits: 2, fixedIndexBits: 32 })[1].totalBits).toBe(40 + 5 * 32 + 4 * 32);
  });
});

describe('weight-memory images', () => {
  const cfg = loadConfig('tiny'); // slot = {select 3 bits, weight 8 bits} = 11 bits, control 3 bits

  it(`slotValue holds the bits packSlot writes ${seedTag}`, () => {
    const L = layoutFromConfig(cfg);
    fc.assert(
      fc.property(fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: cfg.muxInputs - 1 }), (w, c) => {
        expect(slotValue(cfg, w, c)).toBe(fromField(packSlot(L, w, c), 0, cfg.slotBits));
      }),
      fcParams(200),
    );
  });

  it('plain and run-length coded image of a hand-made schedule', () => {
    const row = (step: number, w: number[], s: number[]) => ({ step, weights: Int32Array.from(w), selects: Uint8Array.from(s) });
    const sched: JobSchedule = {
      scheduler: 'heuristic', K: 2, N: 4, S: 3, offsets: cfg.offsets,
      sets: [
        { filters: [0, 1], rows: [row(0, [1, 2, 3, 6, 5, 4, 0, 0], [0, 2, 4, 0, 3, 0, 0, 0])] },
        { filters: [2, -1], rows: [] }, // no rows: one all-zero hardware row
      ],
    };
    expect(Array.from(setSlotStream(cfg, sched.sets[0]))).toEqual([1, 2 * 256 + 2, 4 * 256 + 3 - 2048, 6, 3 * 256 + 5, 4, 0, 0]);
    const plain = weightImageStorage(cfg, [sched], { busBits: 32 });
    // 2 hardware rows x 8 slots x (8 + 3) bits + 2 rows x 3 control bits
    expect(plain.totalBits).toBe(2 * 8 * 11 + 2 * 3);
    expect(plain.valueBits).toBe(2 * 8 * 8);
    const coded = weightImageStorage(cfg, [sched], { busBits: 32, rleRunBits: 2 });
    // set 0: 6 non-zero entries, then two zeros -> {1, 0}: 7 entries of 13 bits, 2 per 32-bit word: 4 words
    // set 1: eight zeros -> {3,0} {3,0}: 2 entries, 1 word.  Padding: 5 * 32 - 9 * 13 = 43 bits
    expect(coded.fields.map((f) => [f.name, f.count, f.width])).toEqual([
      ['weights', 6, 8], ['select codes', 6, 3], ['zero entries (escape and final)', 3, 11], ['runs', 9, 2], ['bus word padding', 43, 1], ['row control {last, delta}', 2, 3],
    ]);
    expect(coded.totalBits).toBe(5 * 32 + 2 * 3);
  });
});
