/**
 * The host interface of docs/architecture.md section 9: the widths of st_top's ports in terms of the
 * resolved configuration, defined here once and read by the RTL's views, the testbench and the C and
 * TypeScript headers. The register map is contract/registers.ts.
 */
import { indexBits } from './bits.ts';
import type { ResolvedConfig } from './config.ts';
import { GLOBAL_REGS, LAYER_REGS, LAYER_TILE_REGS, TILE_COUNTERS, regAddrBits } from './registers.ts';

export interface HostWidths {
  /** s_axil_awaddr_i, s_axil_araddr_i: byte addresses up to the last layer descriptor. */
  readonly regAddrBits: number;
  /** s_axil_wdata_i, s_axil_rdata_o. */
  readonly regDataBits: number;
  /** fm_addr_i, fm_raddr_i: a word of the whole feature-map memory (both halves). */
  readonly fmAddrBits: number;
  /** fm_wdata_i, fm_rdata_o: one word, lanes x activationBits. */
  readonly fmDataBits: number;
  /** m_axi<t>_rdata_i. */
  readonly axiDataBits: number;
  /** A step's residue t mod (h+1) in the controller and the buffer rotation: W(h + 1). */
  readonly rotBits: number;
}

export function hostWidths(cfg: ResolvedConfig): HostWidths {
  return {
    regAddrBits: regAddrBits(cfg.maxLayers),
    regDataBits: 32,
    fmAddrBits: cfg.featureMapAddrBits,
    fmDataBits: cfg.activationBankWidth,
    axiDataBits: cfg.axi.dataBits,
    rotBits: indexBits(cfg.activationBanks),
  };
}

/** A register's name for messages, from its byte address. */
export function regName(addr: number, tiles: number, maxLayers: number): string {
  const g = GLOBAL_REGS.find((r) => r.offset === addr);
  if (g) return g.name;
  for (let t = 0; t < tiles; t++) {
    const c = TILE_COUNTERS.find((r) => 0x100 + t * 0x40 + r.offset === addr);
    if (c) return `TILE${t}.${c.name}`;
  }
  for (let l = 0; l < maxLayers; l++) {
    const base = 0x1000 + l * 0x400;
    const r = LAYER_REGS.find((x) => base + x.offset === addr);
    if (r) return `LAYER${l}.${r.name}`;
    for (let t = 0; t < tiles; t++) {
      const tr = LAYER_TILE_REGS.find((x) => base + 0x100 + t * 0x20 + x.offset === addr);
      if (tr) return `LAYER${l}.TILE${t}.${tr.name}`;
    }
  }
  return `0x${addr.toString(16)}`;
}
