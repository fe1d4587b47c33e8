/**
 * Memory words (docs/architecture.md section 5): a weight slot {select, weight}, a control word
 * {last, delta}, an activation word of N lanes, an output word of K PE values, and where the RTL
 * writes an output. Field positions come from the layout (contract/layout.ts), so the packer, the
 * generated RTL and the headers read one definition.
 */
import { fromField, placeField, toField } from './bits.ts';
import { controlFields, slotFields, type WordLayout } from './layout.ts';

/** One weight slot, {select, weight}. */
export function packSlot(L: WordLayout, weight: number, select: number): bigint {
  const f = slotFields(L);
  return placeField(select, f.select) | placeField(weight, f.weight);
}

/** One control word, {last, delta}. */
export function packControl(L: WordLayout, delta: number, last: boolean): bigint {
  const f = controlFields(L);
  return placeField(last ? 1 : 0, f.last) | placeField(delta, f.delta);
}

/** One activation word: lane l at [l * activationBits +: activationBits]. */
export function packActivationWord(L: WordLayout, lanes: ArrayLike<number>): bigint {
  let w = 0n;
  for (let l = L.lanes - 1; l >= 0; l--) w = (w << BigInt(L.activationBits)) | toField(lanes[l], L.activationBits);
  return w;
}

/** Where the RTL writes filter output (set s, PE k, window w): tile, output-memory address, PE. */
export function outputLocation(L: WordLayout, s: number, k: number, w: number, windows: number): { tile: number; addr: number; pe: number } {
  return { tile: s % L.tiles, addr: Math.floor(s / L.tiles) * windows + w, pe: k };
}

/** Splits an output-memory word into its K signed PE values. */
export function unpackOutputWord(L: WordLayout, word: bigint): number[] {
  return Array.from({ length: L.filtersPerTile }, (_, k) => fromField(word, k * L.outputBits, L.outputBits));
}
