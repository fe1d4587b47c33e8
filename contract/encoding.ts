/**
 * Memory-image encoding: the one module that turns a job's schedule and lowered activations into
 * the words the RTL reads (docs/architecture.md section 5), the CSR values it is started with
 * (section 9), and that turns the words it writes back into numbers.
 *
 * Field positions come from a `WordLayout`. The co-simulation harness builds it from the generated
 * `<name>.params.ts` (layoutFromParams), which asserts that every constant the generator baked into
 * the RTL agrees with the ResolvedConfig, so a generator that drifts from the contract fails here,
 * by name, instead of as a wall of mismatching outputs. Unit tests build it from the config alone
 * (layoutFromConfig).
 */
import type { ResolvedConfig } from './config.ts';
import { SparsetileError } from './errors.ts';
import type { SetSchedule } from '../model/types.ts';

/** CSR word addresses, section 9. */
export const CSR = { STATUS: 0x00, WINDOWS: 0x01, WIN_STRIDE: 0x02, CYCLES: 0x03, TILE_SETS_BASE: 0x10 } as const;

/** Field positions and sizes of every memory word. */
export interface WordLayout {
  readonly lanes: number;
  readonly filtersPerTile: number;
  readonly tiles: number;
  readonly weightBits: number;
  readonly selectBits: number;
  readonly slotBits: number;
  readonly deltaBits: number;
  readonly controlBits: number;
  readonly activationBits: number;
  readonly outputBits: number;
  readonly weightBanking: 'per-pe' | 'per-lane';
  readonly weightDataBanks: number;
  readonly weightBankWidth: number;
  readonly weightDepth: number;
  readonly activationBanks: number;
  readonly activationBankWidth: number;
  readonly activationBankDepth: number;
  readonly outputDepth: number;
  readonly lookahead: number;
  readonly muxInputs: number;
}

export function layoutFromConfig(cfg: ResolvedConfig): WordLayout {
  return Object.freeze({
    lanes: cfg.lanes,
    filtersPerTile: cfg.filtersPerTile,
    tiles: cfg.tiles,
    weightBits: cfg.weightBits,
    selectBits: cfg.selectBits,
    slotBits: cfg.slotBits,
    deltaBits: cfg.deltaBits,
    controlBits: cfg.controlBits,
    activationBits: cfg.activationBits,
    outputBits: cfg.output.bits,
    weightBanking: cfg.weightBanking,
    weightDataBanks: cfg.weightDataBanks,
    weightBankWidth: cfg.weightBankWidth,
    weightDepth: cfg.weightDepth,
    activationBanks: cfg.activationBanks,
    activationBankWidth: cfg.activationBankWidth,
    activationBankDepth: cfg.activationBankDepth,
    outputDepth: cfg.outputDepth,
    lookahead: cfg.lookahead,
    muxInputs: cfg.muxInputs,
  });
}

/** The constants a generated `<name>.params.ts` exports, with the config field each must equal. */
function expectedParams(cfg: ResolvedConfig): Record<string, unknown> {
  return {
    LANES: cfg.lanes,
    FILTERS_PER_TILE: cfg.filtersPerTile,
    TILES: cfg.tiles,
    WEIGHT_BITS: cfg.weightBits,
    ACTIVATION_BITS: cfg.activationBits,
    OUTPUT_BITS: cfg.output.bits,
    SELECT_BITS: cfg.selectBits,
    SLOT_BITS: cfg.slotBits,
    DELTA_BITS: cfg.deltaBits,
    CONTROL_BITS: cfg.controlBits,
    WEIGHT_DATA_BANKS: cfg.weightDataBanks,
    WEIGHT_BANK_WIDTH: cfg.weightBankWidth,
    WEIGHT_DEPTH: cfg.weightDepth,
    ACTIVATION_BANKS: cfg.activationBanks,
    ACTIVATION_BANK_WIDTH: cfg.activationBankWidth,
    ACTIVATION_BANK_DEPTH: cfg.activationBankDepth,
    OUTPUT_DEPTH: cfg.outputDepth,
    OUTPUT_WORD_BITS: cfg.outputWordBits,
    PIPELINE_LATENCY: cfg.pipelineLatency,
    OFFSETS: cfg.offsets,
    WEIGHT_BANKING: cfg.weightBanking,
    CSR_STATUS: CSR.STATUS,
    CSR_WINDOWS: CSR.WINDOWS,
    CSR_WIN_STRIDE: CSR.WIN_STRIDE,
    CSR_CYCLES: CSR.CYCLES,
    CSR_TILE_SETS_BASE: CSR.TILE_SETS_BASE,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Builds the layout from the constants of a generated params module and checks each one against
 * the config. CONFIG_HASH must be the config's hash (or a prefix of it), so images are never packed
 * for RTL generated from a different configuration.
 */
export function layoutFromParams(params: Record<string, unknown>, cfg: ResolvedConfig, source = 'params'): WordLayout {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(expectedParams(cfg))) {
    if (!(name in params)) problems.push(`${name} is missing (expected ${JSON.stringify(want)})`);
    else if (!same(params[name], want)) problems.push(`${name} is ${JSON.stringify(params[name])} but the config says ${JSON.stringify(want)}`);
  }
  const hash = params.CONFIG_HASH;
  if (typeof hash !== 'string' || hash.length < 8 || !cfg.hash.startsWith(hash.toLowerCase())) {
    problems.push(`CONFIG_HASH is ${JSON.stringify(hash)} but configuration "${cfg.name}" has hash ${cfg.hash.slice(0, 16)}...`);
  }
  if (problems.length > 0) {
    throw new SparsetileError(
      `${source}: the generated RTL constants disagree with configuration "${cfg.name}": ${problems.join('; ')}. Regenerate the RTL for this configuration (sparsetile generate --config ${cfg.name}).`,
    );
  }
  // Field positions come from the RTL's own constants (checked equal to the config above).
  const n = (k: string) => params[k] as number;
  return Object.freeze({
    lanes: n('LANES'),
    filtersPerTile: n('FILTERS_PER_TILE'),
    tiles: n('TILES'),
    weightBits: n('WEIGHT_BITS'),
    selectBits: n('SELECT_BITS'),
    slotBits: n('SLOT_BITS'),
    deltaBits: n('DELTA_BITS'),
    controlBits: n('CONTROL_BITS'),
    activationBits: n('ACTIVATION_BITS'),
    outputBits: n('OUTPUT_BITS'),
    weightBanking: params.WEIGHT_BANKING as WordLayout['weightBanking'],
    weightDataBanks: n('WEIGHT_DATA_BANKS'),
    weightBankWidth: n('WEIGHT_BANK_WIDTH'),
    weightDepth: n('WEIGHT_DEPTH'),
    activationBanks: n('ACTIVATION_BANKS'),
    activationBankWidth: n('ACTIVATION_BANK_WIDTH'),
    activationBankDepth: n('ACTIVATION_BANK_DEPTH'),
    outputDepth: n('OUTPUT_DEPTH'),
    lookahead: n('ACTIVATION_BANKS') - 1,
    muxInputs: (params.OFFSETS as readonly unknown[]).length,
  });
}

/**
 * Imports a generated `<name>.params.ts` and returns its checked layout. The file is imported
 * through a content-addressed `.mts` copy: a `.ts` file outside a `"type": "module"` package (an
 * RTL directory under /tmp, say) would otherwise be loaded as CommonJS.
 */
export async function loadParamsLayout(paramsFile: string, cfg: ResolvedConfig): Promise<WordLayout> {
  const { pathToFileURL } = await import('node:url');
  const { readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  let mod: Record<string, unknown>;
  try {
    const text = readFileSync(paramsFile, 'utf8');
    const dir = join(tmpdir(), 'sparsetile-params');
    const copy = join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 24)}.mts`);
    if (!existsSync(copy)) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${copy}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, copy);
    }
    mod = (await import(pathToFileURL(copy).href)) as Record<string, unknown>;
  } catch (e) {
    throw new SparsetileError(`${paramsFile}: cannot be imported (${(e as Error).message}). Regenerate the RTL with sparsetile generate --config ${cfg.name}.`);
  }
  return layoutFromParams(mod, cfg, paramsFile);
}

// ---------------------------------------------------------------------------------------------
// Inputs: the parts of the golden model's LoweredJob and JobSchedule the packer reads.

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

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** Two's complement of `v` in a field of `bits` bits, as an unsigned bigint. */
export function toField(v: number, bits: number): bigint {
  return BigInt(v) & mask(bits);
}

/** Reads a signed field of `bits` bits. */
export function fromField(word: bigint, lsb: number, bits: number): number {
  const raw = (word >> BigInt(lsb)) & mask(bits);
  const sign = 1n << BigInt(bits - 1);
  return Number(raw & sign ? raw - (1n << BigInt(bits)) : raw);
}

const inRange = (v: number, bits: number) => v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);

/** Qw: activation words per window in each bank, ceil((S + h) / (h + 1)). */
export function windowStride(S: number, h: number): number {
  return Math.ceil((S + h) / (h + 1));
}

/** Local sets of tile t when `sets` sets are spread round-robin over `tiles` tiles. */
export function tileSetCounts(sets: number, tiles: number): number[] {
  return Array.from({ length: tiles }, (_, t) => (sets > t ? Math.ceil((sets - t) / tiles) : 0));
}

/** What section 5's capacity rules read from a configuration (a WordLayout or a ResolvedConfig). */
export type CapacityLimits = Pick<WordLayout, 'tiles' | 'lookahead' | 'weightDepth' | 'activationBankDepth' | 'outputDepth'>;

/** What they read from a job: its dense steps, its windows, and the rows of each global set. */
export interface CapacityJob {
  readonly S: number;
  readonly windows: number;
  /** Scheduled rows of each global set; an empty set still takes one row (rowsHw). */
  readonly rowsPerSet: readonly number[];
}

export type CapacityRule = 'weightDepth' | 'activationBankDepth' | 'outputDepth';

/** Section 5's figures for one job, and the first rule it breaks. */
export interface Capacity {
  /** Activation words per window in each bank (the WIN_STRIDE CSR). */
  readonly Qw: number;
  /** Local sets of each tile (the TILE_SETS CSRs) and of the fullest tile. */
  readonly tileSets: number[];
  readonly localSets: number;
  /** Weight-memory rows each tile uses, and the most any tile uses. */
  readonly weightRowsPerTile: number[];
  readonly weightRows: number;
  /** Wn * Qw words per activation bank. */
  readonly activationWords: number;
  /** localSets * Wn output words on the fullest tile. */
  readonly outputWords: number;
  /** The first rule broken (weight rows, then activation words, then output words), or null when the job fits. */
  readonly rule: CapacityRule | null;
  /** That rule as a sentence naming the figures, the configuration and the fix, or null. */
  readonly problem: string | null;
}

/**
 * Section 5's capacity rules: every tile's local sets fit its weight memory, Wn * Qw <= activationBankDepth,
 * and localSets * Wn <= outputDepth. The one place they are computed: packJob enforces them,
 * `sparsetile run` reports them, and the demo's layer choice (cosim/demo-layer.ts) fits layers with them.
 */
export function capacity(L: CapacityLimits, job: CapacityJob, cfgName = 'config'): Capacity {
  const T = L.tiles;
  const Wn = job.windows;
  const Qw = windowStride(job.S, L.lookahead);
  const tileSets = tileSetCounts(job.rowsPerSet.length, T);
  const localSets = Math.max(0, ...tileSets);
  const weightRowsPerTile = new Array<number>(T).fill(0);
  job.rowsPerSet.forEach((rows, s) => {
    weightRowsPerTile[s % T] += Math.max(1, rows);
  });
  const weightRows = Math.max(0, ...weightRowsPerTile);
  const activationWords = Wn * Qw;
  const outputWords = localSets * Wn;
  let rule: CapacityRule | null = null;
  let problem: string | null = null;
  const over = weightRowsPerTile.findIndex((used) => used > L.weightDepth);
  if (over >= 0) {
    rule = 'weightDepth';
    problem = `The job needs ${weightRowsPerTile[over]} weight-memory rows on tile ${over}, but configuration "${cfgName}" has weightDepth ${L.weightDepth} (rule: the rows of a tile's local sets must fit its weight memory). Use a smaller layer, a sparser one, or a configuration with a larger memory.weightDepth.`;
  } else if (activationWords > L.activationBankDepth) {
    rule = 'activationBankDepth';
    problem = `The job needs ${Wn} windows x ${Qw} words = ${activationWords} words per activation bank, but configuration "${cfgName}" has activationBankDepth ${L.activationBankDepth} (rule: Wn * Qw <= activationBankDepth). Use a smaller layer or a configuration with a larger memory.activationBankDepth.`;
  } else if (outputWords > L.outputDepth) {
    rule = 'outputDepth';
    problem = `The job writes ${localSets} local sets x ${Wn} windows = ${outputWords} output words on one tile, but configuration "${cfgName}" has outputDepth ${L.outputDepth} (rule: localSets * Wn <= outputDepth). Use fewer filters or windows, or a configuration with a larger memory.outputDepth.`;
  }
  return { Qw, tileSets, localSets, weightRowsPerTile, weightRows, activationWords, outputWords, rule, problem };
}

/** One weight slot, {select, weight}. */
export function packSlot(L: WordLayout, weight: number, select: number): bigint {
  return (BigInt(select) << BigInt(L.weightBits)) | toField(weight, L.weightBits);
}

/** One control word, {last, delta}. */
export function packControl(L: WordLayout, delta: number, last: boolean): bigint {
  return (last ? 1n << BigInt(L.deltaBits) : 0n) | BigInt(delta);
}

/** One activation word: lane l at [l * activationBits +: activationBits]. */
export function packActivationWord(L: WordLayout, lanes: ArrayLike<number>): bigint {
  let w = 0n;
  for (let l = L.lanes - 1; l >= 0; l--) w = (w << BigInt(L.activationBits)) | toField(lanes[l], L.activationBits);
  return w;
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
          if (!inRange(v, L.weightBits)) {
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
        if (!inRange(v, L.activationBits)) {
          throw new SparsetileError(`Window ${w} step ${t} lane ${l} holds activation ${v}, which does not fit the ${L.activationBits}-bit signed activation field of configuration "${cfgName}". Quantize the activations to ${L.activationBits} bits.`);
        }
        lanes[l] = v;
      }
      acts[t % B][w * Qw + Math.floor(t / B)] = packActivationWord(L, lanes);
    }
  }

  return { weights, acts, csr: { windows: Wn, winStride: Qw, tileSets }, rowsHw, rowBase };
}

/** Where the RTL writes filter output (set s, PE k, window w): tile, output-memory address, PE. */
export function outputLocation(L: WordLayout, s: number, k: number, w: number, windows: number): { tile: number; addr: number; pe: number } {
  return { tile: s % L.tiles, addr: Math.floor(s / L.tiles) * windows + w, pe: k };
}

/** Splits an output-memory word into its K signed PE values. */
export function unpackOutputWord(L: WordLayout, word: bigint): number[] {
  return Array.from({ length: L.filtersPerTile }, (_, k) => fromField(word, k * L.outputBits, L.outputBits));
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
