/**
 * Bit arithmetic that every layer needs, defined once: widths of counters and index fields, the
 * non-negative modulo of lane rotation, and little-endian bit fields (docs/architecture.md section 5:
 * field i of width w occupies bits [i*w +: w]; values are two's complement in their field).
 */

/** ceil(log2 n), 0 for n <= 1: the address width of a memory of n words. */
export function clog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

/** W(x) = max(1, ceil(log2 x)): an index field for x values, 1 bit wide when x is 1 (section 9). */
export function indexBits(count: number): number {
  return Math.max(1, clog2(count));
}

/** x mod n in 0..n-1 for any integer x (lookaside offsets are negative). */
export function mod(x: number, n: number): number {
  return ((x % n) + n) % n;
}

/** A bit field of a memory word: `bits` bits starting at bit `lsb`. */
export interface Field {
  readonly lsb: number;
  readonly bits: number;
}

export const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** Two's complement of `v` in a field of `bits` bits, as an unsigned bigint. */
export function toField(v: number, bits: number): bigint {
  return BigInt(v) & mask(bits);
}

/** Reads a signed field of `bits` bits at bit `lsb`. */
export function fromField(word: bigint, lsb: number, bits: number): number {
  const raw = (word >> BigInt(lsb)) & mask(bits);
  const sign = 1n << BigInt(bits - 1);
  return Number(raw & sign ? raw - (1n << BigInt(bits)) : raw);
}

/** Places a value (two's complement, masked to the field) at its field's position. */
export function placeField(v: number | bigint, f: Field): bigint {
  return (BigInt(v) & mask(f.bits)) << BigInt(f.lsb);
}

/** True when `v` fits a signed field of `bits` bits. */
export function fitsSigned(v: number, bits: number): boolean {
  return v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
}

/** Hex digits of a word of `bits` bits, as $readmemh reads it. */
export function hexDigits(bits: number): number {
  return Math.max(1, Math.ceil(bits / 4));
}

/** A $readmemh file: one word per line, address 0 first, padded to `depth` words with zeros when given. */
export function hexFile(words: readonly bigint[], bits: number, depth?: number): string {
  const d = hexDigits(bits);
  const n = depth ?? words.length;
  const zero = '0'.repeat(d);
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = i < words.length ? words[i].toString(16).padStart(d, '0') : zero;
  return lines.join('\n') + '\n';
}
