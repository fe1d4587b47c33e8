/**
 * The word layout: field positions and sizes of every memory word (docs/architecture.md section 5),
 * from the resolved configuration or, in co-simulation, from the generated `<name>.params.ts`.
 *
 * layoutFromParams asserts that every constant the generator baked into the RTL agrees with the
 * ResolvedConfig, so a generator that drifts from the contract fails here, by name, instead of as a
 * wall of mismatching outputs. Unit tests build the layout from the config alone (layoutFromConfig).
 */
import type { Field } from './bits.ts';
import type { ResolvedConfig } from './config.ts';
import { SparsetileError } from './errors.ts';
import { CSR } from './host.ts';

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

/** A weight slot {select, weight}: the weight in the low weightBits, the select code above it. */
export function slotFields(L: Pick<WordLayout, 'weightBits' | 'selectBits'>): { readonly weight: Field; readonly select: Field } {
  return { weight: { lsb: 0, bits: L.weightBits }, select: { lsb: L.weightBits, bits: L.selectBits } };
}

/** A control-bank word {last, delta}: delta in the low deltaBits, last in the bit above. */
export function controlFields(L: Pick<WordLayout, 'deltaBits'>): { readonly delta: Field; readonly last: Field } {
  return { delta: { lsb: 0, bits: L.deltaBits }, last: { lsb: L.deltaBits, bits: 1 } };
}

/** Where PE k's slot l lives in a weight-memory row: its data bank and the bit offset in that bank's word. */
export function slotPlace(L: Pick<WordLayout, 'weightBanking' | 'lanes' | 'slotBits'>, k: number, l: number): { readonly bank: number; readonly lsb: number } {
  return L.weightBanking === 'per-lane' ? { bank: k * L.lanes + l, lsb: 0 } : { bank: k, lsb: l * L.slotBits };
}
