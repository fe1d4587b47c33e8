/**
 * The host interface of docs/architecture.md section 9: the register map, and the widths of the
 * host ports and internal counters in terms of the resolved configuration. They are defined here,
 * once, and exported to the RTL, the testbench, the C header and the TypeScript header; nothing else
 * recomputes them.
 */
import { indexBits } from './bits.ts';
import type { ResolvedConfig } from './config.ts';

/** CSR word addresses, section 9. */
export const CSR = { STATUS: 0x00, WINDOWS: 0x01, WIN_STRIDE: 0x02, CYCLES: 0x03, TILE_SETS_BASE: 0x10 } as const;

/** Register names by address, for messages: TILE_SETS[t] above the base. */
export function csrName(addr: number): string {
  const named = Object.entries(CSR).find(([, a]) => a === addr && a !== CSR.TILE_SETS_BASE);
  if (named) return named[0];
  return addr >= CSR.TILE_SETS_BASE ? `TILE_SETS[${addr - CSR.TILE_SETS_BASE}]` : `0x${addr.toString(16)}`;
}

export interface HostWidths {
  /** csr_addr_i: word addresses of the register map. */
  readonly csrAddrBits: number;
  /** csr_wdata_i, csr_rdata_o: 32-bit registers. */
  readonly csrDataBits: number;
  /** wm_addr_i: weightAddrBits. */
  readonly wmAddrBits: number;
  /** am_addr_i: activationAddrBits. */
  readonly amAddrBits: number;
  /** am_wdata_i: one activation bank word, activationBankWidth. */
  readonly amWdataBits: number;
  /** om_addr_i: outputAddrBits. */
  readonly omAddrBits: number;
  /** om_rdata_o: one output value, output.bits. */
  readonly omRdataBits: number;
  /** wm_tile_i, om_tile_i: W(tiles). */
  readonly tileSelBits: number;
  /** wm_bank_i: W(weightDataBanks + 1), the control bank included. */
  readonly wmBankSelBits: number;
  /** wm_wdata_i: max(weightBankWidth, controlBits), right-aligned. */
  readonly wmWdataBits: number;
  /** am_bank_i: W(h + 1). */
  readonly amBankSelBits: number;
  /** om_pe_i: W(filtersPerTile). */
  readonly peSelBits: number;
  /** A step's residue t mod (h+1) in the controller and the buffer rotation: W(h + 1). */
  readonly rotBits: number;
  /** WINDOWS and TILE_SETS registers and counters: outputAddrBits + 1 (both are at most outputDepth). */
  readonly countBits: number;
  /** WIN_STRIDE register: activationAddrBits (Qw wraps like a bank address). */
  readonly strideBits: number;
  /** The job's drain counter, which counts down pipelineLatency. */
  readonly latBits: number;
}

export function hostWidths(cfg: ResolvedConfig): HostWidths {
  return {
    csrAddrBits: 8,
    csrDataBits: 32,
    wmAddrBits: cfg.weightAddrBits,
    amAddrBits: cfg.activationAddrBits,
    amWdataBits: cfg.activationBankWidth,
    omAddrBits: cfg.outputAddrBits,
    omRdataBits: cfg.output.bits,
    tileSelBits: indexBits(cfg.tiles),
    wmBankSelBits: indexBits(cfg.weightDataBanks + 1),
    wmWdataBits: Math.max(cfg.weightBankWidth, cfg.controlBits),
    amBankSelBits: indexBits(cfg.activationBanks),
    peSelBits: indexBits(cfg.filtersPerTile),
    rotBits: indexBits(cfg.activationBanks),
    countBits: cfg.outputAddrBits + 1,
    strideBits: cfg.activationAddrBits,
    latBits: indexBits(cfg.pipelineLatency + 1),
  };
}
