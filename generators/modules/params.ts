/**
 * The configuration-derived localparams the templated modules declare: one table of every value with
 * its meaning, and the typed list a module's view carries (name, value, doc; the template aligns them).
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import type { HostWidths } from '../../contract/host.ts';
import { controlFields, layoutFromConfig, slotFields, slotPlace } from '../../contract/layout.ts';
import { indexBits } from '../../contract/bits.ts';
import { LAYER_REGS, LAYER_TILE_REGS, layersCountBits } from '../../contract/registers.ts';
import { rleEntryFields } from '../../contract/rle.ts';
import { HEADER_CONTROL_LSB, HEADER_FIELDS, controlOffset, rleHeaderBeats } from '../../contract/stream.ts';
import { SET_FIFO_DEPTH } from '../../model/timing.ts';

export interface Localparam {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}

/** A module's localparam list and the width of its longest name (the template pads names to it). */
export interface LocalparamList {
  readonly params: readonly Localparam[];
  readonly paramWidth: number;
}

/**
 * Where PE k's slot l sits in a whole weight-memory row (data bank b at [b*WEIGHT_BANK_WIDTH +:
 * WEIGHT_BANK_WIDTH]): k*peStride + l*laneStride, from contract/layout.ts slotPlace. Both bankings are
 * linear in (k, l); this checks it rather than assuming it.
 */
export function slotRowStrides(cfg: ResolvedConfig): { peStride: number; laneStride: number } {
  const L = layoutFromConfig(cfg);
  const at = (k: number, l: number) => {
    const p = slotPlace(L, k, l);
    return p.bank * cfg.weightBankWidth + p.lsb;
  };
  const base = at(0, 0);
  const peStride = cfg.filtersPerTile > 1 ? at(1, 0) - base : cfg.lanes * cfg.slotBits;
  const laneStride = cfg.lanes > 1 ? at(0, 1) - base : cfg.slotBits;
  for (let k = 0; k < cfg.filtersPerTile; k++) {
    for (let l = 0; l < cfg.lanes; l++) {
      if (at(k, l) !== base + k * peStride + l * laneStride) throw new Error(`internal: slot (${k}, ${l}) is not at a linear row offset`);
    }
  }
  if (base !== 0) throw new Error('internal: slot (0, 0) does not start the row');
  return { peStride, laneStride };
}

/** The run-length decoder's localparams (docs/architecture.md section 11), from the resolved coding. */
function rleParams(cfg: ResolvedConfig): Record<string, Omit<Localparam, 'name'>> {
  const ws = cfg.weightStream;
  if (ws.coding !== 'rle') return {};
  const f = rleEntryFields(ws.format);
  if (f.value.lsb !== 0) throw new Error('internal: the decoder reads an entry\'s value from its low bits');
  return {
    RLE_VALUE_BITS: { value: f.value.bits, doc: 'value field of an RLE entry (a slot)' },
    RLE_RUN_LSB: { value: f.run.lsb, doc: 'run field of an RLE entry' },
    RLE_RUN_BITS: { value: f.run.bits, doc: 'run field width' },
    RLE_ENTRY_BITS: { value: ws.entryBits, doc: 'an RLE entry {run, value}' },
    RLE_ENTRIES: { value: ws.entriesPerBeat, doc: 'RLE entries per AXI beat' },
    HDR_CTRL_LSB: { value: HEADER_CONTROL_LSB, doc: 'row 0\'s control word in a coded set header' },
    RLE_HDR_BEATS: { value: rleHeaderBeats(cfg.weightDepth - 1, cfg.controlBits, cfg.axi.dataBits), doc: 'beats of the longest coded set header' },
  };
}

/** Every configuration-derived localparam, with its meaning. */
export function paramTable(cfg: ResolvedConfig, hw: HostWidths, slotCount: number): Record<string, Omit<Localparam, 'name'>> {
  const slot = slotFields(cfg);
  const ctrl = controlFields(cfg);
  const strides = slotRowStrides(cfg);
  return {
    LANES: { value: cfg.lanes, doc: 'N, multiplier lanes per PE' },
    FILTERS: { value: cfg.filtersPerTile, doc: 'K, PEs (filters) per tile' },
    TILES: { value: cfg.tiles, doc: 'T, tiles' },
    WEIGHT_BITS: { value: cfg.weightBits, doc: 'signed weight width' },
    ACT_BITS: { value: cfg.activationBits, doc: 'signed activation width' },
    ACC_BITS: { value: cfg.accumulatorBits, doc: 'signed accumulator width' },
    OUT_BITS: { value: cfg.output.bits, doc: 'signed output width' },
    SELECT_BITS: { value: cfg.selectBits, doc: 'select code width' },
    MUX_INPUTS: { value: cfg.muxInputs, doc: 'select codes in use, 0..MUX_INPUTS-1' },
    SLOT_WEIGHT_LSB: { value: slot.weight.lsb, doc: 'weight field of a slot' },
    SLOT_SELECT_LSB: { value: slot.select.lsb, doc: 'select field of a slot' },
    SLOT_PE_STRIDE: { value: strides.peStride, doc: 'row bits from PE k to PE k+1' },
    SLOT_LANE_STRIDE: { value: strides.laneStride, doc: 'row bits from lane l to lane l+1' },
    DELTA_BITS: { value: cfg.deltaBits, doc: 'control word delta field' },
    CONTROL_BITS: { value: cfg.controlBits, doc: 'control word {last, delta}' },
    CTRL_DELTA_LSB: { value: ctrl.delta.lsb, doc: 'delta field of a control word' },
    CTRL_LAST_LSB: { value: ctrl.last.lsb, doc: 'last flag of a control word' },
    PRODUCT_BITS: { value: cfg.productBits, doc: 'exact product width' },
    TREE_BITS: { value: cfg.treeBits, doc: 'exact adder-tree sum width' },
    TREE_STAGES: { value: cfg.adderTreeStages, doc: 'registered adder-tree stages' },
    WEIGHT_DATA_BANKS: { value: cfg.weightDataBanks, doc: `weight data banks (${cfg.weightBanking})` },
    WEIGHT_BANK_WIDTH: { value: cfg.weightBankWidth, doc: 'weight data bank word' },
    WEIGHT_DEPTH: { value: cfg.weightDepth, doc: 'weight-ring records' },
    RING_BITS: { value: cfg.weightAddrBits, doc: 'weight-ring record index' },
    ACT_BANKS: { value: cfg.activationBanks, doc: 'activation-buffer banks, h+1' },
    ACT_BANK_WIDTH: { value: cfg.activationBankWidth, doc: 'a feature-map or activation-buffer word' },
    ACT_DEPTH: { value: cfg.activationBankDepth, doc: 'activation-buffer ring lines' },
    ST_BITS: { value: cfg.activationAddrBits, doc: 'activation-buffer line index' },
    OUT_WORD_BITS: { value: cfg.outputWordBits, doc: 'output word: K outputs' },
    PIPELINE_LATENCY: { value: cfg.pipelineLatency, doc: 'cycles from a last row\'s issue to its word entering the output FIFO' },
    ROT_BITS: { value: hw.rotBits, doc: 'W(ACT_BANKS): a step residue' },
    FM_BANKS: { value: cfg.featureMapBanks, doc: 'feature-map banks' },
    FM_BANK_BITS: { value: cfg.featureMapBankBits, doc: 'log2(FM_BANKS)' },
    FM_ROW_BITS: { value: cfg.featureMapRowBits, doc: 'log2(rows per feature-map bank)' },
    FM_ADDR_BITS: { value: cfg.featureMapAddrBits, doc: 'a feature-map word address, both halves' },
    FM_HALF_WORDS: { value: cfg.featureMapHalfWords, doc: 'words of one ping-pong half' },
    AXI_DATA_BITS: { value: cfg.axi.dataBits, doc: 'AXI4 read data width' },
    AXI_SIZE: { value: cfg.axi.size, doc: 'ARSIZE, log2 of the beat bytes' },
    AXI_MAX_BURST: { value: cfg.axi.maxBurst, doc: 'longest burst, beats' },
    AXI_MAX_OUT: { value: cfg.axi.maxOutstanding, doc: 'bursts in flight' },
    REC_BEATS: { value: cfg.recordBeats, doc: 'beats per weight-stream record' },
    CONTROL_LSB: { value: controlOffset(cfg), doc: 'control word in a row record' },
    HDR_ROWS_LSB: { value: HEADER_FIELDS.rows.lsb, doc: 'rows field of a set header' },
    HDR_CHAN_LSB: { value: HEADER_FIELDS.chanBase.lsb, doc: 'channel-base field of a set header' },
    SET_FIFO_DEPTH: { value: SET_FIFO_DEPTH, doc: 'set headers queued' },
    MAX_LAYERS: { value: cfg.maxLayers, doc: 'layer descriptors held' },
    LAYER_BITS: { value: indexBits(cfg.maxLayers), doc: 'a layer index' },
    LAYERS_COUNT_BITS: { value: layersCountBits(), doc: 'the LAYERS register (contract/registers.ts)' },
    SLOT_BITS: { value: indexBits(cfg.tiles), doc: 'an output time slot' },
    OUT_FIFO_DEPTH: { value: cfg.outputFifoDepth, doc: 'output words in flight per tile' },
    OUT_FIFO_BITS: { value: indexBits(cfg.outputFifoDepth), doc: 'an output FIFO index' },
    CREDIT_BITS: { value: Math.max(2, Math.ceil(Math.log2(cfg.outputFifoDepth + 1))), doc: 'output credit counter' },
    NREG: { value: LAYER_REGS.length + cfg.tiles * LAYER_TILE_REGS.length, doc: 'registers of a layer descriptor' },
    SLOT_COUNT: { value: slotCount, doc: 'activation-buffer slots the interconnect uses' },
    ...rleParams(cfg),
  };
}

/** The named entries of a table, in the order given. */
export function pickParams(table: Record<string, Omit<Localparam, 'name'>>, names: readonly string[]): LocalparamList {
  const params = names.map((name) => {
    const p = table[name];
    if (!p) throw new Error(`internal: no localparam ${name}`);
    return { name, ...p };
  });
  return { params, paramWidth: Math.max(...names.map((n) => n.length)) };
}
