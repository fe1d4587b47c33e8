/**
 * The register map of the AXI4-Lite host interface (docs/architecture.md section 9), written once as
 * data: the RTL's register file (generators/modules/regs.ts), the C and TypeScript headers, the
 * descriptor encoder (contract/descriptors.ts) and the testbench all read it.
 *
 * Byte addresses of 32-bit registers. Global registers at 0x000; per-tile counters at
 * TILE_COUNTERS_BASE + t * TILE_COUNTERS_STRIDE; layer descriptor l at LAYER_BASE + l * LAYER_STRIDE,
 * its per-tile block at + LAYER_TILE_BASE + t * LAYER_TILE_STRIDE.
 */

export type Access = 'R' | 'RW' | 'W' | 'RW1C';

export interface RegField {
  readonly name: string;
  readonly lsb: number;
  readonly bits: number;
  readonly doc: string;
}

export interface Reg {
  readonly name: string;
  /** Byte offset within its block. */
  readonly offset: number;
  readonly access: Access;
  readonly doc: string;
  readonly fields: readonly RegField[];
}

const f = (name: string, lsb: number, bits: number, doc: string): RegField => ({ name, lsb, bits, doc });
const one = (name: string, bits: number, doc: string): RegField[] => [f(name, 0, bits, doc)];

/** Sticky error bits of the ERROR register: a descriptor the host should have rejected, or a bus error. */
export const ERROR_BITS = {
  LAYERS: 0,
  GEOMETRY: 1,
  IN_BOUNDS: 2,
  OUT_BOUNDS: 3,
  WIN_STRIDE: 4,
  WINDOWS: 5,
  CHANNELS: 6,
  STREAM: 7,
  AXI: 8,
  CONTROL: 9,
} as const;
export type ErrorName = keyof typeof ERROR_BITS;

export const ERROR_DOCS: Record<ErrorName, string> = {
  LAYERS: 'LAYERS is 0 or more than the descriptors the hardware holds',
  GEOMETRY: 'a layer has a zero size, kernel, stride, dilation or channel-group count, or more steps than the step counters hold',
  IN_BOUNDS: 'a layer\'s input region IN_BASE + IN_H*IN_W*IN_CGROUPS does not fit a feature-map half',
  OUT_BOUNDS: 'a layer\'s output region OUT_BASE + OUT_H*OUT_W*OUT_CGROUPS does not fit a feature-map half',
  WIN_STRIDE: 'WIN_STRIDE is not ceil((S + h)/(h + 1)) for S = KH*KW*IN_CGROUPS',
  WINDOWS: 'a tile\'s window range leaves the output, or WIN_BASE disagrees with WIN_START',
  CHANNELS: 'OUT_CHANNELS is 0 or exceeds OUT_CGROUPS*N, or a set header\'s channel base is not below OUT_CHANNELS',
  STREAM: 'a weight stream is not beat-aligned, or a set header has 0 rows or more than the weight ring holds (a stream length that disagrees with its sets is not detected)',
  AXI: 'the external memory answered a read with an error response, or RLAST on the wrong beat',
  CONTROL: 'a row\'s step delta is outside 1..h+1 (a corrupt control word)',
};

export const GLOBAL_REGS: readonly Reg[] = [
  { name: 'CTRL', offset: 0x000, access: 'W', doc: 'write 1 to START to run the layer list (ignored while busy)', fields: one('START', 1, 'start the job') },
  {
    name: 'STATUS', offset: 0x004, access: 'R', doc: 'job status',
    fields: [f('BUSY', 0, 1, 'a job runs'), f('DONE', 1, 1, 'the last job ended (every output word written)'), f('ERROR', 2, 1, 'ERROR is not 0')],
  },
  { name: 'ERROR', offset: 0x008, access: 'RW1C', doc: 'sticky error bits (ERROR_BITS); write 1 to clear a bit', fields: one('BITS', 10, 'sticky error bits') },
  { name: 'ERROR_INFO', offset: 0x00C, access: 'R', doc: 'where the first error was seen', fields: [f('LAYER', 0, 8, 'layer index'), f('TILE', 8, 8, 'tile index (255: not tile-specific)')] },
  { name: 'LAYERS', offset: 0x010, access: 'RW', doc: 'layer descriptors the next start runs', fields: one('COUNT', 5, 'number of layers, 1..maxLayers') },
  { name: 'CYCLES', offset: 0x014, access: 'R', doc: 'busy cycles of the last (or current) job', fields: one('COUNT', 32, 'cycles') },
  { name: 'ID', offset: 0x018, access: 'R', doc: 'the configuration hash\'s first 32 bits, to check that software and RTL agree', fields: one('HASH', 32, 'hash prefix') },
];

export const TILE_COUNTERS_BASE = 0x100;
export const TILE_COUNTERS_STRIDE = 0x40;

/** Per-tile counters (read-only, cleared at start, 32 bits, wrapping). docs/architecture.md section 8 defines each. */
export const TILE_COUNTERS: readonly Reg[] = [
  { name: 'ISSUE', offset: 0x00, access: 'R', doc: 'rows issued (weight-memory row reads)', fields: one('COUNT', 32, 'rows') },
  { name: 'STALL_WEIGHT', offset: 0x04, access: 'R', doc: 'cycles a row waited for its set\'s weights', fields: one('COUNT', 32, 'cycles') },
  { name: 'STALL_FILL', offset: 0x08, access: 'R', doc: 'cycles a row waited for its activation-buffer lines', fields: one('COUNT', 32, 'cycles') },
  { name: 'STALL_OUTPUT', offset: 0x0C, access: 'R', doc: 'cycles a window\'s last row waited for an output credit', fields: one('COUNT', 32, 'cycles') },
  { name: 'FM_READS', offset: 0x10, access: 'R', doc: 'feature-map memory word reads of the buffer fill', fields: one('COUNT', 32, 'words') },
  { name: 'BUF_WRITES', offset: 0x14, access: 'R', doc: 'activation-buffer lines written (h+1 bank words each)', fields: one('COUNT', 32, 'lines') },
  { name: 'BUF_READS', offset: 0x18, access: 'R', doc: 'activation-buffer bank word reads (h+1 per issued row)', fields: one('COUNT', 32, 'words') },
  { name: 'OUT_WRITES', offset: 0x1C, access: 'R', doc: 'feature-map memory word writes of this tile\'s outputs', fields: one('COUNT', 32, 'words') },
  { name: 'AXI_BYTES', offset: 0x20, access: 'R', doc: 'weight-stream bytes fetched over AXI', fields: one('COUNT', 32, 'bytes') },
];

export const LAYER_BASE = 0x1000;
export const LAYER_STRIDE = 0x400;
export const LAYER_TILE_BASE = 0x100;
export const LAYER_TILE_STRIDE = 0x20;

/** One layer descriptor's registers (all RW). */
export const LAYER_REGS: readonly Reg[] = [
  {
    name: 'CONTROL', offset: 0x00, access: 'RW', doc: 'ping-pong half and requantization',
    fields: [
      f('IN_HALF', 0, 1, 'the feature-map half holding the input; outputs go to the other half'),
      f('RELU', 8, 1, 'output stage: ReLU first'),
      f('SATURATE', 9, 1, 'output stage: saturate (1) or wrap (0) to the activation width'),
      f('SHIFT', 16, 6, 'output stage: arithmetic right shift'),
    ],
  },
  { name: 'IN_BASE', offset: 0x04, access: 'RW', doc: 'first word of the input region in its half', fields: one('WORD', 24, 'word address') },
  { name: 'IN_SIZE', offset: 0x08, access: 'RW', doc: 'input height and width', fields: [f('H', 0, 16, 'rows'), f('W', 16, 16, 'columns')] },
  { name: 'IN_CGROUPS', offset: 0x0C, access: 'RW', doc: 'input channel groups Gc = ceil(C/N): words per pixel', fields: one('GROUPS', 16, 'channel groups') },
  { name: 'KERNEL', offset: 0x10, access: 'RW', doc: 'kernel height and width', fields: [f('H', 0, 8, 'KH'), f('W', 8, 8, 'KW')] },
  { name: 'STRIDE', offset: 0x14, access: 'RW', doc: 'strides', fields: [f('H', 0, 8, 'vertical'), f('W', 8, 8, 'horizontal')] },
  { name: 'DILATION', offset: 0x18, access: 'RW', doc: 'dilations', fields: [f('H', 0, 8, 'vertical'), f('W', 8, 8, 'horizontal')] },
  {
    name: 'PAD', offset: 0x1C, access: 'RW', doc: 'zero padding per side (generated, never stored)',
    fields: [f('TOP', 0, 8, 'rows above'), f('LEFT', 8, 8, 'columns left'), f('BOTTOM', 16, 8, 'rows below'), f('RIGHT', 24, 8, 'columns right')],
  },
  { name: 'OUT_BASE', offset: 0x20, access: 'RW', doc: 'first word of the output region in the other half', fields: one('WORD', 24, 'word address') },
  { name: 'OUT_SIZE', offset: 0x24, access: 'RW', doc: 'output height and width', fields: [f('H', 0, 16, 'rows'), f('W', 16, 16, 'columns')] },
  { name: 'OUT_CHANNELS', offset: 0x28, access: 'RW', doc: 'output channel positions: PE k of a set with channel base b writes position b + k', fields: one('COUNT', 16, 'channels') },
  { name: 'OUT_CGROUPS', offset: 0x2C, access: 'RW', doc: 'output channel groups: words per output pixel', fields: one('GROUPS', 16, 'channel groups') },
  { name: 'WIN_STRIDE', offset: 0x30, access: 'RW', doc: 'Qw = ceil((S + h)/(h + 1)): activation-buffer lines per window', fields: one('LINES', 16, 'lines') },
];

/** A layer descriptor's per-tile registers (all RW), at LAYER_TILE_BASE + t * LAYER_TILE_STRIDE. */
export const LAYER_TILE_REGS: readonly Reg[] = [
  { name: 'SETS', offset: 0x00, access: 'RW', doc: 'filter sets this tile runs (0 leaves it idle)', fields: one('COUNT', 16, 'sets') },
  { name: 'WIN_BASE', offset: 0x04, access: 'RW', doc: 'first window (output pixel ho*OUT_W + wo) of the tile\'s range', fields: one('INDEX', 24, 'window') },
  { name: 'WIN_COUNT', offset: 0x08, access: 'RW', doc: 'windows in the tile\'s range', fields: one('COUNT', 24, 'windows') },
  { name: 'WIN_START', offset: 0x0C, access: 'RW', doc: 'the first window as (ho, wo)', fields: [f('HO', 0, 16, 'output row'), f('WO', 16, 16, 'output column')] },
  { name: 'WSTREAM_ADDR', offset: 0x10, access: 'RW', doc: 'byte address of the tile\'s weight stream (beat-aligned)', fields: one('ADDR', 32, 'byte address') },
  { name: 'WSTREAM_BEATS', offset: 0x14, access: 'RW', doc: 'AXI beats of the tile\'s weight stream', fields: one('COUNT', 24, 'beats') },
];

export const tileCounterAddr = (tile: number, reg: string): number => TILE_COUNTERS_BASE + tile * TILE_COUNTERS_STRIDE + regNamed(TILE_COUNTERS, reg).offset;
export const layerRegAddr = (layer: number, reg: string): number => LAYER_BASE + layer * LAYER_STRIDE + regNamed(LAYER_REGS, reg).offset;
export const layerTileRegAddr = (layer: number, tile: number, reg: string): number =>
  LAYER_BASE + layer * LAYER_STRIDE + LAYER_TILE_BASE + tile * LAYER_TILE_STRIDE + regNamed(LAYER_TILE_REGS, reg).offset;
export const globalRegAddr = (reg: string): number => regNamed(GLOBAL_REGS, reg).offset;

export function regNamed(block: readonly Reg[], name: string): Reg {
  const r = block.find((x) => x.name === name);
  if (!r) throw new Error(`internal: no register ${name}`);
  return r;
}

/** The value of a register from its fields' values (each masked to its width). */
export function packReg(reg: Reg, values: Readonly<Record<string, number>>): number {
  let v = 0n;
  for (const fl of reg.fields) {
    const x = values[fl.name] ?? 0;
    v |= (BigInt(x) & ((1n << BigInt(fl.bits)) - 1n)) << BigInt(fl.lsb);
  }
  return Number(v & 0xffffffffn);
}

/** The fields of a register value. */
export function unpackReg(reg: Reg, value: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const fl of reg.fields) out[fl.name] = Number((BigInt(value >>> 0) >> BigInt(fl.lsb)) & ((1n << BigInt(fl.bits)) - 1n));
  return out;
}

/** Byte address width of the AXI4-Lite interface: enough for every layer descriptor. */
export function regAddrBits(maxLayers: number): number {
  const top = LAYER_BASE + maxLayers * LAYER_STRIDE;
  return Math.ceil(Math.log2(top));
}

/**
 * Width of LAYERS.COUNT. The register stores the whole field, so a count above maxLayers reaches the
 * LAYERS check instead of being truncated into a valid count; config LIMITS.maxLayers fits in it.
 */
export const layersCountBits = (): number => regNamed(GLOBAL_REGS, 'LAYERS').fields[0].bits;
