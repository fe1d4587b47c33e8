/**
 * The co-simulation testbench: one SystemVerilog file for both simulators, rendered per
 * configuration because port widths depend on it. Every number is computed here (port widths from
 * contract/host.ts hostWidths, register addresses from its CSR map); the template
 * (cosim/tb/st_tb.sv.hbs) only holds the holes.
 */
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../contract/config.ts';
import { CSR, hostWidths } from '../contract/host.ts';
import { render, template } from '../generators/templates.ts';

export const TB_TEMPLATE = fileURLToPath(new URL('./tb/st_tb.sv.hbs', import.meta.url));
export const TB_TOP = 'st_tb';

export interface TbOptions {
  /** Load memories through the wm_/am_ write ports instead of the WM_INIT/AM_INIT preload. */
  readonly hostWrite: boolean;
}

export interface TbView {
  readonly name: string;
  readonly mode: 'host-write' | 'preload';
  readonly preload: boolean;
  readonly hostWrite: 0 | 1;
  readonly tiles: number;
  readonly filtersPerTile: number;
  /** Data banks plus the control bank. */
  readonly weightBanks: number;
  readonly weightDepth: number;
  readonly wmDataWidth: number;
  readonly activationBanks: number;
  readonly activationBankDepth: number;
  readonly activationBankWidth: number;
  readonly outputBits: number;
  readonly csrAddrBits: number;
  readonly csrDataBits: number;
  readonly tileW: number;
  readonly wBankW: number;
  readonly wAddrW: number;
  readonly aBankW: number;
  readonly aAddrW: number;
  readonly oAddrW: number;
  readonly peW: number;
  readonly csrStatus: number;
  readonly csrWindows: number;
  readonly csrWinStride: number;
  readonly csrCycles: number;
  readonly csrTileSetsBase: number;
}

const TB = template<TbView>(TB_TEMPLATE);

export function tbView(cfg: ResolvedConfig, opts: TbOptions): TbView {
  const hw = hostWidths(cfg);
  return {
    name: cfg.name,
    mode: opts.hostWrite ? 'host-write' : 'preload',
    preload: !opts.hostWrite,
    hostWrite: opts.hostWrite ? 1 : 0,
    tiles: cfg.tiles,
    filtersPerTile: cfg.filtersPerTile,
    weightBanks: cfg.weightDataBanks + 1,
    weightDepth: cfg.weightDepth,
    wmDataWidth: hw.wmWdataBits,
    activationBanks: cfg.activationBanks,
    activationBankDepth: cfg.activationBankDepth,
    activationBankWidth: hw.amWdataBits,
    outputBits: hw.omRdataBits,
    csrAddrBits: hw.csrAddrBits,
    csrDataBits: hw.csrDataBits,
    tileW: hw.tileSelBits,
    wBankW: hw.wmBankSelBits,
    wAddrW: hw.wmAddrBits,
    aBankW: hw.amBankSelBits,
    aAddrW: hw.amAddrBits,
    oAddrW: hw.omAddrBits,
    peW: hw.peSelBits,
    csrStatus: CSR.STATUS,
    csrWindows: CSR.WINDOWS,
    csrWinStride: CSR.WIN_STRIDE,
    csrCycles: CSR.CYCLES,
    csrTileSetsBase: CSR.TILE_SETS_BASE,
  };
}

export function renderTestbench(cfg: ResolvedConfig, opts: TbOptions): string {
  return render(TB, tbView(cfg, opts));
}
