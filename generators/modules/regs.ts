/** st_regs: the AXI4-Lite register file, one register per entry of contract/registers.ts. */
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import {
  GLOBAL_REGS, LAYER_BASE, LAYER_REGS, LAYER_STRIDE, LAYER_TILE_BASE, LAYER_TILE_REGS, LAYER_TILE_STRIDE, TILE_COUNTERS, TILE_COUNTERS_BASE, TILE_COUNTERS_STRIDE,
  layersCountBits, regNamed, type Reg,
} from '../../contract/registers.ts';
import { render, template } from '../templates.ts';

export interface DescReg {
  /** Verilog block name. */
  readonly name: string;
  /** Index in a layer's register list (desc_o). */
  readonly index: number;
  /** Byte offset within the layer's block. */
  readonly offset: number;
  /** The bits the register stores, 8 hex digits. */
  readonly maskHex: string;
}

export interface RegsView {
  readonly header: string;
  readonly addrBits: number;
  readonly tiles: number;
  readonly maxLayers: number;
  /** Width of LAYERS.COUNT, all of which the register stores. */
  readonly layersCountBits: number;
  readonly addrCtrl: number;
  readonly addrStatus: number;
  readonly addrError: number;
  readonly addrErrorInfo: number;
  readonly addrLayers: number;
  readonly addrCycles: number;
  readonly addrId: number;
  readonly idHex: string;
  readonly counterBase: number;
  readonly counterStride: number;
  readonly counterCount: number;
  readonly layerBase: number;
  readonly layerStride: number;
  readonly layerTileBase: number;
  readonly layerTileStride: number;
  readonly layerRegCount: number;
  readonly tileRegCount: number;
  readonly descRegs: readonly DescReg[];
  /** descRegs' offsets, in index order. */
  readonly descOffsets: readonly number[];
}

export const REGS = template<RegsView>('st_regs.v.hbs');

const maskOf = (r: Reg): string => {
  let m = 0n;
  for (const f of r.fields) m |= ((1n << BigInt(f.bits)) - 1n) << BigInt(f.lsb);
  return m.toString(16).padStart(8, '0');
};

/** A layer's registers in desc_o order: its own, then tile t's at LAYER_REGS.length + t * LAYER_TILE_REGS.length. */
export function descRegs(tiles: number): DescReg[] {
  const out: DescReg[] = LAYER_REGS.map((r, i) => ({ name: r.name, index: i, offset: r.offset, maskHex: maskOf(r) }));
  for (let t = 0; t < tiles; t++) {
    LAYER_TILE_REGS.forEach((r, j) => out.push({
      name: `T${t}_${r.name}`, index: LAYER_REGS.length + t * LAYER_TILE_REGS.length + j, offset: LAYER_TILE_BASE + t * LAYER_TILE_STRIDE + r.offset, maskHex: maskOf(r),
    }));
  }
  return out;
}

export function regsView(cfg: ResolvedConfig, header: string): RegsView {
  const a = (n: string) => regNamed(GLOBAL_REGS, n).offset;
  const regs = descRegs(cfg.tiles);
  return {
    header,
    addrBits: hostWidths(cfg).regAddrBits,
    tiles: cfg.tiles,
    maxLayers: cfg.maxLayers,
    layersCountBits: layersCountBits(),
    addrCtrl: a('CTRL'), addrStatus: a('STATUS'), addrError: a('ERROR'), addrErrorInfo: a('ERROR_INFO'), addrLayers: a('LAYERS'), addrCycles: a('CYCLES'), addrId: a('ID'),
    idHex: cfg.hash.slice(0, 8),
    counterBase: TILE_COUNTERS_BASE, counterStride: TILE_COUNTERS_STRIDE, counterCount: TILE_COUNTERS.length,
    layerBase: LAYER_BASE, layerStride: LAYER_STRIDE, layerTileBase: LAYER_TILE_BASE, layerTileStride: LAYER_TILE_STRIDE,
    layerRegCount: LAYER_REGS.length, tileRegCount: LAYER_TILE_REGS.length,
    descRegs: regs,
    descOffsets: regs.map((r) => r.offset),
  };
}

export function regsModule(cfg: ResolvedConfig, header: string): string {
  return render(REGS, regsView(cfg, header));
}
