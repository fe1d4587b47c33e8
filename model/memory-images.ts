/**
 * The memory images of one job (docs/architecture.md section 5): the golden model's schedule and
 * lowered activations turned into the words the RTL reads, and the CSR values it is started with
 * (section 9). Field positions come from a WordLayout (contract/layout.ts); the capacity rules from
 * contract/capacity.ts.
 */
import { fitsSigned } from '../contract/bits.ts';
import { capacity } from '../contract/capacity.ts';
import { SparsetileError } from '../contract/errors.ts';
import type { WordLayout } from '../contract/layout.ts';
import { packActivationWord, packControl, packSlot } from '../contract/words.ts';
import type { SetSchedule } from './types.ts';

/** The parts of the golden model's LoweredJob the packer reads. */
export interface PackJob {
  /** Dense steps per output position. */
  readonly S: number;
  readonly N: number;
  /** Wn, output positions. */
  readonly windows: number;
  /** Lowered activation rows, [windows][S][N]. */
  readonly acts: Int32Array;
}

export interface PackSchedule {
  /** Sets in global order: set s runs on tile s mod T as local set floor(s / T). */
  readonly sets: readonly SetSchedule[];
}

/** Everything the testbench needs for one job. */
export interface MemoryImages {
  /** [tile][bank][addr]: banks 0..weightDataBanks-1 are data, bank weightDataBanks is control. Only used rows are listed. */
  readonly weights: bigint[][][];
  /** [bank][addr], the same for every tile. Wn * Qw words per bank. */
  readonly acts: bigint[][];
  readonly csr: {
    readonly windows: number;
    readonly winStride: number;
    /** TILE_SETS[t] for every tile. */
    readonly tileSets: number[];
  };
  /** rowsHw of each global set. */
  readonly rowsHw: number[];
  /** First weight-memory row of each global set in its tile. */
  readonly rowBase: number[];
}

/**
 * Packs one job. Throws a SparsetileError naming the rule when the job does not fit the memories
 * (the capacity rules of section 5) or a value does not fit its field.
 */
export function packJob(L: WordLayout, job: PackJob, sched: PackSchedule, cfgName = 'config'): MemoryImages {
  const { tiles: T, filtersPerTile: K, lanes: N, lookahead: h } = L;
  if (job.N !== N) throw new SparsetileError(`The job was lowered for ${job.N} lanes but configuration "${cfgName}" has ${N}. Lower it with N = ${N}.`);
  const S = job.S;
  const Wn = job.windows;
  const nSets = sched.sets.length;
  const fit = capacity(L, { S, windows: Wn, rowsPerSet: sched.sets.map((set) => set.rows.length) }, cfgName);
  if (fit.problem !== null) throw new SparsetileError(fit.problem);
  const { Qw, tileSets } = fit;

  // Weight memory: each tile's local sets one after the other.
  const weights: bigint[][][] = Array.from({ length: T }, () => Array.from({ length: L.weightDataBanks + 1 }, () => [] as bigint[]));
  const rowsHw: number[] = [];
  const rowBase: number[] = [];
  for (let s = 0; s < nSets; s++) {
    const set = sched.sets[s];
    const tile = weights[s % T];
    const base = tile[0].length;
    rowBase.push(base);
    const rows = set.rows.length > 0 ? set.rows : [{ step: 0, weights: new Int32Array(K * N), selects: new Uint8Array(K * N) }];
    rowsHw.push(rows.length);
    let prev = -1;
    rows.forEach((row, i) => {
      const delta = row.step - prev;
      if (delta < 1 || delta > h + 1) {
        throw new SparsetileError(
          `Set ${s} row ${i} is at step ${row.step} after step ${prev}: a row's step must advance by 1 to h+1 = ${h + 1} (docs/architecture.md section 4, legality), so it cannot be encoded in the ${L.deltaBits}-bit delta field. The scheduler produced an illegal schedule.`,
        );
      }
      prev = row.step;
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
          if (L.weightBanking === 'per-lane') tile[k * N + l].push(slot);
          else word = (word << BigInt(L.slotBits)) | slot;
        }
        if (L.weightBanking === 'per-pe') tile[k].push(word);
      }
      tile[L.weightDataBanks].push(packControl(L, delta, i === rows.length - 1));
    });
  }

  // Activation memory: lowered row (w, t) in bank t mod (h+1) at w*Qw + floor(t/(h+1)).
  const B = h + 1;
  const acts: bigint[][] = Array.from({ length: B }, () => new Array<bigint>(Wn * Qw).fill(0n));
  const lanes = new Int32Array(N);
  for (let w = 0; w < Wn; w++) {
    for (let t = 0; t < S; t++) {
      const off = (w * S + t) * N;
      for (let l = 0; l < N; l++) {
        const v = job.acts[off + l];
        if (!fitsSigned(v, L.activationBits)) {
          throw new SparsetileError(`Window ${w} step ${t} lane ${l} holds activation ${v}, which does not fit the ${L.activationBits}-bit signed activation field of configuration "${cfgName}". Quantize the activations to ${L.activationBits} bits.`);
        }
        lanes[l] = v;
      }
      acts[t % B][w * Qw + Math.floor(t / B)] = packActivationWord(L, lanes);
    }
  }

  return { weights, acts, csr: { windows: Wn, winStride: Qw, tileSets }, rowsHw, rowBase };
}
