/**
 * Software headers: <name>_params.h for C host software and <name>.params.ts for TypeScript (the
 * co-simulation harness packs memory images through it). Both carry the parameters, the register
 * map and the word encodings the RTL uses, from the same resolved configuration. The TypeScript
 * header is emitted with ts-morph: first plain data (a list of constants), then printed.
 */
import { Project, VariableDeclarationKind } from 'ts-morph';
import type { ResolvedConfig } from '../contract/config.ts';
import { GENERATOR_VERSION } from './version.ts';
import { hostWidths } from '../contract/host.ts';
import {
  ERROR_BITS, ERROR_DOCS, GLOBAL_REGS, LAYER_BASE, LAYER_REGS, LAYER_STRIDE, LAYER_TILE_BASE, LAYER_TILE_REGS, LAYER_TILE_STRIDE, TILE_COUNTERS, TILE_COUNTERS_BASE,
  TILE_COUNTERS_STRIDE, type ErrorName, type Reg,
} from '../contract/registers.ts';
import { rleEntryFields } from '../contract/rle.ts';
import { HEADER_CONTROL_LSB, HEADER_FIELDS, controlOffset } from '../contract/stream.ts';
import { controlFields, layoutFromConfig, slotFields, slotPlace } from '../contract/layout.ts';

interface Constant {
  readonly name: string;
  readonly value: number | string | readonly (readonly [number, number])[];
  readonly doc: string;
}

/** The constants both headers carry, in print order. */
export function headerConstants(cfg: ResolvedConfig): Constant[] {
  const hw = hostWidths(cfg);
  const slot = slotFields(cfg);
  const ctrl = controlFields(cfg);
  const reg = (prefix: string, r: Reg, where: string): Constant[] => [
    { name: `${prefix}${r.name}`, value: r.offset, doc: `${r.name} (${r.access}) ${where}: ${r.doc}.` },
    ...r.fields.flatMap((f) => [
      { name: `${prefix}${r.name}_${f.name}_SHIFT`, value: f.lsb, doc: `${r.name}.${f.name}: ${f.doc}.` },
      { name: `${prefix}${r.name}_${f.name}_BITS`, value: f.bits, doc: `Width of ${r.name}.${f.name}.` },
    ]),
  ];
  return [
    { name: 'CONFIG_NAME', value: cfg.name, doc: 'Configuration name.' },
    { name: 'CONFIG_HASH', value: cfg.hash, doc: 'sha256 of the canonical configuration JSON (ResolvedConfig.hash); its first 32 bits are the ID register.' },
    { name: 'LANES', value: cfg.lanes, doc: 'N: multiplier lanes per PE.' },
    { name: 'FILTERS_PER_TILE', value: cfg.filtersPerTile, doc: 'K: PEs (filters) per tile.' },
    { name: 'TILES', value: cfg.tiles, doc: 'T: tiles.' },
    { name: 'WEIGHT_BITS', value: cfg.weightBits, doc: 'Signed weight width.' },
    { name: 'ACTIVATION_BITS', value: cfg.activationBits, doc: 'Signed activation width.' },
    { name: 'ACCUMULATOR_BITS', value: cfg.accumulatorBits, doc: 'Signed accumulator width (wraps).' },
    { name: 'OUTPUT_BITS', value: cfg.output.bits, doc: 'Signed output value width.' },
    { name: 'LOOKAHEAD', value: cfg.lookahead, doc: 'h: the activation buffer holds rows t..t+h.' },
    { name: 'MUX_INPUTS', value: cfg.muxInputs, doc: 'Inputs of each lane mux, 1 + number of offsets.' },
    { name: 'SELECT_BITS', value: cfg.selectBits, doc: 'Select code width (0: dense baseline).' },
    { name: 'SLOT_BITS', value: cfg.slotBits, doc: `Weight slot {select, weight}: weight at bit ${slot.weight.lsb}, select at bit ${slot.select.lsb}.` },
    { name: 'DELTA_BITS', value: cfg.deltaBits, doc: `Control word delta field, at bit ${ctrl.delta.lsb}.` },
    { name: 'CONTROL_BITS', value: cfg.controlBits, doc: `Control word {last, delta}: last at bit ${ctrl.last.lsb}.` },
    { name: 'WEIGHT_DATA_BANKS', value: cfg.weightDataBanks, doc: 'Weight data banks of a row.' },
    { name: 'WEIGHT_BANK_WIDTH', value: cfg.weightBankWidth, doc: 'Weight data bank word width.' },
    { name: 'WEIGHT_DEPTH', value: cfg.weightDepth, doc: 'Weight-ring records per tile (a set needs rows + 1).' },
    { name: 'ACTIVATION_BANKS', value: cfg.activationBanks, doc: 'Activation-buffer banks, h+1.' },
    { name: 'ACTIVATION_BANK_WIDTH', value: cfg.activationBankWidth, doc: 'A feature-map or activation-buffer word: lane l at l*ACTIVATION_BITS.' },
    { name: 'ACTIVATION_BANK_DEPTH', value: cfg.activationBankDepth, doc: 'Activation-buffer ring lines.' },
    { name: 'FEATURE_MAP_BANKS', value: cfg.featureMapBanks, doc: 'Feature-map banks per tile; word a is in bank a mod FEATURE_MAP_BANKS.' },
    { name: 'FEATURE_MAP_BANK_DEPTH', value: cfg.featureMapBankDepth, doc: 'Rows per feature-map bank (both halves).' },
    { name: 'FEATURE_MAP_HALF_WORDS', value: cfg.featureMapHalfWords, doc: 'Words of one ping-pong half; half 1 starts at this word address.' },
    { name: 'FM_ADDR_BITS', value: hw.fmAddrBits, doc: 'fm_addr_i and fm_raddr_i width.' },
    { name: 'AXI_DATA_BITS', value: cfg.axi.dataBits, doc: 'AXI4 read data width of the weight fetchers.' },
    { name: 'AXI_MAX_BURST', value: cfg.axi.maxBurst, doc: 'Longest INCR burst, beats (never across 4 KB).' },
    { name: 'RECORD_BEATS', value: cfg.recordBeats, doc: 'AXI beats per weight-stream record (a row or a set header).' },
    { name: 'RECORD_CONTROL_SHIFT', value: controlOffset(cfg), doc: 'Bit of the control word in a row record.' },
    { name: 'HEADER_ROWS_SHIFT', value: HEADER_FIELDS.rows.lsb, doc: 'Set header: rows field (16 bits).' },
    { name: 'HEADER_CHAN_SHIFT', value: HEADER_FIELDS.chanBase.lsb, doc: 'Set header: output channel base field (16 bits).' },
    ...rleConstants(cfg),
    { name: 'MAX_LAYERS', value: cfg.maxLayers, doc: 'Layer descriptors one start runs.' },
    { name: 'OUTPUT_WORD_BITS', value: cfg.outputWordBits, doc: 'Output word of the K PEs.' },
    { name: 'ADDER_TREE_STAGES', value: cfg.adderTreeStages, doc: 'Registered adder-tree stages.' },
    { name: 'PIPELINE_LATENCY', value: cfg.pipelineLatency, doc: 'Cycles from a window\'s last row to its word entering the output FIFO.' },
    { name: 'REG_ADDR_BITS', value: hw.regAddrBits, doc: 'AXI4-Lite byte address width.' },
    ...GLOBAL_REGS.flatMap((r) => reg('REG_', r, 'at its byte address')),
    { name: 'REG_TILE_COUNTERS_BASE', value: TILE_COUNTERS_BASE, doc: 'Tile t\'s counters start at REG_TILE_COUNTERS_BASE + t * REG_TILE_COUNTERS_STRIDE.' },
    { name: 'REG_TILE_COUNTERS_STRIDE', value: TILE_COUNTERS_STRIDE, doc: 'Bytes between two tiles\' counters.' },
    ...TILE_COUNTERS.map((r) => ({ name: `CNT_${r.name}`, value: r.offset, doc: `Tile counter ${r.name} (R, 32 bits, cleared at start): ${r.doc}.` })),
    { name: 'REG_LAYER_BASE', value: LAYER_BASE, doc: 'Layer descriptor l starts at REG_LAYER_BASE + l * REG_LAYER_STRIDE.' },
    { name: 'REG_LAYER_STRIDE', value: LAYER_STRIDE, doc: 'Bytes between two layer descriptors.' },
    { name: 'REG_LAYER_TILE_BASE', value: LAYER_TILE_BASE, doc: 'Tile t\'s block of a layer descriptor at + REG_LAYER_TILE_BASE + t * REG_LAYER_TILE_STRIDE.' },
    { name: 'REG_LAYER_TILE_STRIDE', value: LAYER_TILE_STRIDE, doc: 'Bytes between two tile blocks of a layer descriptor.' },
    ...LAYER_REGS.flatMap((r) => reg('LD_', r, 'in a layer descriptor')),
    ...LAYER_TILE_REGS.flatMap((r) => reg('LDT_', r, 'in a tile block of a layer descriptor')),
    ...(Object.keys(ERROR_BITS) as ErrorName[]).map((n) => ({ name: `ERR_${n}`, value: ERROR_BITS[n], doc: `ERROR bit: ${ERROR_DOCS[n]}.` })),
    { name: 'WEIGHT_BANKING', value: cfg.weightBanking, doc: 'per-pe: bank k holds PE k slot l at l*SLOT_BITS; per-lane: bank k*LANES+l holds it at bit 0.' },
    { name: 'OFFSETS', value: cfg.offsets, doc: 'Select code c is offset OFFSETS[c] = [ahead, aside]; code 0 is [0, 0].' },
  ];
}

/** A run-length coded weight stream's format (docs/architecture.md sections 5.2 and 11); none for plain records. */
function rleConstants(cfg: ResolvedConfig): { name: string; value: number; doc: string }[] {
  const ws = cfg.weightStream;
  if (ws.coding !== 'rle') return [];
  const f = rleEntryFields(ws.format);
  return [
    { name: 'WEIGHT_STREAM_RLE', value: 1, doc: 'The weight stream is run-length coded: a coded set header, then the set\'s slot stream.' },
    { name: 'RLE_ENTRY_BITS', value: ws.entryBits, doc: `Entry {run, value}: value (a slot) at bit ${f.value.lsb}, run at bit ${f.run.lsb}.` },
    { name: 'RLE_RUN_BITS', value: f.run.bits, doc: 'Run field width; the escape {2^RLE_RUN_BITS - 1, 0} stands for 2^RLE_RUN_BITS zeros.' },
    { name: 'RLE_ENTRIES_PER_BEAT', value: ws.entriesPerBeat, doc: 'Entries per AXI beat, entry e at e*RLE_ENTRY_BITS; a set\'s slot stream starts on a new beat.' },
    { name: 'HEADER_CONTROL_SHIFT', value: HEADER_CONTROL_LSB, doc: 'Coded set header: row i\'s control word at HEADER_CONTROL_SHIFT + i*CONTROL_BITS.' },
  ];
}

/** Register offsets print in hex; shifts, widths and sizes in decimal. */
const isAddress = (name: string): boolean => /^(REG_|LD_|LDT_|CNT_)/.test(name) && !/_(SHIFT|BITS|STRIDE)$/.test(name) && name !== 'REG_ADDR_BITS';

const hexMask = (bits: number) => `0x${((1n << BigInt(bits)) - 1n).toString(16).toUpperCase()}u`;

export function cHeader(cfg: ResolvedConfig): string {
  const guard = `ST_${cfg.name.toUpperCase().replace(/-/g, '_')}_PARAMS_H`;
  const lines: string[] = [
    `/* ${cfg.name}_params.h: generated by sparsetile ${GENERATOR_VERSION} from configuration "${cfg.name}". Do not edit. */`,
    '/* Parameters, register map and memory word encodings of the generated RTL (docs/architecture.md). */',
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stdint.h>',
    '',
    '/* ---- parameters and register map ---- */',
  ];
  for (const c of headerConstants(cfg)) {
    if (c.name === 'OFFSETS') continue;
    const v = typeof c.value === 'number' ? (isAddress(c.name) ? `0x${c.value.toString(16).padStart(3, '0').toUpperCase()}u` : `${c.value}u`) : JSON.stringify(c.value);
    lines.push(`/* ${c.doc} */`, `#define ST_${c.name} ${v}`);
  }
  const perLane = cfg.weightBanking === 'per-lane';
  const slot = slotFields(cfg);
  const ctrl = controlFields(cfg);
  // slotPlace is linear in (k, l) for both bankings: bank = k*bk + l*bl, shift = k*sk + l*sl
  const L = layoutFromConfig(cfg);
  const p00 = slotPlace(L, 0, 0);
  const p10 = slotPlace(L, Math.min(1, cfg.filtersPerTile - 1), 0);
  const p01 = slotPlace(L, 0, Math.min(1, cfg.lanes - 1));
  const bk = cfg.filtersPerTile > 1 ? p10.bank - p00.bank : 0;
  const bl = cfg.lanes > 1 ? p01.bank - p00.bank : 0;
  const sk = cfg.filtersPerTile > 1 ? p10.lsb - p00.lsb : 0;
  const sl = cfg.lanes > 1 ? p01.lsb - p00.lsb : 0;
  const linear = (ck: number, cl: number) => `((k) * ${ck}u + (l) * ${cl}u)`;
  lines.push(
    `#define ST_WEIGHT_BANKING_PER_LANE ${perLane ? 1 : 0}`,
    '/* register addresses of tile t\'s counters and of layer l\'s descriptor registers */',
    '#define ST_TILE_COUNTER(t, cnt) (ST_REG_TILE_COUNTERS_BASE + (t) * ST_REG_TILE_COUNTERS_STRIDE + (cnt))',
    '#define ST_LAYER_REG(l, reg) (ST_REG_LAYER_BASE + (l) * ST_REG_LAYER_STRIDE + (reg))',
    '#define ST_LAYER_TILE_REG(l, t, reg) (ST_REG_LAYER_BASE + (l) * ST_REG_LAYER_STRIDE + ST_REG_LAYER_TILE_BASE + (t) * ST_REG_LAYER_TILE_STRIDE + (reg))',
    '#define ST_FIELD(value, shift, bits) ((bits) >= 32 ? (uint32_t)(value) : (((uint32_t)(value) & ((1u << (bits)) - 1u)) << (shift)))',
    '',
    '/* ---- word encodings: field shift and mask; values are two\'s complement in their field ---- */',
    '/* weight slot {select, weight} */',
    `#define ST_SLOT_WEIGHT_SHIFT ${slot.weight.lsb}u`,
    `#define ST_SLOT_WEIGHT_MASK ${hexMask(cfg.weightBits)}`,
    `#define ST_SLOT_SELECT_SHIFT ${slot.select.lsb}u`,
    `#define ST_SLOT_SELECT_MASK ${cfg.selectBits > 0 ? hexMask(cfg.selectBits) : '0x0u'}`,
    '/* control bank word {last, delta} */',
    `#define ST_CTRL_DELTA_SHIFT ${ctrl.delta.lsb}u`,
    `#define ST_CTRL_DELTA_MASK ${hexMask(cfg.deltaBits)}`,
    `#define ST_CTRL_LAST_SHIFT ${ctrl.last.lsb}u`,
    '#define ST_CTRL_LAST_MASK 0x1u',
    '/* weight memory: the data bank and bit offset within its word of PE k\'s slot l */',
    `#define ST_WM_SLOT_BANK(k, l) ${linear(bk, bl)}`,
    `#define ST_WM_SLOT_SHIFT(k, l) ${linear(sk, sl)}`,
    '/* activation bank word: lane l */',
    '#define ST_AM_LANE_SHIFT(l) ((l) * ST_ACTIVATION_BITS)',
    `#define ST_AM_LANE_MASK ${hexMask(cfg.activationBits)}`,
    '/* output word: PE k */',
    '#define ST_OM_PE_SHIFT(k) ((k) * ST_OUTPUT_BITS)',
    `#define ST_OM_PE_MASK ${hexMask(cfg.output.bits)}`,
    '/* feature-map brick layout: word of pixel (y, x), channel group g, of a region at base, width w, cg groups */',
    '#define ST_FM_WORD(base, w, cg, y, x, g) ((base) + ((y) * (w) + (x)) * (cg) + (g))',
    '#define ST_FM_BANK(addr) ((addr) % ST_FEATURE_MAP_BANKS)',
    '',
    '/* ---- select codes: code c reads buffer slot ST_OFFSET_AHEAD[c], lane (l + ST_OFFSET_ASIDE[c]) mod ST_LANES ---- */',
    `#define ST_OFFSET_AHEAD_INIT { ${cfg.offsets.map(([a]) => a).join(', ')} }`,
    `#define ST_OFFSET_ASIDE_INIT { ${cfg.offsets.map(([, d]) => d).join(', ')} }`,
    '',
    `#endif /* ${guard} */`,
    '',
  );
  return lines.join('\n');
}

export function tsHeader(cfg: ResolvedConfig): string {
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile(`${cfg.name}.params.ts`, '', { overwrite: true });
  file.addStatements([
    `// ${cfg.name}.params.ts: generated by sparsetile ${GENERATOR_VERSION} from configuration "${cfg.name}". Do not edit.`,
    '// Parameters, register map and memory word encodings of the generated RTL (docs/architecture.md).',
  ]);
  for (const c of headerConstants(cfg)) {
    let initializer: string;
    if (typeof c.value === 'number') initializer = isAddress(c.name) ? `0x${c.value.toString(16).padStart(3, '0')}` : String(c.value);
    else if (typeof c.value === 'string') initializer = `${JSON.stringify(c.value)} as const`;
    else initializer = `[${c.value.map(([a, d]) => `[${a}, ${d}]`).join(', ')}] as const`;
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: c.name, initializer }],
      docs: [c.doc],
    });
  }
  file.formatText({ indentSize: 2 });
  return file.getFullText();
}
