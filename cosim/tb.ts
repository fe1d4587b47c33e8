/**
 * The co-simulation testbench: one SystemVerilog file for both simulators, rendered per
 * configuration because port widths depend on it. Every number is computed here; the template
 * (cosim/tb/st_tb.sv.hbs) only holds the holes.
 */
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../contract/config.ts';
import { CSR } from '../contract/host.ts';
import { hostWidths } from '../contract/host.ts';

export const TB_TEMPLATE = fileURLToPath(new URL('./tb/st_tb.sv.hbs', import.meta.url));
export const TB_TOP = 'st_tb';

export interface TbOptions {
  /** Load memories through the wm_/am_ write ports instead of the WM_INIT/AM_INIT preload. */
  readonly hostWrite: boolean;
}

export function tbView(cfg: ResolvedConfig, opts: TbOptions) {
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
    activationBankWidth: cfg.activationBankWidth,
    outputBits: cfg.output.bits,
    tileW: hw.tileSelBits,
    wBankW: hw.wmBankSelBits,
    wAddrW: cfg.weightAddrBits,
    aBankW: hw.amBankSelBits,
    aAddrW: cfg.activationAddrBits,
    oAddrW: cfg.outputAddrBits,
    peW: hw.peSelBits,
    csrStatus: CSR.STATUS,
    csrWindows: CSR.WINDOWS,
    csrWinStride: CSR.WIN_STRIDE,
    csrCycles: CSR.CYCLES,
    csrTileSetsBase: CSR.TILE_SETS_BASE,
  };
}

let compiled: HandlebarsTemplateDelegate | undefined;

export function renderTestbench(cfg: ResolvedConfig, opts: TbOptions): string {
  compiled ??= Handlebars.compile(readFileSync(TB_TEMPLATE, 'utf8'), { strict: true, noEscape: true });
  return compiled(tbView(cfg, opts));
}
