/**
 * st_top: the host interface of docs/architecture.md section 9; every port width from
 * contract/host.ts hostWidths, every descriptor field from contract/registers.ts.
 */
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { LAYER_REGS, LAYER_TILE_REGS } from '../../contract/registers.ts';
import { render, template } from '../templates.ts';
import { usedSlots } from './interconnect.ts';
import { paramTable, pickParams, type LocalparamList } from './params.ts';

/** Where a descriptor field is: its register's index in a layer's list (or a tile block's), its bits. */
export interface FieldPlace {
  readonly name: string;
  readonly index: number;
  readonly lsb: number;
  readonly bits: number;
}

export interface TopView extends LocalparamList {
  readonly header: string;
  readonly name: string;
  readonly hashShort: string;
  readonly tiles: number;
  readonly tileList: readonly number[];
  readonly filters: number;
  readonly lanes: number;
  readonly weightBits: number;
  readonly actBits: number;
  /** The interconnect pattern in words, e.g. "trident <2,5>". */
  readonly pattern: string;
  readonly fmBanksMinusOne: number;
  readonly regAddrBits: number;
  readonly axiDataBits: number;
  readonly fmAddrBits: number;
  readonly actBankWidth: number;
  /** The current layer's fields the tiles read (cur_<name>). */
  readonly layerFields: readonly FieldPlace[];
  /** A tile's fields, by the top's name for them; index within the tile block. */
  readonly tileFields: Readonly<Record<'sets' | 'winBase' | 'winCount' | 'ho0' | 'wo0' | 'wsAddr' | 'wsBeats', FieldPlace>>;
  readonly tileRegBase: number;
  readonly tileRegCount: number;
}

export const TOP = template<TopView>('st_top.v.hbs');

const TOP_PARAMS = ['TILES', 'LANES', 'ACT_BANKS', 'ACT_BANK_WIDTH', 'FM_HALF_WORDS', 'FM_ADDR_BITS', 'MAX_LAYERS', 'NREG', 'LAYER_BITS', 'LAYERS_COUNT_BITS', 'SLOT_BITS', 'AXI_DATA_BITS'];

/** The pattern as the documentation names it. */
export function patternDoc(cfg: ResolvedConfig): string {
  const p = cfg.input.pattern;
  if ('shape' in p) return `${p.shape} <${p.lookahead},${p.lookaside}>`;
  return cfg.dense ? 'dense (no interconnect)' : `offsets ${cfg.offsets.slice(1).map(([a, d]) => `(${a},${d})`).join(' ')}`;
}

const place = (regs: typeof LAYER_REGS, name: string, reg: string, field: string): FieldPlace => {
  const index = regs.findIndex((r) => r.name === reg);
  const f = regs[index]?.fields.find((x) => x.name === field);
  if (!f) throw new Error(`internal: no field ${reg}.${field}`);
  return { name, index, lsb: f.lsb, bits: f.bits };
};

/** The top's wire for each descriptor field the tiles read. */
export const LAYER_FIELDS: readonly (readonly [string, string, string])[] = [
  ['in_half', 'CONTROL', 'IN_HALF'], ['relu', 'CONTROL', 'RELU'], ['sat', 'CONTROL', 'SATURATE'], ['shift', 'CONTROL', 'SHIFT'],
  ['in_base', 'IN_BASE', 'WORD'], ['in_h', 'IN_SIZE', 'H'], ['in_w', 'IN_SIZE', 'W'], ['in_cg', 'IN_CGROUPS', 'GROUPS'],
  ['kh', 'KERNEL', 'H'], ['kw', 'KERNEL', 'W'], ['sh', 'STRIDE', 'H'], ['sw', 'STRIDE', 'W'], ['dh', 'DILATION', 'H'], ['dw', 'DILATION', 'W'],
  ['pt', 'PAD', 'TOP'], ['pl', 'PAD', 'LEFT'], ['pb', 'PAD', 'BOTTOM'], ['pr', 'PAD', 'RIGHT'],
  ['out_base', 'OUT_BASE', 'WORD'], ['out_h', 'OUT_SIZE', 'H'], ['out_w', 'OUT_SIZE', 'W'], ['out_channels', 'OUT_CHANNELS', 'COUNT'],
  ['out_cg', 'OUT_CGROUPS', 'GROUPS'], ['qw', 'WIN_STRIDE', 'LINES'],
];

export function topView(cfg: ResolvedConfig, header: string): TopView {
  const hw = hostWidths(cfg);
  const slots = cfg.dense ? [0] : usedSlots(cfg);
  const tf = (name: string, reg: string, field: string) => place(LAYER_TILE_REGS, name, reg, field);
  return {
    header,
    name: cfg.name,
    hashShort: cfg.hash.slice(0, 16),
    tiles: cfg.tiles,
    tileList: Array.from({ length: cfg.tiles }, (_, t) => t),
    filters: cfg.filtersPerTile,
    lanes: cfg.lanes,
    weightBits: cfg.weightBits,
    actBits: cfg.activationBits,
    pattern: patternDoc(cfg),
    fmBanksMinusOne: cfg.featureMapBanks - 1,
    regAddrBits: hw.regAddrBits,
    axiDataBits: hw.axiDataBits,
    fmAddrBits: hw.fmAddrBits,
    actBankWidth: hw.fmDataBits,
    layerFields: LAYER_FIELDS.map(([name, reg, field]) => place(LAYER_REGS, name, reg, field)),
    tileFields: {
      sets: tf('sets', 'SETS', 'COUNT'), winBase: tf('winBase', 'WIN_BASE', 'INDEX'), winCount: tf('winCount', 'WIN_COUNT', 'COUNT'),
      ho0: tf('ho0', 'WIN_START', 'HO'), wo0: tf('wo0', 'WIN_START', 'WO'), wsAddr: tf('wsAddr', 'WSTREAM_ADDR', 'ADDR'), wsBeats: tf('wsBeats', 'WSTREAM_BEATS', 'COUNT'),
    },
    tileRegBase: LAYER_REGS.length,
    tileRegCount: LAYER_TILE_REGS.length,
    ...pickParams(paramTable(cfg, hw, slots.length), TOP_PARAMS),
  };
}

export function topModule(cfg: ResolvedConfig, header: string): string {
  return render(TOP, topView(cfg, header));
}
