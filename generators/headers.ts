/**
 * Software headers: <name>_params.h for C host software and <name>.params.ts for TypeScript (the
 * co-simulation harness packs memory images through it). Both carry the parameters, the register
 * map and the word encodings the RTL uses, from the same resolved configuration. The TypeScript
 * header is emitted with ts-morph: first plain data (a list of constants), then printed.
 */
import { Project, VariableDeclarationKind } from 'ts-morph';
import type { ResolvedConfig } from '../contract/config.ts';
import { GENERATOR_VERSION } from './version.ts';
import { CSR, hostWidths } from '../contract/host.ts';
import { controlFields, layoutFromConfig, slotFields, slotPlace } from '../contract/layout.ts';

interface Constant {
  readonly name: string;
  readonly value: number | string | readonly (readonly [number, number])[];
  readonly doc: string;
}

/** The constants both headers carry, in print order. */
export function headerConstants(cfg: ResolvedConfig): Constant[] {
  const hw = hostWidths(cfg);
  return [
    { name: 'CONFIG_NAME', value: cfg.name, doc: 'Configuration name.' },
    { name: 'CONFIG_HASH', value: cfg.hash, doc: 'sha256 of the canonical configuration JSON (ResolvedConfig.hash).' },
    { name: 'LANES', value: cfg.lanes, doc: 'N: multiplier lanes per PE.' },
    { name: 'FILTERS_PER_TILE', value: cfg.filtersPerTile, doc: 'K: PEs (filters) per tile.' },
    { name: 'TILES', value: cfg.tiles, doc: 'T: tiles.' },
    { name: 'WEIGHT_BITS', value: cfg.weightBits, doc: 'Signed weight width.' },
    { name: 'ACTIVATION_BITS', value: cfg.activationBits, doc: 'Signed activation width.' },
    { name: 'ACCUMULATOR_BITS', value: cfg.accumulatorBits, doc: 'Signed accumulator width (wraps).' },
    { name: 'OUTPUT_BITS', value: cfg.output.bits, doc: 'Signed output value width.' },
    { name: 'LOOKAHEAD', value: cfg.lookahead, doc: 'h: the activation buffer holds h+1 rows.' },
    { name: 'MUX_INPUTS', value: cfg.muxInputs, doc: 'Inputs of each lane mux, 1 + number of offsets.' },
    { name: 'SELECT_BITS', value: cfg.selectBits, doc: 'Select code width (0: dense baseline).' },
    { name: 'SLOT_BITS', value: cfg.slotBits, doc: 'Weight slot {select, weight}: weight at bit 0, select at bit WEIGHT_BITS.' },
    { name: 'DELTA_BITS', value: cfg.deltaBits, doc: 'Control word delta field, at bit 0.' },
    { name: 'CONTROL_BITS', value: cfg.controlBits, doc: 'Control word {last, delta}: last at bit DELTA_BITS.' },
    { name: 'WEIGHT_DATA_BANKS', value: cfg.weightDataBanks, doc: 'Weight data banks; the control bank is bank WEIGHT_DATA_BANKS.' },
    { name: 'WEIGHT_BANK_WIDTH', value: cfg.weightBankWidth, doc: 'Weight data bank word width.' },
    { name: 'WEIGHT_DEPTH', value: cfg.weightDepth, doc: 'Weight memory rows per tile.' },
    { name: 'WEIGHT_ADDR_BITS', value: cfg.weightAddrBits, doc: 'wm_addr_i width.' },
    { name: 'ACTIVATION_BANKS', value: cfg.activationBanks, doc: 'Activation banks, h+1.' },
    { name: 'ACTIVATION_BANK_WIDTH', value: cfg.activationBankWidth, doc: 'Activation bank word: lane l at l*ACTIVATION_BITS.' },
    { name: 'ACTIVATION_BANK_DEPTH', value: cfg.activationBankDepth, doc: 'Words per activation bank.' },
    { name: 'ACTIVATION_ADDR_BITS', value: cfg.activationAddrBits, doc: 'am_addr_i width.' },
    { name: 'OUTPUT_DEPTH', value: cfg.outputDepth, doc: 'Output words per tile.' },
    { name: 'OUTPUT_ADDR_BITS', value: cfg.outputAddrBits, doc: 'om_addr_i width.' },
    { name: 'OUTPUT_WORD_BITS', value: cfg.outputWordBits, doc: 'Output word: PE k at k*OUTPUT_BITS.' },
    { name: 'ADDER_TREE_STAGES', value: cfg.adderTreeStages, doc: 'Registered adder-tree stages.' },
    { name: 'PIPELINE_LATENCY', value: cfg.pipelineLatency, doc: 'Busy cycles = issue cycles + PIPELINE_LATENCY.' },
    { name: 'TILE_SEL_BITS', value: hw.tileSelBits, doc: 'wm_tile_i and om_tile_i width.' },
    { name: 'WM_BANK_SEL_BITS', value: hw.wmBankSelBits, doc: 'wm_bank_i width.' },
    { name: 'WM_WDATA_BITS', value: hw.wmWdataBits, doc: 'wm_wdata_i width (data right-aligned).' },
    { name: 'AM_BANK_SEL_BITS', value: hw.amBankSelBits, doc: 'am_bank_i width.' },
    { name: 'PE_SEL_BITS', value: hw.peSelBits, doc: 'om_pe_i width.' },
    { name: 'CSR_COUNT_BITS', value: hw.countBits, doc: 'Bits stored in WINDOWS and TILE_SETS.' },
    { name: 'CSR_STRIDE_BITS', value: hw.strideBits, doc: 'Bits stored in WIN_STRIDE.' },
    { name: 'CSR_STATUS', value: CSR.STATUS, doc: 'STATUS register (R): bit 0 busy, bit 1 done.' },
    { name: 'CSR_WINDOWS', value: CSR.WINDOWS, doc: 'WINDOWS register (RW): Wn.' },
    { name: 'CSR_WIN_STRIDE', value: CSR.WIN_STRIDE, doc: 'WIN_STRIDE register (RW): Qw.' },
    { name: 'CSR_CYCLES', value: CSR.CYCLES, doc: 'CYCLES register (R): busy cycles of the last job.' },
    { name: 'CSR_TILE_SETS_BASE', value: CSR.TILE_SETS_BASE, doc: 'TILE_SETS[t] register (RW) is at CSR_TILE_SETS_BASE + t.' },
    { name: 'WEIGHT_BANKING', value: cfg.weightBanking, doc: 'per-pe: bank k holds PE k slot l at l*SLOT_BITS; per-lane: bank k*LANES+l holds it at bit 0.' },
    { name: 'OFFSETS', value: cfg.offsets, doc: 'Select code c is offset OFFSETS[c] = [ahead, aside]; code 0 is [0, 0].' },
  ];
}

const hexMask = (bits: number) => `0x${((1n << BigInt(bits)) - 1n).toString(16).toUpperCase()}u`;

export function cHeader(cfg: ResolvedConfig): string {
  const guard = `ST_${cfg.name.toUpperCase().replace(/-/g, '_')}_PARAMS_H`;
  const lines: string[] = [
    `/* ${cfg.name}_params.h: generated by sparsetile ${GENERATOR_VERSION} from configuration "${cfg.name}". Do not edit. */`,
    '/* Parameters, register map and memory word encodings of the generated RTL (docs/architecture.md). */',
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '/* ---- parameters and register map ---- */',
  ];
  for (const c of headerConstants(cfg)) {
    if (c.name === 'OFFSETS') continue;
    const v = typeof c.value === 'number' ? (c.name.startsWith('CSR_') && !c.name.endsWith('_BITS') ? `0x${c.value.toString(16).padStart(2, '0').toUpperCase()}u` : `${c.value}u`) : JSON.stringify(c.value);
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
    '#define ST_CSR_TILE_SETS(t) (ST_CSR_TILE_SETS_BASE + (t))',
    '#define ST_STATUS_BUSY_MASK 0x1u',
    '#define ST_STATUS_DONE_MASK 0x2u',
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
    '#define ST_WM_CONTROL_BANK ST_WEIGHT_DATA_BANKS',
    '/* weight memory: the data bank and bit offset within its word of PE k\'s slot l */',
    `#define ST_WM_SLOT_BANK(k, l) ${linear(bk, bl)}`,
    `#define ST_WM_SLOT_SHIFT(k, l) ${linear(sk, sl)}`,
    '/* activation bank word: lane l */',
    '#define ST_AM_LANE_SHIFT(l) ((l) * ST_ACTIVATION_BITS)',
    `#define ST_AM_LANE_MASK ${hexMask(cfg.activationBits)}`,
    '/* output word: PE k */',
    '#define ST_OM_PE_SHIFT(k) ((k) * ST_OUTPUT_BITS)',
    `#define ST_OM_PE_MASK ${hexMask(cfg.output.bits)}`,
    '/* activation layout: row (w, t) of a window is in bank t % ST_ACTIVATION_BANKS at w * Qw + t / ST_ACTIVATION_BANKS */',
    '#define ST_AM_BANK(t) ((t) % ST_ACTIVATION_BANKS)',
    '#define ST_AM_ADDR(w, qw, t) ((w) * (qw) + (t) / ST_ACTIVATION_BANKS)',
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
    if (typeof c.value === 'number') initializer = c.name.startsWith('CSR_') && !c.name.endsWith('_BITS') ? `0x${c.value.toString(16).padStart(2, '0')}` : String(c.value);
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
