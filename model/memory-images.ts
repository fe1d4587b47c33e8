/**
 * The weight-memory rows of a set (docs/architecture.md section 5): the golden model's schedule
 * turned into the bank words and control words the RTL reads, the records of its weight stream
 * (model/program.ts lays out the streams and the feature maps). Field positions come from a
 * WordLayout (contract/layout.ts).
 */
import { fitsSigned } from '../contract/bits.ts';
import { SparsetileError } from '../contract/errors.ts';
import type { WordLayout } from '../contract/layout.ts';
import { packControl, packSlot } from '../contract/words.ts';
import type { ResolvedConfig } from '../contract/config.ts';
import { setStream, type SetStream } from '../contract/stream.ts';
import type { SetSchedule } from './types.ts';

/**
 * The hardware rows of one set (section 5): every row's data-bank words and its control word. A set
 * without rows runs one all-zero row at step 0 (rowsHw = 1). Throws a SparsetileError when a value
 * does not fit its field or a step does not advance by 1..h+1.
 */
export function packSetRows(L: WordLayout, set: SetSchedule, K: number, N: number, s: number, cfgName: string): { banks: bigint[][]; controls: bigint[]; steps: number[] } {
  const h = L.lookahead;
  const rows = set.rows.length > 0 ? set.rows : [{ step: 0, weights: new Int32Array(K * N), selects: new Uint8Array(K * N) }];
  const banks: bigint[][] = [];
  const controls: bigint[] = [];
  let prev = -1;
  rows.forEach((row, i) => {
    const delta = row.step - prev;
    if (delta < 1 || delta > h + 1) {
      throw new SparsetileError(
        `Set ${s} row ${i} is at step ${row.step} after step ${prev}: a row's step must advance by 1 to h+1 = ${h + 1} (docs/architecture.md section 4, legality), so it cannot be encoded in the ${L.deltaBits}-bit delta field. The scheduler produced an illegal schedule.`,
      );
    }
    prev = row.step;
    const words = new Array<bigint>(L.weightDataBanks).fill(0n);
    for (let k = 0; k < K; k++) {
      let word = 0n;
      for (let l = N - 1; l >= 0; l--) {
        const v = row.weights[k * N + l];
        const c = row.selects[k * N + l];
        if (!fitsSigned(v, L.weightBits)) {
          throw new SparsetileError(`Set ${s} row ${i} PE ${k} lane ${l} holds weight ${v}, which does not fit the ${L.weightBits}-bit signed weight field of configuration "${cfgName}". Quantize the weights to ${L.weightBits} bits.`);
        }
        if (c >= L.muxInputs) {
          throw new SparsetileError(`Set ${s} row ${i} PE ${k} lane ${l} has select code ${c}, but configuration "${cfgName}" has only ${L.muxInputs} mux inputs. The schedule was made for another pattern.`);
        }
        const slot = packSlot(L, v, c);
        if (L.weightBanking === 'per-lane') words[k * N + l] = slot;
        else word = (word << BigInt(L.slotBits)) | slot;
      }
      if (L.weightBanking === 'per-pe') words[k] = word;
    }
    banks.push(words);
    controls.push(packControl(L, delta, i === rows.length - 1));
  });
  return { banks, controls, steps: rows.map((r) => r.step) };
}

/** Set s's part of its tile's weight stream (contract/stream.ts, in cfg's coding), with the steps of its hardware rows. */
export function packSetStream(cfg: ResolvedConfig, L: WordLayout, set: SetSchedule, s: number): SetStream & { readonly steps: readonly number[] } {
  const K = cfg.filtersPerTile;
  const rows = packSetRows(L, set, K, cfg.lanes, s, cfg.name);
  return { ...setStream(cfg, s * K, rows.banks.map((banks, i) => ({ banks, control: rows.controls[i] }))), steps: rows.steps };
}
