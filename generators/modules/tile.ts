/**
 * st_tile: one tile's fetcher, memories, fill, controller, front end, PEs and output writer. The view
 * carries the port widths (contract/host.ts hostWidths and the resolved configuration), the
 * localparams (with the slot, control-word, record and header field offsets of contract/) and the
 * front end's shape.
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { indexBits } from '../../contract/bits.ts';
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
  readonly slotBits: number;
  readonly layerBits: number;
  readonly maxLayers: number;
  readonly axiDataBits: number;
  readonly fmAddrBits: number;
  readonly actBankWidth: number;
  /** The weight stream is run-length coded: the fetcher decodes it (its RLE_* localparams). */
  readonly rle: boolean;
}

export const TILE = template<TileView>('st_tile.v.hbs');

const TILE_PARAMS = [
  'LANES', 'FILTERS', 'WEIGHT_BITS', 'ACT_BITS', 'ACC_BITS', 'SLOT_WEIGHT_LSB', 'SLOT_PE_STRIDE', 'SLOT_LANE_STRIDE',
  'DELTA_BITS', 'CONTROL_BITS', 'CTRL_DELTA_LSB', 'CTRL_LAST_LSB', 'PRODUCT_BITS', 'TREE_BITS', 'TREE_STAGES', 'WEIGHT_DATA_BANKS',
  'WEIGHT_BANK_WIDTH', 'WEIGHT_DEPTH', 'RING_BITS', 'ACT_BANKS', 'ACT_BANK_WIDTH', 'ACT_DEPTH', 'ST_BITS', 'OUT_WORD_BITS', 'ROT_BITS',
  'PIPELINE_LATENCY', 'FM_BANKS', 'FM_BANK_BITS', 'FM_ROW_BITS', 'FM_ADDR_BITS', 'FM_HALF_WORDS', 'AXI_DATA_BITS', 'AXI_SIZE',
  'AXI_MAX_BURST', 'AXI_MAX_OUT', 'REC_BEATS', 'CONTROL_LSB', 'HDR_ROWS_LSB', 'HDR_CHAN_LSB', 'SET_FIFO_DEPTH', 'MAX_LAYERS',
  'LAYER_BITS', 'SLOT_BITS', 'OUT_FIFO_DEPTH', 'OUT_FIFO_BITS', 'CREDIT_BITS',
];
const TILE_PARAMS_SPARSE = ['SELECT_BITS', 'SLOT_SELECT_LSB', 'SLOT_COUNT'];
const TILE_PARAMS_RLE = ['RLE_VALUE_BITS', 'RLE_ENTRY_BITS', 'RLE_RUN_LSB', 'RLE_RUN_BITS', 'RLE_ENTRIES', 'HDR_CTRL_LSB', 'RLE_HDR_BEATS'];

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
    slotBits: indexBits(cfg.tiles),
    layerBits: indexBits(cfg.maxLayers),
    maxLayers: cfg.maxLayers,
    axiDataBits: hw.axiDataBits,
    fmAddrBits: hw.fmAddrBits,
    actBankWidth: hw.fmDataBits,
    rle: cfg.weightStream.coding === 'rle',
    ...pickParams(table, [
      ...TILE_PARAMS, ...(cfg.dense ? [] : TILE_PARAMS_SPARSE), ...(selectCheck ? ['MUX_INPUTS'] : []), ...(cfg.weightStream.coding === 'rle' ? TILE_PARAMS_RLE : []),
    ]),
  };
}

export function tileModule(cfg: ResolvedConfig, header: string): string {
  return render(TILE, tileView(cfg, header));
}
