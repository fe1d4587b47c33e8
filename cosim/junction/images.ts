/**
 * Memory images of a junction-chain job (docs/junction.md section 9), as $readmemh files keyed by
 * name: per junction i and bank m the weights (j<i>_w_b<m>.hex: row c holds edge c*z + m) and the
 * pattern (j<i>_p_b<m>.hex: {last, first, row, sel} of bank/lane m in cycle c); per bank the inputs
 * (in_b<b>.hex) and the targets (tg_b<b>.hex) in the layer layout of contract/junction.ts layerSlot.
 * And the inverse: the words the testbench read back, decoded into the model's shapes.
 */
import { fromField, hexFile, placeField, toField } from '../../contract/bits.ts';
import { layerSlot, type ResolvedJunctionConfig, type ResolvedLayer } from '../../contract/junction.ts';
import type { JunctionPattern } from '../../model/junction/pattern.ts';

/** Words of a layer's memory for `vectors` (input n, neuron u), bank by bank; `depth` words per bank. */
function layerWords(layer: ResolvedLayer, vectors: readonly ArrayLike<number>[], bits: number, depth: number): bigint[][] {
  const banks = Array.from({ length: layer.banks }, () => new Array<bigint>(depth).fill(0n));
  vectors.forEach((v, n) => {
    for (let u = 0; u < layer.width; u++) {
      const { bank, row } = layerSlot(layer, n, u);
      banks[bank][row] = toField(v[u], bits);
    }
  });
  return banks;
}

export function junctionImages(
  cfg: ResolvedJunctionConfig,
  patterns: readonly JunctionPattern[],
  weights: readonly ArrayLike<number>[],
  inputs: readonly ArrayLike<number>[],
  targets: readonly ArrayLike<number>[] | undefined,
): Map<string, string> {
  const files = new Map<string, string>();
  cfg.junctions.forEach((j, i) => {
    const z = j.parallelism;
    const f = j.patternFields;
    const p = patterns[i];
    for (let m = 0; m < z; m++) {
      const w: bigint[] = [];
      const pat: bigint[] = [];
      for (let c = 0; c < j.cycles; c++) {
        const e = c * z + m;
        w.push(toField(weights[i][e], cfg.weightBits));
        pat.push(placeField(p.sel[e], f.sel) | placeField(p.row[e], f.row) | placeField(p.first[e], f.first) | placeField(p.last[e], f.last));
      }
      files.set(`j${i}_w_b${m}.hex`, hexFile(w, cfg.weightBits));
      files.set(`j${i}_p_b${m}.hex`, hexFile(pat, j.patternBits));
    }
  });
  const L0 = cfg.layers[0];
  const LJ = cfg.layers[cfg.depth];
  layerWords(L0, inputs, cfg.activationBits, L0.ioDepth).forEach((words, b) => files.set(`in_b${b}.hex`, hexFile(words, cfg.activationBits)));
  layerWords(LJ, targets ?? [], cfg.activationBits, LJ.ioDepth).forEach((words, b) => files.set(`tg_b${b}.hex`, hexFile(words, cfg.activationBits)));
  return files;
}

/** A word read back (hex, zero-extended by the APB) as the signed value of its field; a string when it has X or Z bits or is missing. */
export function readBack(hex: string | undefined, bits: number): number | string {
  if (hex === undefined) return 'nothing (the testbench did not read it)';
  if (!/^[0-9a-f]+$/i.test(hex)) return `${hex} (X or Z bits)`;
  return fromField(BigInt(`0x${hex}`), 0, bits);
}

/** The read-back of a layer memory (OUTPUT or DELTA0) as [input][neuron]. */
export function layerReadBack(layer: ResolvedLayer, words: ReadonlyMap<string, string>, inputs: number, bits: number): (number | string)[][] {
  return Array.from({ length: inputs }, (_, n) =>
    Array.from({ length: layer.width }, (_, u) => {
      const { bank, row } = layerSlot(layer, n, u);
      return readBack(words.get(`${bank},${row}`), bits);
    }),
  );
}

/** The read-back of junction i's weights in edge order. */
export function weightReadBack(cfg: ResolvedJunctionConfig, i: number, words: ReadonlyMap<string, string>): (number | string)[] {
  const j = cfg.junctions[i];
  return Array.from({ length: j.edges }, (_, e) => readBack(words.get(`${i},${e % j.parallelism},${Math.floor(e / j.parallelism)}`), cfg.weightBits));
}
