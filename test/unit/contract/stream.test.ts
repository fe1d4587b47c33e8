/**
 * The weight stream of one set (contract/stream.ts setStream) in both codings. The run-length coded
 * stream is read back by a deliberately naive decoder written from docs/architecture.md sections 5.2
 * and 11 (bit strings, not contract/rle.ts), which must give back the plain records; the beat each
 * record is completed in (recordEnds, what model/timing.ts runs on) is checked against a direct
 * simulation of that decode, beat by beat. Bad weightStream options are refused with sentences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseBaseline, resolveConfig, withWeightStream, type ResolvedConfig } from '../../../contract/config.ts';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { headerRecord, plainRecordEnds, recordBeats, rowRecord, setStream } from '../../../contract/stream.ts';
import { packSetRows } from '../../../model/memory-images.ts';
import { mulberry32 } from '../../../model/random.ts';
import type { SetSchedule } from '../../../model/types.ts';
import { loadConfig } from '../../../tools/configs.ts';
import { checkBuildable } from '../../../generators/limits.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

const tiny = loadConfig('tiny');
const tinyRle = loadConfig('tiny-rle');
const variant = (over: Record<string, unknown>, name: string): ResolvedConfig => resolveConfig({ ...tiny.input, ...over, name }, name);
/** Coded configurations of different shapes: 1- to 3-bit runs, 32- to 128-bit beats, both bankings, a 1-entry beat. */
const CODED: readonly ResolvedConfig[] = [
  tinyRle,
  variant({ filtersPerTile: 4, weightStream: { coding: 'rle', runBits: 1 } }, 'r1'),
  variant({ lanes: 8, filtersPerTile: 8, axi: { ...tiny.input.axi, dataBits: 128 }, weightStream: { coding: 'rle', runBits: 2 } }, 'w128'),
  variant({ filtersPerTile: 4, axi: { ...tiny.input.axi, dataBits: 32 }, memory: { ...tiny.input.memory, weightBanking: 'per-lane', weightDepth: 64 }, weightStream: { coding: 'rle', runBits: 3 } }, 'w32'),
];

/** Bits of a list of words of `w` bits as one string, bit i of the stream at index i. */
const bitString = (words: readonly bigint[], w: number) => words.map((x) => x.toString(2).padStart(w, '0').split('').reverse().join('')).join('');
const num = (bits: string) => (bits.length === 0 ? 0 : parseInt(bits.split('').reverse().join(''), 2));
const signed = (bits: string) => {
  const u = num(bits);
  return bits[bits.length - 1] === '1' ? u - 2 ** bits.length : u;
};

interface NaiveDecode {
  readonly rows: number;
  readonly chanBase: number;
  /** Row i's record: its K*N slots (stream order) and its control word. */
  readonly records: { slots: number[]; control: number }[];
  /** For each record (header first), the beat of the set that completes it. */
  readonly ends: number[];
}

/** Section 5.2 and 11 read literally: header bits, then entries of E bits, P per beat, until L slots. */
function naiveDecode(cfg: ResolvedConfig, beats: readonly bigint[]): NaiveDecode {
  if (cfg.weightStream.coding !== 'rle') throw new Error('test: coded configurations only');
  const W = cfg.axi.dataBits;
  const KN = cfg.filtersPerTile * cfg.lanes;
  const R = cfg.weightStream.format.runBits;
  const V = cfg.slotBits;
  const E = R + V;
  const P = Math.floor(W / E);
  const first = bitString(beats.slice(0, 1), W);
  const rows = num(first.slice(0, 16));
  const chanBase = num(first.slice(16, 32));
  const hb = Math.ceil((32 + rows * cfg.controlBits) / W);
  const head = bitString(beats.slice(0, hb), W);
  const controls = Array.from({ length: rows }, (_, i) => num(head.slice(32 + i * cfg.controlBits, 32 + (i + 1) * cfg.controlBits)));
  const slots: number[] = [];
  const ends = [hb - 1];
  for (let b = hb; b < beats.length && slots.length < rows * KN; b++) {
    const word = bitString([beats[b]], W);
    for (let j = 0; j < P && slots.length < rows * KN; j++) {
      const entry = word.slice(j * E, (j + 1) * E);
      const run = num(entry.slice(V));
      for (let z = 0; z < run; z++) slots.push(0);
      slots.push(signed(entry.slice(0, V)));
    }
    while (ends.length <= rows && slots.length >= ends.length * KN) ends.push(b);
  }
  if (slots.length !== rows * KN) throw new Error(`test: the stream decodes to ${slots.length} slots, not ${rows * KN}`);
  return { rows, chanBase, records: controls.map((control, i) => ({ slots: slots.slice(i * KN, (i + 1) * KN), control })), ends };
}

/** A random set of `rows` rows: each weight zero with probability `zeros`, some rows all zero. */
function randomSet(cfg: ResolvedConfig, seed: number, rows: number, zeros: number): SetSchedule {
  const rng = mulberry32(seed);
  const KN = cfg.filtersPerTile * cfg.lanes;
  const half = 2 ** (cfg.weightBits - 1);
  let step = -1;
  return {
    filters: Array.from({ length: cfg.filtersPerTile }, (_, k) => k),
    rows: Array.from({ length: rows }, () => {
      step += 1 + Math.floor(rng.next() * (cfg.lookahead + 1));
      const empty = rng.next() < 0.2;
      const weights = new Int32Array(KN).map(() => (empty || rng.next() < zeros ? 0 : (Math.floor(rng.next() * (2 * half - 1)) - half + 1) || 1));
      const selects = new Uint8Array(KN).map((_, j) => (weights[j] === 0 ? 0 : Math.floor(rng.next() * cfg.muxInputs)));
      return { step, weights, selects };
    }),
  };
}

const slotsOf = (cfg: ResolvedConfig, record: bigint) => {
  const bits = bitString([record], cfg.recordBeats * cfg.axi.dataBits);
  return Array.from({ length: cfg.filtersPerTile * cfg.lanes }, (_, j) => signed(bits.slice(j * cfg.slotBits, (j + 1) * cfg.slotBits)));
};

describe('setStream', () => {
  it('plain coding: the header record, then every row record, recordBeats beats each', () => {
    const set = randomSet(tiny, 3, 5, 0.5);
    const rows = packSetRows(layoutFromConfig(tiny), set, 2, 4, 1, 'tiny');
    const st = setStream(tiny, 2, rows.banks.map((banks, i) => ({ banks, control: rows.controls[i] })));
    const want = [headerRecord(5, 2), ...rows.banks.map((b, i) => rowRecord(tiny, b, rows.controls[i]))].flatMap((r) => recordBeats(tiny, r));
    expect(st.beats).toEqual(want);
    expect(st.recordEnds).toEqual([1, 3, 5, 7, 9, 11]);
    expect(plainRecordEnds(2, 5)).toEqual(st.recordEnds);
  });

  it(`run-length coding: a naive decode gives back every plain record, and each record ends in the beat recordEnds names ${seedTag}`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CODED.length - 1 }), fc.integer(), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (c, seed, nRows, zeros) => {
        const cfg = CODED[c];
        const K = cfg.filtersPerTile;
        const rows = packSetRows(layoutFromConfig(cfg), randomSet(cfg, seed, Math.min(nRows, cfg.weightDepth - 1), zeros), K, cfg.lanes, 3, cfg.name);
        const st = setStream(cfg, 3 * K, rows.banks.map((banks, i) => ({ banks, control: rows.controls[i] })));
        const got = naiveDecode(cfg, st.beats);
        expect(got.rows).toBe(rows.banks.length);
        expect(got.chanBase).toBe(3 * K);
        got.records.forEach((r, i) => {
          const plain = rowRecord(cfg, rows.banks[i], rows.controls[i]);
          expect(r.slots).toEqual(slotsOf(cfg, plain));
          expect(BigInt(r.control)).toBe(rows.controls[i]);
        });
        expect(st.recordEnds).toEqual(got.ends);
        // the set's stream ends with its last record's beat; at most one record per beat
        expect(st.recordEnds[st.recordEnds.length - 1]).toBe(st.beats.length - 1);
        expect(new Set(st.recordEnds).size).toBe(st.recordEnds.length);
      }),
      fcParams(300),
    );
  });

  it('long zero runs: escapes, an all-zero set and a set whose rows straddle beats', () => {
    const cfg = tinyRle;
    const KN = 16;
    const set: SetSchedule = {
      filters: [0, 1, 2, 3],
      rows: [0, 1, 2].map((step) => ({ step, weights: new Int32Array(KN), selects: new Uint8Array(KN) })),
    };
    set.rows[2].weights[15] = -3; // 47 zeros before it: 11 escapes {3, 0} and {3, slot 0x0fd}
    const rows = packSetRows(layoutFromConfig(cfg), set, 4, 4, 0, 'tiny-rle');
    const st = setStream(cfg, 0, rows.banks.map((banks, i) => ({ banks, control: rows.controls[i] })));
    // header: 32 + 3 x 3 bits, one beat; 12 entries, 4 a beat: rows end with entries 3, 7 and 11
    expect(st.recordEnds).toEqual([0, 1, 2, 3]);
    expect(st.beats.length).toBe(4);
    const esc = (3n << 11n);
    expect(st.beats[1]).toBe(esc | (esc << 13n) | (esc << 26n) | (esc << 39n));
    expect(st.beats[3] >> 39n).toBe((3n << 11n) | 0x0fdn); // select 0, weight -3 in 8 bits
    // an all-zero set (one empty row): four {3, 0} entries, one beat
    const empty = packSetRows(layoutFromConfig(cfg), { filters: [0, 1, 2, 3], rows: [] }, 4, 4, 0, 'tiny-rle');
    const z = setStream(cfg, 0, empty.banks.map((banks, i) => ({ banks, control: empty.controls[i] })));
    expect(z.recordEnds).toEqual([0, 1]);
    expect(naiveDecode(cfg, z.beats).records).toEqual([{ slots: new Array(KN).fill(0), control: 5 }]);
  });
});

describe('weightStream option', () => {
  const bad = (ws: unknown, over: Record<string, unknown> = {}) => () => resolveConfig({ ...tiny.input, ...over, weightStream: ws }, 'configs/x.json');
  it('defaults to plain records and leaves the configuration hash alone', () => {
    expect(tiny.weightStream).toEqual({ coding: 'none' });
    expect(resolveConfig({ ...tiny.input, weightStream: { coding: 'none' } }).weightStream).toEqual({ coding: 'none' });
    expect(tinyRle.weightStream).toEqual({ coding: 'rle', format: { runBits: 2, valueBits: 11 }, entryBits: 13, entriesPerBeat: 4, maxRun: 3 });
    // the dense baseline's narrower slots would fit more entries a beat than a row holds: it fetches plain records
    expect(denseBaseline(tinyRle).weightStream).toEqual({ coding: 'none' });
    expect(withWeightStream(tinyRle, { coding: 'none' })).toMatchObject({ name: 'tiny-rle-plain', weightStream: { coding: 'none' }, filtersPerTile: 4 });
  });

  it('refuses a run field whose beat could complete more than one row, naming the fix', () => {
    expect(bad({ coding: 'rle', runBits: 2 })).toThrow(
      /^configs\/x\.json: field "weightStream\.runBits" = 2 lets one AXI beat \(4 entries of up to 2\^runBits = 4 slots\) produce 16 slots, more than a row's filtersPerTile x lanes = 8; the decoder completes at most one row per beat\. No run field fits: make rows wider \(filtersPerTile x lanes at least 10\) or narrow axi\.dataBits\.$/,
    );
    expect(bad({ coding: 'rle', runBits: 3 }, { filtersPerTile: 4 })).toThrow(/produce 32 slots, more than a row's filtersPerTile x lanes = 16; .* Use runBits 2 or less\.$/);
  });

  it('refuses an entry wider than a beat', () => {
    expect(bad({ coding: 'rle', runBits: 16 }, { weightBits: 16, filtersPerTile: 64, accumulatorBits: 40, axi: { ...tiny.input.axi, dataBits: 32 } })).toThrow(
      /^configs\/x\.json: field "weightStream\.runBits" makes a run-length entry runBits \+ slotBits = 16 \+ 19 = 35 bits, wider than an AXI beat \(axi\.dataBits 32\); an entry never straddles a beat\. Narrow the run field or widen axi\.dataBits\.$/,
    );
  });

  it('is refused by the generator when the decoder\'s header register would be too large (the golden model runs it)', () => {
    const big = variant({ filtersPerTile: 4, memory: { ...tiny.input.memory, weightDepth: 4096 }, weightStream: { coding: 'rle', runBits: 1 } }, 'big');
    expect(() => checkBuildable(big)).toThrow(
      /^configuration "big": field "memory\.weightDepth" = 4096 with a run-length coded weight stream needs a set-header register of 32 \+ \(weightDepth - 1\) x controlBits = 12317 bits \(every row's control word\), more than the 8192 the generator builds\. Lower memory\.weightDepth or use \{"coding": "none"\}\.$/,
    );
    expect(() => checkBuildable(tinyRle)).not.toThrow();
  });

  it('refuses an unknown coding and a run field out of range through the schema', () => {
    const union = 'field "weightStream" must be {"coding":"none"} or {"coding":"rle","runBits":r} (how the weight stream is coded, section 5.2)';
    expect(bad({ coding: 'lz4' })).toThrow(`configs/x.json: ${union}, got {"coding":"lz4"}.`);
    expect(bad({ coding: 'rle' })).toThrow(`configs/x.json: ${union}, got {"coding":"rle"}.`);
    expect(bad({ coding: 'rle', runBits: 0 })).toThrow(
      'configs/x.json: field "weightStream.runBits" must be an integer from 1 to 16 (run field of a run-length entry (docs/architecture.md section 11)), got 0.',
    );
  });
});
