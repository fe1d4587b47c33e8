/** Run-length zero coding (contract/rle.ts) against entries and words worked out by hand from docs/architecture.md. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  rleDecode, rleEncode, rleEntriesPerWord, rleEntryCount, rlePack, rleSize, rleUnpack, type RleFormat,
} from '../../../contract/rle.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

/**
 * A deliberately naive reference for the entry count: a zero run of z before a non-zero value takes
 * floor(z / (maxRun + 1)) escapes (each covers maxRun + 1 zeros) and the rest rides in the value's
 * entry; a trailing run of z takes ceil(z / (maxRun + 1)) entries.
 */
function naiveEntryCount(values: readonly number[], runBits: number): number {
  const span = 2 ** runBits; // maxRun + 1
  let n = 0;
  let z = 0;
  for (const v of values) {
    if (v === 0) z++;
    else {
      n += Math.floor(z / span) + 1;
      z = 0;
    }
  }
  return n + Math.ceil(z / span);
}

/** The packed words as a string of bits, most significant first, built field by field from the spec text. */
function naiveWords(fmt: RleFormat, entries: { run: number; value: number }[], wordBits: number): bigint[] {
  const e = fmt.runBits + fmt.valueBits;
  const per = Math.floor(wordBits / e);
  const words: bigint[] = [];
  for (let i = 0; i < entries.length; i += per) {
    const bits = new Array<string>(wordBits).fill('0'); // bits[b] is bit b
    for (let j = 0; j < per && i + j < entries.length; j++) {
      const { run, value } = entries[i + j];
      const v = value < 0 ? value + 2 ** fmt.valueBits : value;
      for (let b = 0; b < fmt.valueBits; b++) bits[j * e + b] = String(Math.floor(v / 2 ** b) % 2);
      for (let b = 0; b < fmt.runBits; b++) bits[j * e + fmt.valueBits + b] = String(Math.floor(run / 2 ** b) % 2);
    }
    words.push(BigInt(`0b${bits.reverse().join('')}`));
  }
  return words;
}

describe('run-length zero coding', () => {
  const fmt: RleFormat = { runBits: 2, valueBits: 4 }; // max run 3; an escape {3, 0} covers 4 zeros

  it('encodes runs, escapes and a trailing run as the section describes', () => {
    const values = [0, 0, 5, 0, 0, 0, 0, 0, -3, 0, 0];
    // two zeros then 5: {2, 5}; five zeros then -3: escape {3, 0} (4 zeros), then {1, -3};
    // two trailing zeros: {1, 0} (one zero, then the zero value)
    const entries = rleEncode(fmt, values);
    expect(entries).toEqual([{ run: 2, value: 5 }, { run: 3, value: 0 }, { run: 1, value: -3 }, { run: 1, value: 0 }]);
    expect(Array.from(rleDecode(fmt, entries, values.length))).toEqual(values);
    expect(rleEncode(fmt, [])).toEqual([]);
    expect(rleEncode(fmt, [0, 0, 0, 0])).toEqual([{ run: 3, value: 0 }]); // exactly one escape
    expect(rleEncode(fmt, [7])).toEqual([{ run: 0, value: 7 }]);
  });

  it('packs whole entries per word, entry 0 in the low bits, value below run, top bits zero', () => {
    // entry = 6 bits; a 16-bit word holds 2 entries, bits 12..15 stay zero
    expect(rleEntriesPerWord(fmt, 16)).toBe(2);
    const words = rlePack(fmt, rleEncode(fmt, [0, 0, 5, 0, 0, 0, 0, 0, -3, 0, 0]), 16);
    // {2,5} = 2<<4 | 5 = 37; {3,0} = 3<<4 = 48: word 0 = 37 | 48<<6 = 3109
    // {1,-3} = 1<<4 | (-3 & 15 = 13) = 29; {1,0} = 16: word 1 = 29 | 16<<6 = 1053
    expect(words).toEqual([3109n, 1053n]);
    expect(rleUnpack(fmt, words, 16, 11)).toEqual(rleEncode(fmt, [0, 0, 5, 0, 0, 0, 0, 0, -3, 0, 0]));
    const size = rleSize(fmt, [0, 0, 5, 0, 0, 0, 0, 0, -3, 0, 0], 16);
    expect(size).toEqual({ values: 11, entries: 4, entryBits: 6, entriesPerWord: 2, bits: 24, words: 2, wordBitsTotal: 32 });
    // an odd entry count leaves the last word's upper entry zero, which the decoder never reads
    expect(rlePack(fmt, [{ run: 0, value: 1 }], 16)).toEqual([1n]);
    expect(rleUnpack(fmt, [1n], 16, 1)).toEqual([{ run: 0, value: 1 }]);
  });

  it(`round-trips random sparse streams through entries and words, sizes agree with a naive count ${seedTag}`, () => {
    const stream = fc.record({
      runBits: fc.integer({ min: 1, max: 6 }),
      valueBits: fc.integer({ min: 2, max: 20 }),
      extraWordBits: fc.integer({ min: 0, max: 70 }),
      density: fc.double({ min: 0, max: 1, noNaN: true }),
      raw: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer()), { maxLength: 300 }),
    });
    fc.assert(
      fc.property(stream, ({ runBits, valueBits, extraWordBits, density, raw }) => {
        const f = { runBits, valueBits };
        const lo = -(2 ** (valueBits - 1));
        const span = 2 ** valueBits;
        const values = raw.map(([u, x]) => (u < density ? lo + (((x % span) + span) % span) : 0));
        const wordBits = runBits + valueBits + extraWordBits;
        const entries = rleEncode(f, values);
        expect(entries.length).toBe(naiveEntryCount(values, runBits));
        expect(rleEntryCount(f, values)).toBe(entries.length);
        entries.forEach((e, i) => {
          expect(e.run).toBeLessThan(2 ** runBits);
          if (e.value === 0 && i < entries.length - 1) expect(e.run).toBe(2 ** runBits - 1); // only escapes and the last entry are zero
        });
        expect(Array.from(rleDecode(f, entries, values.length))).toEqual(values);
        const words = rlePack(f, entries, wordBits);
        expect(words).toEqual(naiveWords(f, entries, wordBits));
        expect(Array.from(rleDecode(f, rleUnpack(f, words, wordBits, values.length), values.length))).toEqual(values);
        const size = rleSize(f, values, wordBits);
        expect(size.words).toBe(words.length);
        expect(size.bits).toBe(entries.length * (runBits + valueBits));
      }),
      fcParams(200),
    );
  });

  it('rejects values, formats, words and streams that break the rules, with sentences', () => {
    expect(() => rleEncode(fmt, [0, 8])).toThrow('RLE stream: value 8 at index 1 does not fit the 4-bit signed value field (-8 .. 7). Widen valueBits or quantize the values.');
    expect(() => rleEncode({ runBits: 0, valueBits: 4 }, [1])).toThrow('RLE stream: runBits must be an integer from 1 to 16, got 0. Pick a width in that range.');
    expect(() => rleEntriesPerWord(fmt, 5)).toThrow(/the bus word must be an integer of at least one entry \(runBits \+ valueBits = 6\) and at most 4096 bits, got 5\. Widen the word/);
    expect(() => rleDecode(fmt, [{ run: 3, value: 1 }], 3)).toThrow("RLE stream: an entry's run of 3 zeros and its value reach past the stream's 3 values.");
    expect(() => rleDecode(fmt, [{ run: 0, value: 1 }], 3)).toThrow('RLE stream: the entries produce 1 values but the stream has 3. The stream is truncated or its length is wrong.');
  });
});
