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
 */
import type { Field } from './bits.ts';
import { mask, placeField } from './bits.ts';
import type { ResolvedConfig } from './config.ts';

export const HEADER_FIELDS: { readonly rows: Field; readonly chanBase: Field } = { rows: { lsb: 0, bits: 16 }, chanBase: { lsb: 16, bits: 16 } };

/** A set header record. */
export function headerRecord(rows: number, chanBase: number): bigint {
  return placeField(rows, HEADER_FIELDS.rows) | placeField(chanBase, HEADER_FIELDS.chanBase);
}

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
