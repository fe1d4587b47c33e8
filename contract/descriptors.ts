/**
 * Layer descriptors (docs/architecture.md section 9): what one start runs, as data, as the register
 * writes that program it (contract/registers.ts), and the rules a descriptor must satisfy. The host
 * checks the rules before anything runs (checkDescriptors: a SparsetileError sentence per broken
 * rule); the hardware checks the same rules again when it starts a layer and sets a sticky ERROR bit
 * (descriptorErrors lists which bits a descriptor sets, for tests of that second line of defence).
 */
import type { ResolvedConfig } from './config.ts';
import { SparsetileError } from './errors.ts';
import { windowStride } from './capacity.ts';
import {
  ERROR_BITS, GLOBAL_REGS, LAYER_REGS, LAYER_TILE_REGS, globalRegAddr, layerRegAddr, layerTileRegAddr, packReg, regNamed, type ErrorName, type Reg,
} from './registers.ts';

/** One tile's work in a layer: its filter sets (in its weight stream) and its window range. */
export interface TileWork {
  /** Sets in the tile's weight stream, run in order; 0 leaves the tile idle. */
  readonly sets: number;
  /** Windows winBase .. winBase+winCount-1 (window w is output pixel (floor(w/outW), w mod outW)). */
  readonly winBase: number;
  readonly winCount: number;
  /** Byte address and AXI beats of the tile's weight stream for this layer. */
  readonly streamAddr: number;
  readonly streamBeats: number;
}

export interface LayerDescriptor {
  /** For messages only. */
  readonly name: string;
  /** Half of the feature-map memory holding the input; the output goes to the other half. */
  readonly inHalf: 0 | 1;
  readonly inBase: number;
  readonly inH: number;
  readonly inW: number;
  readonly inCgroups: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly outBase: number;
  readonly outH: number;
  readonly outW: number;
  /** Output channel positions; PE k of a set with channel base b writes position b + k. */
  readonly outChannels: number;
  readonly outCgroups: number;
  readonly relu: boolean;
  readonly saturate: boolean;
  readonly shift: number;
  readonly tiles: readonly TileWork[];
}

/** Dense steps S of a layer: KH * KW * IN_CGROUPS. */
export const descriptorSteps = (d: Pick<LayerDescriptor, 'kernelH' | 'kernelW' | 'inCgroups'>): number => d.kernelH * d.kernelW * d.inCgroups;

/** The register values of one descriptor, by register name (tile registers as TILE<t>.<name>). */
export function descriptorRegisters(cfg: ResolvedConfig, d: LayerDescriptor): Map<string, number> {
  const r = (name: string, values: Record<string, number>) => packReg(regNamed(LAYER_REGS, name), values);
  const m = new Map<string, number>([
    ['CONTROL', r('CONTROL', { IN_HALF: d.inHalf, RELU: d.relu ? 1 : 0, SATURATE: d.saturate ? 1 : 0, SHIFT: d.shift })],
    ['IN_BASE', r('IN_BASE', { WORD: d.inBase })],
    ['IN_SIZE', r('IN_SIZE', { H: d.inH, W: d.inW })],
    ['IN_CGROUPS', r('IN_CGROUPS', { GROUPS: d.inCgroups })],
    ['KERNEL', r('KERNEL', { H: d.kernelH, W: d.kernelW })],
    ['STRIDE', r('STRIDE', { H: d.strideH, W: d.strideW })],
    ['DILATION', r('DILATION', { H: d.dilationH, W: d.dilationW })],
    ['PAD', r('PAD', { TOP: d.padTop, LEFT: d.padLeft, BOTTOM: d.padBottom, RIGHT: d.padRight })],
    ['OUT_BASE', r('OUT_BASE', { WORD: d.outBase })],
    ['OUT_SIZE', r('OUT_SIZE', { H: d.outH, W: d.outW })],
    ['OUT_CHANNELS', r('OUT_CHANNELS', { COUNT: d.outChannels })],
    ['OUT_CGROUPS', r('OUT_CGROUPS', { GROUPS: d.outCgroups })],
    ['WIN_STRIDE', r('WIN_STRIDE', { LINES: windowStride(descriptorSteps(d), cfg.lookahead) })],
  ]);
  d.tiles.forEach((t, i) => {
    const tr = (name: string, values: Record<string, number>) => m.set(`TILE${i}.${name}`, packReg(regNamed(LAYER_TILE_REGS, name), values));
    tr('SETS', { COUNT: t.sets });
    tr('WIN_BASE', { INDEX: t.winBase });
    tr('WIN_COUNT', { COUNT: t.winCount });
    tr('WIN_START', { HO: d.outW > 0 ? Math.floor(t.winBase / d.outW) : 0, WO: d.outW > 0 ? t.winBase % d.outW : 0 });
    tr('WSTREAM_ADDR', { ADDR: t.streamAddr });
    tr('WSTREAM_BEATS', { COUNT: t.streamBeats });
  });
  return m;
}

/** The AXI4-Lite writes that program a layer list: LAYERS, then every register of every descriptor. */
export function descriptorWrites(cfg: ResolvedConfig, layers: readonly LayerDescriptor[]): { addr: number; value: number }[] {
  const out = [{ addr: globalRegAddr('LAYERS'), value: packReg(regNamed(GLOBAL_REGS, 'LAYERS'), { COUNT: layers.length }) }];
  layers.forEach((d, l) => {
    for (const [name, value] of descriptorRegisters(cfg, d)) {
      const dot = name.indexOf('.');
      const addr = dot < 0 ? layerRegAddr(l, name) : layerTileRegAddr(l, Number(name.slice(4, dot)), name.slice(dot + 1));
      out.push({ addr, value });
    }
  });
  return out;
}

/** The value of one field of a register, for checks: the largest value it holds. */
const fieldMax = (reg: Reg, field: string): number => 2 ** reg.fields.find((x) => x.name === field)!.bits - 1;

/**
 * The ERROR bits the hardware sets for this descriptor alone: st_desc_check's layer-start checks and
 * the fetcher's stream-alignment check (STREAM, which fires when the fetcher moves to the stream,
 * possibly before the layer starts); the set-header checks of the stream's contents come on top.
 * What a descriptor the host should have rejected does to the RTL; an empty list for a good one.
 */
export function descriptorErrors(cfg: ResolvedConfig, d: LayerDescriptor): ErrorName[] {
  const errs = new Set<ErrorName>();
  const S = descriptorSteps(d);
  const zero = [d.inH, d.inW, d.inCgroups, d.kernelH, d.kernelW, d.strideH, d.strideW, d.dilationH, d.dilationW, d.outH, d.outW, d.outCgroups].some((v) => v === 0);
  if (zero || S > 0xffff) errs.add('GEOMETRY');
  if (d.inBase + d.inH * d.inW * d.inCgroups > cfg.featureMapHalfWords) errs.add('IN_BOUNDS');
  if (d.outBase + d.outH * d.outW * d.outCgroups > cfg.featureMapHalfWords) errs.add('OUT_BOUNDS');
  if (d.outChannels === 0 || d.outChannels > d.outCgroups * cfg.lanes) errs.add('CHANNELS');
  for (const t of d.tiles) {
    if (t.sets > 0 && t.winCount > 0 && t.winBase + t.winCount > d.outH * d.outW) errs.add('WINDOWS');
    if (t.streamBeats > 0 && t.streamAddr % cfg.axi.beatBytes !== 0) errs.add('STREAM');
  }
  return [...errs].sort((a, b) => ERROR_BITS[a] - ERROR_BITS[b]);
}

/**
 * The host's checks of a layer list before anything runs: every rule of the hardware's checks, and
 * the field widths of the register map. Throws a SparsetileError naming the layer, the field, the
 * rule, the value and the fix.
 */
export function checkDescriptors(cfg: ResolvedConfig, layers: readonly LayerDescriptor[]): void {
  if (layers.length === 0 || layers.length > cfg.maxLayers) {
    throw new SparsetileError(`A start runs 1 to maxLayers = ${cfg.maxLayers} layer descriptors on configuration "${cfg.name}", got ${layers.length}. Split the layer list into several starts, or use a configuration with a larger maxLayers.`);
  }
  const half = cfg.featureMapHalfWords;
  const reg = (name: string) => regNamed(LAYER_REGS, name);
  const treg = (name: string) => regNamed(LAYER_TILE_REGS, name);
  layers.forEach((d, l) => {
    const at = `layer ${l} ("${d.name}")`;
    const fits = (v: number, r: Reg, field: string, what: string) => {
      if (!Number.isInteger(v) || v < 0 || v > fieldMax(r, field)) {
        throw new SparsetileError(`Descriptor ${at}: ${what} must be an integer from 0 to ${fieldMax(r, field)} (field ${r.name}.${field}), got ${v}. Use a smaller layer or split it.`);
      }
    };
    for (const [v, what, r, field] of [
      [d.strideH, 'the vertical stride', 'STRIDE', 'H'], [d.strideW, 'the horizontal stride', 'STRIDE', 'W'],
      [d.dilationH, 'the vertical dilation', 'DILATION', 'H'], [d.dilationW, 'the horizontal dilation', 'DILATION', 'W'],
      [d.kernelH, 'the kernel height', 'KERNEL', 'H'], [d.kernelW, 'the kernel width', 'KERNEL', 'W'],
    ] as const) {
      fits(v, reg(r), field, what);
      if (v === 0) throw new SparsetileError(`Descriptor ${at}: ${what} must be at least 1, got 0. A zero ${what.replace('the ', '')} has no meaning for a convolution; use 1.`);
    }
    for (const [v, what, r, field] of [
      [d.inH, 'the input height', 'IN_SIZE', 'H'], [d.inW, 'the input width', 'IN_SIZE', 'W'], [d.inCgroups, 'the input channel groups', 'IN_CGROUPS', 'GROUPS'],
      [d.outH, 'the output height', 'OUT_SIZE', 'H'], [d.outW, 'the output width', 'OUT_SIZE', 'W'], [d.outCgroups, 'the output channel groups', 'OUT_CGROUPS', 'GROUPS'],
      [d.outChannels, 'the output channels', 'OUT_CHANNELS', 'COUNT'],
    ] as const) {
      fits(v, reg(r), field, what);
      if (v === 0) throw new SparsetileError(`Descriptor ${at}: ${what} must be at least 1, got 0.`);
    }
    for (const [v, what, field] of [[d.padTop, 'the top padding', 'TOP'], [d.padLeft, 'the left padding', 'LEFT'], [d.padBottom, 'the bottom padding', 'BOTTOM'], [d.padRight, 'the right padding', 'RIGHT']] as const) {
      fits(v, reg('PAD'), field, what);
    }
    fits(d.shift, reg('CONTROL'), 'SHIFT', 'the output shift');
    if (d.shift >= cfg.accumulatorBits) throw new SparsetileError(`Descriptor ${at}: the output shift must be less than accumulatorBits = ${cfg.accumulatorBits}, got ${d.shift}.`);
    const S = descriptorSteps(d);
    if (S > 0xffff) throw new SparsetileError(`Descriptor ${at}: the layer has ${S} dense steps (KH x KW x IN_CGROUPS = ${d.kernelH} x ${d.kernelW} x ${d.inCgroups}), more than the 65535 the step counters hold. Split the layer's input channels over several layers.`);
    const inWords = d.inH * d.inW * d.inCgroups;
    if (d.inBase + inWords > half) {
      throw new SparsetileError(`Descriptor ${at}: the input region needs ${d.inH} x ${d.inW} pixels x ${d.inCgroups} channel groups = ${inWords} words from word ${d.inBase}, but a feature-map half of configuration "${cfg.name}" holds ${half} words (rule: IN_BASE + IN_H*IN_W*IN_CGROUPS <= ${half}). The layer exceeds the activation memory; use a configuration with a larger memory.featureMapBankDepth, or split the layer.`);
    }
    const outWords = d.outH * d.outW * d.outCgroups;
    if (d.outBase + outWords > half) {
      throw new SparsetileError(`Descriptor ${at}: the output region needs ${d.outH} x ${d.outW} pixels x ${d.outCgroups} channel groups = ${outWords} words from word ${d.outBase}, but a feature-map half of configuration "${cfg.name}" holds ${half} words (rule: OUT_BASE + OUT_H*OUT_W*OUT_CGROUPS <= ${half}). The layer exceeds the activation memory; use a configuration with a larger memory.featureMapBankDepth, or split the layer.`);
    }
    if (d.outChannels > d.outCgroups * cfg.lanes) {
      throw new SparsetileError(`Descriptor ${at}: ${d.outChannels} output channels do not fit ${d.outCgroups} channel groups of ${cfg.lanes} lanes (rule: OUT_CHANNELS <= OUT_CGROUPS * N). Set OUT_CGROUPS to ${Math.ceil(d.outChannels / cfg.lanes)}.`);
    }
    if (d.tiles.length !== cfg.tiles) throw new SparsetileError(`Descriptor ${at} lists work for ${d.tiles.length} tiles, but configuration "${cfg.name}" has ${cfg.tiles}.`);
    d.tiles.forEach((t, i) => {
      fits(t.sets, treg('SETS'), 'COUNT', `tile ${i}'s set count`);
      fits(t.winBase, treg('WIN_BASE'), 'INDEX', `tile ${i}'s first window`);
      fits(t.winCount, treg('WIN_COUNT'), 'COUNT', `tile ${i}'s window count`);
      fits(t.streamBeats, treg('WSTREAM_BEATS'), 'COUNT', `tile ${i}'s weight-stream length in beats`);
      if (t.sets > 0 && t.winCount > 0 && t.winBase + t.winCount > d.outH * d.outW) {
        throw new SparsetileError(`Descriptor ${at}: tile ${i}'s windows ${t.winBase}..${t.winBase + t.winCount - 1} leave the ${d.outH} x ${d.outW} = ${d.outH * d.outW} output windows (rule: WIN_BASE + WIN_COUNT <= OUT_H * OUT_W). Fix the tile plan.`);
      }
      if (!Number.isInteger(t.streamAddr) || t.streamAddr < 0 || t.streamAddr > 0xffffffff) {
        throw new SparsetileError(`Descriptor ${at}: tile ${i}'s weight-stream address must be a 32-bit byte address, got ${t.streamAddr}.`);
      }
      if (t.streamBeats > 0 && t.streamAddr % cfg.axi.beatBytes !== 0) {
        throw new SparsetileError(`Descriptor ${at}: tile ${i}'s weight-stream address 0x${t.streamAddr.toString(16)} is not aligned to the ${cfg.axi.beatBytes}-byte AXI beat of configuration "${cfg.name}" (rule: WSTREAM_ADDR mod ${cfg.axi.beatBytes} = 0). Place the stream at a multiple of ${cfg.axi.beatBytes}.`);
      }
    });
  });
}
