/**
 * Widths of the generated hardware's host ports and internal counters that docs/architecture.md
 * section 9 defines in terms of the resolved configuration. They are computed here, once, and
 * exported to the RTL, the C header and the TypeScript header; nothing else recomputes them.
 */
import type { ResolvedConfig } from './config.ts';
import { CSR } from './encoding.ts';

/** W(x) = max(1, ceil(log2 x)): an index field for x values (1 bit when x is 1). */
export function indexBits(count: number): number {
  return count <= 1 ? 1 : Math.ceil(Math.log2(count));
}

export interface HostWidths {
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

/** CSR word addresses (docs/architecture.md section 9), defined once in spec/encoding.ts. */
export { CSR };
