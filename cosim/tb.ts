/**
 * The co-simulation testbench: one SystemVerilog file for both simulators, rendered per
 * configuration because port widths depend on it. Every number is computed here (port widths from
 * contract/host.ts hostWidths, register addresses from contract/registers.ts); the template
 * (cosim/tb/st_tb.sv.hbs) only holds the holes.
 */
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../contract/config.ts';
import { hostWidths } from '../contract/host.ts';
import { globalRegAddr } from '../contract/registers.ts';
import { render, template } from '../generators/templates.ts';

export const TB_TEMPLATE = fileURLToPath(new URL('./tb/st_tb.sv.hbs', import.meta.url));
export const TB_TOP = 'st_tb';

export interface TbOptions {
  /** Load the feature map through the fm_* write port instead of the FM_INIT preload. */
  readonly hostWrite: boolean;
}

export interface TbView {
  readonly name: string;
  readonly mode: 'host-write' | 'preload';
  readonly preload: boolean;
  readonly hostWrite: 0 | 1;
  readonly tiles: number;
  readonly tileList: readonly number[];
  readonly regAddrBits: number;
  readonly fmAddrBits: number;
  readonly fmDataBits: number;
  readonly fmBanks: number;
  readonly axiDataBits: number;
  readonly axiSize: number;
  readonly extDepth: number;
  readonly maxOutstanding: number;
  readonly maxBurst: number;
  readonly regCtrl: number;
  readonly regStatus: number;
  readonly regCycles: number;
}

const TB = template<TbView>(TB_TEMPLATE);

/** Beats of the testbench's external memory: 4 MB for wide buses, 256 KB otherwise. */
export function extDepth(cfg: ResolvedConfig): number {
  return (cfg.axi.dataBits >= 128 ? 4 << 20 : 256 << 10) / cfg.axi.beatBytes;
}

export function tbView(cfg: ResolvedConfig, opts: TbOptions): TbView {
  const hw = hostWidths(cfg);
  return {
    name: cfg.name,
    mode: opts.hostWrite ? 'host-write' : 'preload',
    preload: !opts.hostWrite,
    hostWrite: opts.hostWrite ? 1 : 0,
    tiles: cfg.tiles,
    tileList: Array.from({ length: cfg.tiles }, (_, t) => t),
    regAddrBits: hw.regAddrBits,
    fmAddrBits: hw.fmAddrBits,
    fmDataBits: hw.fmDataBits,
    fmBanks: cfg.featureMapBanks,
    axiDataBits: hw.axiDataBits,
    axiSize: cfg.axi.size,
    extDepth: extDepth(cfg),
    maxOutstanding: cfg.axi.maxOutstanding,
    maxBurst: cfg.axi.maxBurst,
    regCtrl: globalRegAddr('CTRL'),
    regStatus: globalRegAddr('STATUS'),
    regCycles: globalRegAddr('CYCLES'),
  };
}

export function renderTestbench(cfg: ResolvedConfig, opts: TbOptions): string {
  return render(TB, tbView(cfg, opts));
}
