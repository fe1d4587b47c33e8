/**
 * st_tile: one tile's controller, memories, front end, PEs and output path. The view carries the
 * port widths (contract/host.ts hostWidths and the resolved configuration), the localparams (with the
 * slot and control-word field offsets of contract/layout.ts) and the front end's shape.
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { render, template } from '../templates.ts';
import { usedSlots } from './interconnect.ts';
import { paramTable, pickParams, type LocalparamList } from './params.ts';

export interface TileView extends LocalparamList {
  readonly header: string;
  readonly name: string;
  readonly filters: number;
  readonly lanes: number;
  /** The dense baseline: no buffer rotation, no interconnect, no select bits. */
  readonly dense: boolean;
  readonly activationBanks: number;
  readonly muxInputs: number;
  /** Buffer slots (aheads) the interconnect reads, ascending. */
  readonly usedSlots: readonly number[];
  /** Some select codes are unused (MUX_INPUTS < 2^SELECT_BITS): check that none is read. */
  readonly selectCheck: boolean;
  readonly countBits: number;
  readonly actAddrBits: number;
  readonly wmBankSelBits: number;
  readonly weightAddrBits: number;
  readonly wmWdataBits: number;
  readonly amBankSelBits: number;
  readonly actBankWidth: number;
  readonly outAddrBits: number;
  readonly outWordBits: number;
}

export const TILE = template<TileView>('st_tile.v.hbs');

const TILE_PARAMS = [
  'LANES', 'FILTERS', 'WEIGHT_BITS', 'ACT_BITS', 'ACC_BITS', 'OUT_BITS', 'SLOT_WEIGHT_LSB', 'SLOT_PE_STRIDE', 'SLOT_LANE_STRIDE',
  'DELTA_BITS', 'CONTROL_BITS', 'CTRL_DELTA_LSB', 'CTRL_LAST_LSB', 'PRODUCT_BITS', 'TREE_BITS',
  'TREE_STAGES', 'WEIGHT_DATA_BANKS', 'WEIGHT_BANK_WIDTH', 'WEIGHT_DEPTH', 'WEIGHT_ADDR_BITS', 'ACT_BANKS', 'ACT_BANK_WIDTH', 'ACT_DEPTH',
  'ACT_ADDR_BITS', 'OUT_DEPTH', 'OUT_ADDR_BITS', 'OUT_WORD_BITS', 'RELU', 'SHIFT', 'SATURATE', 'WM_BANK_SEL_BITS', 'WM_WDATA_BITS',
  'AM_BANK_SEL_BITS', 'ROT_BITS', 'COUNT_BITS', 'PIPELINE_LATENCY',
];
const TILE_PARAMS_SPARSE = ['SELECT_BITS', 'SLOT_SELECT_LSB', 'SLOT_COUNT'];

export function tileView(cfg: ResolvedConfig, header: string): TileView {
  const hw = hostWidths(cfg);
  const slots = cfg.dense ? [0] : usedSlots(cfg);
  const table = paramTable(cfg, hw, slots.length);
  const selectCheck = !cfg.dense && cfg.muxInputs < 2 ** cfg.selectBits;
  return {
    header,
    name: cfg.name,
    filters: cfg.filtersPerTile,
    lanes: cfg.lanes,
    dense: cfg.dense,
    activationBanks: cfg.activationBanks,
    muxInputs: cfg.muxInputs,
    usedSlots: slots,
    selectCheck,
    countBits: hw.countBits,
    actAddrBits: hw.amAddrBits,
    wmBankSelBits: hw.wmBankSelBits,
    weightAddrBits: hw.wmAddrBits,
    wmWdataBits: hw.wmWdataBits,
    amBankSelBits: hw.amBankSelBits,
    actBankWidth: hw.amWdataBits,
    outAddrBits: hw.omAddrBits,
    outWordBits: cfg.outputWordBits,
    ...pickParams(table, [...TILE_PARAMS, ...(cfg.dense ? [] : TILE_PARAMS_SPARSE), ...(selectCheck ? ['MUX_INPUTS'] : [])]),
  };
}

export function tileModule(cfg: ResolvedConfig, header: string): string {
  return render(TILE, tileView(cfg, header));
}
