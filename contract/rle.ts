/**
 * Run-length zero coding: the one definition of the compressed weight stream that the packer writes
 * and the weight-streaming hardware decodes. docs/architecture.md, "Run-length zero coding", is the
 * contract; this module implements it exactly and nothing else defines it.
 *
 * A format is {runBits, valueBits}. An entry {run, value} stands for `run` zeros followed by
 * `value`, so every entry produces run + 1 values, whatever the value is; a decoder needs no special
 * case. Longer zero runs use the escape entry {maxRun, 0} (maxRun = 2^runBits - 1), which produces
 * maxRun + 1 zeros. A stream that ends in r zeros ends with {r - 1, 0}.
 *
 * Entries are packed into bus words of `wordBits` bits, floor(wordBits / entryBits) per word, and
 * never straddle a word: a decoder handles whole entries per beat. Entry e of a word occupies bits
 * [e * entryBits +: entryBits]; inside it the value is at [0 +: valueBits] (two's complement) and
 * the run at [valueBits +: runBits]. The unused top bits of every word, and the unused entries of
 * the last word, are zero. The decoder is told the number of values L of the stream and stops once
 * it has produced L values.
 */
import { fitsSigned, fromField, mask, toField, type Field } from './bits.ts';
import { SparsetileError, showValue } from './errors.ts';

/** Limits of the format's fields, checked by checkRleFormat. */
export const RLE_LIMITS = { runBits: [1, 16], valueBits: [2, 32], wordBits: [2, 4096] } as const;

export interface RleFormat {
  /** Width of the run field: runs of 0 .. 2^runBits - 1 zeros before the value. */
  readonly runBits: number;
  /** Width of the value field, signed two's complement. */
  readonly valueBits: number;
}

export interface RleEntry {
  /** Zeros before the value. */
  readonly run: number;
  /** The value after the zeros; 0 only in an escape entry or the stream's last entry. */
  readonly value: number;
}

/** Size of a stream: entries, bits of the entries back to back, bus words and the bits those words take. */
export interface RleSize {
  readonly values: number;
  readonly entries: number;
  readonly entryBits: number;
  readonly entriesPerWord: number;
  /** entries * entryBits: the payload, without word padding. */
  readonly bits: number;
  /** ceil(entries / entriesPerWord). */
  readonly words: number;
  /** words * wordBits: what crosses the bus. */
  readonly wordBitsTotal: number;
}

const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;

/** Throws a SparsetileError naming `source` unless the format's fields are in range. */
export function checkRleFormat(fmt: RleFormat, source = 'RLE format'): void {
  for (const key of ['runBits', 'valueBits'] as const) {
    const [lo, hi] = RLE_LIMITS[key];
    if (!int(fmt[key], lo, hi)) {
      throw new SparsetileError(`${source}: ${key} must be an integer from ${lo} to ${hi}, got ${showValue(fmt[key])}. Pick a width in that range.`);
    }
  }
}

export const rleEntryBits = (fmt: RleFormat): number => fmt.runBits + fmt.valueBits;

/** The fields of an entry: the value in the low bits, the run above it. */
export const rleEntryFields = (fmt: RleFormat): { readonly value: Field; readonly run: Field } => ({ value: { lsb: 0, bits: fmt.valueBits }, run: { lsb: fmt.valueBits, bits: fmt.runBits } });
export const rleMaxRun = (fmt: RleFormat): number => 2 ** fmt.runBits - 1;

/** Entries per bus word, floor(wordBits / entryBits); throws when not even one entry fits. */
export function rleEntriesPerWord(fmt: RleFormat, wordBits: number, source = 'RLE format'): number {
  checkRleFormat(fmt, source);
  const [lo, hi] = RLE_LIMITS.wordBits;
  const e = rleEntryBits(fmt);
  if (!int(wordBits, lo, hi) || wordBits < e) {
    throw new SparsetileError(
      `${source}: the bus word must be an integer of at least one entry (runBits + valueBits = ${e}) and at most ${hi} bits, got ${showValue(wordBits)}. Widen the word or narrow the run field.`,
    );
  }
  return Math.floor(wordBits / e);
}

/**
 * The encoder, once: walks the values and calls `emit` for every entry in stream order. Checks
 * that every value fits valueBits.
 */
function walk(fmt: RleFormat, values: ArrayLike<number>, source: string, emit: (run: number, value: number) => void): void {
  checkRleFormat(fmt, source);
  const maxRun = rleMaxRun(fmt);
  let run = 0; // zeros seen and not yet emitted
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0) {
      if (run === maxRun) {
        emit(maxRun, 0); // escape: maxRun zeros, then this zero
        run = 0;
      } else {
        run++;
      }
      continue;
    }
    if (!Number.isInteger(v) || !fitsSigned(v, fmt.valueBits)) {
      throw new SparsetileError(
        `${source}: value ${showValue(v)} at index ${i} does not fit the ${fmt.valueBits}-bit signed value field (${-(2 ** (fmt.valueBits - 1))} .. ${2 ** (fmt.valueBits - 1) - 1}). Widen valueBits or quantize the values.`,
      );
    }
    emit(run, v);
    run = 0;
  }
  if (run > 0) emit(run - 1, 0);
}

/** Encodes a stream of signed values; throws when a value does not fit valueBits. */
export function rleEncode(fmt: RleFormat, values: ArrayLike<number>, source = 'RLE stream'): RleEntry[] {
  const out: RleEntry[] = [];
  walk(fmt, values, source, (run, value) => out.push({ run, value }));
  return out;
}

/** The number of entries rleEncode produces, without building them. */
export function rleEntryCount(fmt: RleFormat, values: ArrayLike<number>, source = 'RLE stream'): number {
  let n = 0;
  walk(fmt, values, source, () => n++);
  return n;
}

/** Decodes entries into `length` values; throws when the entries produce a different count. */
export function rleDecode(fmt: RleFormat, entries: readonly RleEntry[], length: number, source = 'RLE stream'): Int32Array {
  const out = new Int32Array(length);
  let pos = 0;
  for (const e of entries) {
    pos += e.run;
    if (pos >= length) {
      throw new SparsetileError(`${source}: an entry's run of ${e.run} zeros and its value reach past the stream's ${length} values. The stream is corrupt or its length is wrong.`);
    }
    out[pos++] = e.value;
  }
  if (pos !== length) {
    throw new SparsetileError(`${source}: the entries produce ${pos} values but the stream has ${length}. The stream is truncated or its length is wrong.`);
  }
  return out;
}

/** Packs entries into bus words, floor(wordBits / entryBits) whole entries per word, entry 0 in the low bits. */
export function rlePack(fmt: RleFormat, entries: readonly RleEntry[], wordBits: number): bigint[] {
  const per = rleEntriesPerWord(fmt, wordBits);
  const eb = BigInt(rleEntryBits(fmt));
  const vb = BigInt(rleEntryFields(fmt).run.lsb);
  const words: bigint[] = [];
  for (let i = 0; i < entries.length; i += per) {
    let w = 0n;
    const n = Math.min(per, entries.length - i);
    for (let j = n - 1; j >= 0; j--) {
      const e = entries[i + j];
      w = (w << eb) | (BigInt(e.run) << vb) | toField(e.value, fmt.valueBits);
    }
    words.push(w);
  }
  return words;
}

/**
 * Reads entries back from bus words, the way the hardware decoder does: every entry slot of every
 * word, stopping once the entries produce `length` values (the rest is padding).
 */
export function rleUnpack(fmt: RleFormat, words: readonly bigint[], wordBits: number, length: number): RleEntry[] {
  const per = rleEntriesPerWord(fmt, wordBits);
  const f = rleEntryFields(fmt);
  const eb = BigInt(rleEntryBits(fmt));
  const vb = BigInt(f.run.lsb);
  const out: RleEntry[] = [];
  let produced = 0;
  for (const word of words) {
    for (let j = 0; j < per && produced < length; j++) {
      const e = word >> (BigInt(j) * eb);
      const run = Number((e >> vb) & mask(fmt.runBits));
      out.push({ run, value: fromField(e, 0, fmt.valueBits) });
      produced += run + 1;
    }
  }
  return out;
}

/** The size of a stream of `values` in entries, payload bits and bus words of `wordBits` bits. */
export function rleSize(fmt: RleFormat, values: ArrayLike<number>, wordBits: number): RleSize {
  return rleSizeOfEntries(fmt, rleEntryCount(fmt, values), values.length, wordBits);
}

/** The same, from an entry count (for totals over several streams that each start a new word). */
export function rleSizeOfEntries(fmt: RleFormat, entries: number, values: number, wordBits: number): RleSize {
  const entriesPerWord = rleEntriesPerWord(fmt, wordBits);
  const entryBits = rleEntryBits(fmt);
  const words = Math.ceil(entries / entriesPerWord);
  return { values, entries, entryBits, entriesPerWord, bits: entries * entryBits, words, wordBitsTotal: words * wordBits };
}
