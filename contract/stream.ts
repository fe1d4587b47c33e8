/**
 * The weight stream (docs/architecture.md section 5): what a tile's AXI4 read master fetches. A
 * tile's stream for one layer is its sets in run order; a set is a header record followed by its
 * rows, each row one record. A record is recordBeats AXI beats, little-endian (bit i of the record is
 * bit i mod dataBits of beat floor(i / dataBits)); beat j of a stream is at byte streamAddr + j *
 * beatBytes.
 *
 * A row record is the weight-memory row: data bank b at [b * weightBankWidth +: weightBankWidth],
 * the control word {last, delta} at [weightDataBanks * weightBankWidth +: controlBits], zeros above.
 * A header record holds the set's rows (>= 1) and its output channel base (PE k writes output
 * channel position base + k).
 *
 * With run-length coding (weightStream.coding "rle", section 11) a set is instead a header of
 * rleHeaderBeats(rows) beats, which also carries every row's control word (row i's at
 * [HEADER_CONTROL_LSB + i * controlBits +: controlBits]), followed by the set's slot stream (rows in
 * order, slot j = k * N + l of each) coded by contract/rle.ts with W = dataBits, starting on a new
 * beat. Either way setStream returns the beats and, for each record (the header, then the rows), the
 * beat of the set that completes it: the beat in whose cycle the fetcher writes it.
 */
import type { Field } from './bits.ts';
import { fromField, mask, placeField } from './bits.ts';
import type { ResolvedConfig } from './config.ts';
import { rleEncode, rlePack } from './rle.ts';

export const HEADER_FIELDS: { readonly rows: Field; readonly chanBase: Field } = { rows: { lsb: 0, bits: 16 }, chanBase: { lsb: 16, bits: 16 } };

/** A set header record. */
export function headerRecord(rows: number, chanBase: number): bigint {
  return placeField(rows, HEADER_FIELDS.rows) | placeField(chanBase, HEADER_FIELDS.chanBase);
}

/** Where row 0's control word starts in a run-length coded set's header. */
export const HEADER_CONTROL_LSB = 32;

/** Beats of a run-length coded set's header: {rows, chanBase} and the rows' control words. */
export const rleHeaderBeats = (rows: number, controlBits: number, dataBits: number): number => Math.ceil((HEADER_CONTROL_LSB + rows * controlBits) / dataBits);

/** Bit position of the control word in a row record. */
export const controlOffset = (cfg: Pick<ResolvedConfig, 'weightDataBanks' | 'weightBankWidth'>): number => cfg.weightDataBanks * cfg.weightBankWidth;

/** A row record from the row's bank words (data banks, then the control bank), as the packer builds them. */
export function rowRecord(cfg: Pick<ResolvedConfig, 'weightDataBanks' | 'weightBankWidth'>, bankWords: readonly bigint[], control: bigint): bigint {
  let r = 0n;
  for (let b = bankWords.length - 1; b >= 0; b--) r = (r << BigInt(cfg.weightBankWidth)) | bankWords[b];
  return r | (control << BigInt(controlOffset(cfg)));
}

/** The beats of a record. */
export function recordBeats(cfg: Pick<ResolvedConfig, 'recordBeats' | 'axi'>, record: bigint): bigint[] {
  const w = BigInt(cfg.axi.dataBits);
  return Array.from({ length: cfg.recordBeats }, (_, i) => (record >> (BigInt(i) * w)) & mask(cfg.axi.dataBits));
}

/** A set's part of a weight stream: its beats, and for each record (header first) the beat that completes it. */
export interface SetStream {
  readonly beats: readonly bigint[];
  readonly recordEnds: readonly number[];
}

/** Record ends of a plain set of `rows` rows: record j ends with its recordBeats-th beat. */
export const plainRecordEnds = (recordBeats: number, rows: number): number[] => Array.from({ length: rows + 1 }, (_, j) => (j + 1) * recordBeats - 1);

type StreamConfig = Pick<ResolvedConfig, 'weightDataBanks' | 'weightBankWidth' | 'recordBeats' | 'axi' | 'weightStream' | 'filtersPerTile' | 'lanes' | 'slotBits' | 'controlBits'>;

/**
 * The stream of one set from its rows (bank words and control word each, as packSetRows builds them),
 * in the configuration's coding.
 */
export function setStream(cfg: StreamConfig, chanBase: number, rows: readonly { readonly banks: readonly bigint[]; readonly control: bigint }[]): SetStream {
  const ws = cfg.weightStream;
  if (ws.coding === 'none') {
    const beats = [headerRecord(rows.length, chanBase), ...rows.map((r) => rowRecord(cfg, r.banks, r.control))].flatMap((r) => recordBeats(cfg, r));
    return { beats, recordEnds: plainRecordEnds(cfg.recordBeats, rows.length) };
  }
  const W = cfg.axi.dataBits;
  const KN = cfg.filtersPerTile * cfg.lanes;
  let header = headerRecord(rows.length, chanBase);
  rows.forEach((r, i) => (header |= placeField(r.control, { lsb: HEADER_CONTROL_LSB + i * cfg.controlBits, bits: cfg.controlBits })));
  const hb = rleHeaderBeats(rows.length, cfg.controlBits, W);
  const values = new Int32Array(rows.length * KN);
  rows.forEach((r, i) => {
    const data = rowRecord(cfg, r.banks, 0n);
    for (let j = 0; j < KN; j++) values[i * KN + j] = fromField(data, j * cfg.slotBits, cfg.slotBits);
  });
  const entries = rleEncode(ws.format, values, 'weight stream');
  const words = rlePack(ws.format, entries, W);
  // Row i is complete with the entry that brings the values produced to (i + 1) * KN.
  const recordEnds = [hb - 1];
  let produced = 0;
  entries.forEach((e, n) => {
    produced += e.run + 1;
    if (produced >= (recordEnds.length) * KN) {
      const beat = hb + Math.floor(n / ws.entriesPerBeat);
      if (beat === recordEnds[recordEnds.length - 1]) throw new Error('internal: two weight-stream records complete in one beat');
      recordEnds.push(beat);
    }
  });
  if (recordEnds.length !== rows.length + 1) throw new Error('internal: the slot stream does not complete every row');
  const beats = Array.from({ length: hb }, (_, i) => (header >> BigInt(i * W)) & mask(W));
  return { beats: [...beats, ...words], recordEnds };
}
