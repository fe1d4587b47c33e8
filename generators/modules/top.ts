/** st_top: the host interface of docs/architecture.md section 9; every port width from contract/host.ts hostWidths. */
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { render, template } from '../templates.ts';
import { csrAddresses, type CsrView } from './csr.ts';
import { usedSlots } from './interconnect.ts';
import { paramTable, pickParams, type LocalparamList } from './params.ts';

export interface TopView extends LocalparamList, Omit<CsrView, 'header'> {
  readonly header: string;
  readonly name: string;
  readonly hashShort: string;
  readonly tiles: number;
  readonly filters: number;
  readonly lanes: number;
  readonly weightBits: number;
  readonly actBits: number;
  /** The interconnect pattern in words, e.g. "trident <2,5>". */
  readonly pattern: string;
  readonly weightDataBanks: number;
  readonly actBanksMinusOne: number;
  readonly csrAddrBits: number;
  readonly csrDataBits: number;
  readonly tileSelBits: number;
  readonly wmBankSelBits: number;
  readonly weightAddrBits: number;
  readonly wmWdataBits: number;
  readonly amBankSelBits: number;
  readonly actAddrBits: number;
  readonly actBankWidth: number;
  readonly outAddrBits: number;
  readonly peSelBits: number;
  readonly outBits: number;
}

export const TOP = template<TopView>('st_top.v.hbs');

const TOP_PARAMS = ['TILES', 'FILTERS', 'OUT_BITS', 'OUT_WORD_BITS', 'ACT_ADDR_BITS', 'COUNT_BITS', 'PIPELINE_LATENCY', 'LAT_BITS', 'TILE_SEL_BITS', 'PE_SEL_BITS'];

/** The pattern as the documentation names it. */
export function patternDoc(cfg: ResolvedConfig): string {
  const p = cfg.input.pattern;
  if ('shape' in p) return `${p.shape} <${p.lookahead},${p.lookaside}>`;
  return cfg.dense ? 'dense (no interconnect)' : `offsets ${cfg.offsets.slice(1).map(([a, d]) => `(${a},${d})`).join(' ')}`;
}

export function topView(cfg: ResolvedConfig, header: string): TopView {
  const hw = hostWidths(cfg);
  const slots = cfg.dense ? [0] : usedSlots(cfg);
  return {
    header,
    name: cfg.name,
    hashShort: cfg.hash.slice(0, 16),
    tiles: cfg.tiles,
    filters: cfg.filtersPerTile,
    lanes: cfg.lanes,
    weightBits: cfg.weightBits,
    actBits: cfg.activationBits,
    pattern: patternDoc(cfg),
    weightDataBanks: cfg.weightDataBanks,
    actBanksMinusOne: cfg.activationBanks - 1,
    ...csrAddresses(),
    csrAddrBits: hw.csrAddrBits,
    csrDataBits: hw.csrDataBits,
    tileSelBits: hw.tileSelBits,
    wmBankSelBits: hw.wmBankSelBits,
    weightAddrBits: hw.wmAddrBits,
    wmWdataBits: hw.wmWdataBits,
    amBankSelBits: hw.amBankSelBits,
    actAddrBits: hw.amAddrBits,
    actBankWidth: hw.amWdataBits,
    outAddrBits: hw.omAddrBits,
    peSelBits: hw.peSelBits,
    outBits: hw.omRdataBits,
    ...pickParams(paramTable(cfg, hw, slots.length), TOP_PARAMS),
  };
}

export function topModule(cfg: ResolvedConfig, header: string): string {
  return render(TOP, topView(cfg, header));
}
