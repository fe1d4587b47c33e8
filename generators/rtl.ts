/**
 * The RTL generator: view models computed from the resolved configuration, rendered through the
 * templates in templates/. One module per file, the file named after the module, every module
 * prefixed st_. Output is a pure function of the configuration (and the generator version).
 */
import type { ResolvedConfig } from '../contract/config.ts';
import { adderTreeView } from './adderTree.ts';
import { interconnectView } from './interconnect.ts';
import { checkBuildable } from './limits.ts';
import { render, renderPartial } from './templates.ts';
import { GENERATOR_VERSION } from './version.ts';
import { CSR, hostWidths, type HostWidths } from '../contract/host.ts';

export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** Modules in dependency order (leaves first): the filelist's order. */
export function moduleNames(cfg: ResolvedConfig): string[] {
  const frontEnd = cfg.dense ? [] : ['st_act_buffer', 'st_interconnect'];
  return [
    'st_sram',
    'st_weight_mem',
    'st_act_mem',
    ...frontEnd,
    'st_adder_tree',
    'st_pe',
    'st_output_stage',
    'st_controller',
    'st_csr',
    'st_tile',
    'st_top',
  ];
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

export function patternDoc(cfg: ResolvedConfig): string {
  const p = cfg.input.pattern;
  if ('shape' in p) return `${p.shape} <${p.lookahead},${p.lookaside}>`;
  return cfg.dense ? 'dense (no interconnect)' : `offsets ${cfg.offsets.slice(1).map(([a, d]) => `(${a},${d})`).join(' ')}`;
}

interface Param {
  readonly value: number;
  readonly comment: string;
}

/** Every configuration-derived localparam, with its meaning. */
function paramTable(cfg: ResolvedConfig, hw: HostWidths, slotCount: number): Record<string, Param> {
  return {
    LANES: { value: cfg.lanes, comment: 'N, multiplier lanes per PE' },
    FILTERS: { value: cfg.filtersPerTile, comment: 'K, PEs (filters) per tile' },
    TILES: { value: cfg.tiles, comment: 'T, tiles' },
    WEIGHT_BITS: { value: cfg.weightBits, comment: 'signed weight width' },
    ACT_BITS: { value: cfg.activationBits, comment: 'signed activation width' },
    ACC_BITS: { value: cfg.accumulatorBits, comment: 'signed accumulator width' },
    OUT_BITS: { value: cfg.output.bits, comment: 'signed output width' },
    SELECT_BITS: { value: cfg.selectBits, comment: 'select code width' },
    SLOT_BITS: { value: cfg.slotBits, comment: 'weight slot {select, weight}' },
    DELTA_BITS: { value: cfg.deltaBits, comment: 'control word delta field' },
    CONTROL_BITS: { value: cfg.controlBits, comment: 'control word {last, delta}' },
    PRODUCT_BITS: { value: cfg.productBits, comment: 'exact product width' },
    TREE_BITS: { value: cfg.treeBits, comment: 'exact adder-tree sum width' },
    TREE_STAGES: { value: cfg.adderTreeStages, comment: 'registered adder-tree stages' },
    WEIGHT_DATA_BANKS: { value: cfg.weightDataBanks, comment: `weight data banks (${cfg.weightBanking})` },
    WEIGHT_BANK_WIDTH: { value: cfg.weightBankWidth, comment: 'weight data bank word' },
    WEIGHT_DEPTH: { value: cfg.weightDepth, comment: 'weight memory rows' },
    WEIGHT_ADDR_BITS: { value: cfg.weightAddrBits, comment: 'weight memory address' },
    ACT_BANKS: { value: cfg.activationBanks, comment: 'activation banks, h+1' },
    ACT_BANK_WIDTH: { value: cfg.activationBankWidth, comment: 'activation bank word' },
    ACT_DEPTH: { value: cfg.activationBankDepth, comment: 'words per activation bank' },
    ACT_ADDR_BITS: { value: cfg.activationAddrBits, comment: 'activation bank address' },
    OUT_DEPTH: { value: cfg.outputDepth, comment: 'output words per tile' },
    OUT_ADDR_BITS: { value: cfg.outputAddrBits, comment: 'output memory address' },
    OUT_WORD_BITS: { value: cfg.outputWordBits, comment: 'output word: K outputs' },
    RELU: { value: cfg.output.relu ? 1 : 0, comment: 'output stage ReLU' },
    SHIFT: { value: cfg.output.shift, comment: 'output stage arithmetic right shift' },
    SATURATE: { value: cfg.output.saturate ? 1 : 0, comment: 'output stage: 1 saturate, 0 wrap' },
    PIPELINE_LATENCY: { value: cfg.pipelineLatency, comment: 'cycles from the last issue to the last output write' },
    LAT_BITS: { value: hw.latBits, comment: 'drain counter width' },
    TILE_SEL_BITS: { value: hw.tileSelBits, comment: 'W(TILES)' },
    WM_BANK_SEL_BITS: { value: hw.wmBankSelBits, comment: 'W(WEIGHT_DATA_BANKS + 1)' },
    WM_WDATA_BITS: { value: hw.wmWdataBits, comment: 'max(WEIGHT_BANK_WIDTH, CONTROL_BITS)' },
    AM_BANK_SEL_BITS: { value: hw.amBankSelBits, comment: 'W(ACT_BANKS)' },
    PE_SEL_BITS: { value: hw.peSelBits, comment: 'W(FILTERS)' },
    ROT_BITS: { value: hw.rotBits, comment: 'W(ACT_BANKS): a step residue' },
    COUNT_BITS: { value: hw.countBits, comment: 'WINDOWS and TILE_SETS width' },
    SLOT_COUNT: { value: slotCount, comment: 'activation-buffer slots the interconnect uses' },
  };
}

function pick(table: Record<string, Param>, names: string[]) {
  const width = Math.max(...names.map((n) => n.length));
  return names.map((name) => ({
    name: name.padEnd(width),
    value: table[name].value,
    comment: `  // ${table[name].comment}`,
  }));
}

const TOP_PARAMS = ['TILES', 'FILTERS', 'OUT_BITS', 'OUT_WORD_BITS', 'ACT_ADDR_BITS', 'COUNT_BITS', 'PIPELINE_LATENCY', 'LAT_BITS', 'TILE_SEL_BITS', 'PE_SEL_BITS'];
const TILE_PARAMS = [
  'LANES', 'FILTERS', 'WEIGHT_BITS', 'ACT_BITS', 'ACC_BITS', 'OUT_BITS', 'DELTA_BITS', 'CONTROL_BITS', 'PRODUCT_BITS', 'TREE_BITS',
  'TREE_STAGES', 'WEIGHT_DATA_BANKS', 'WEIGHT_BANK_WIDTH', 'WEIGHT_DEPTH', 'WEIGHT_ADDR_BITS', 'ACT_BANKS', 'ACT_BANK_WIDTH', 'ACT_DEPTH',
  'ACT_ADDR_BITS', 'OUT_DEPTH', 'OUT_ADDR_BITS', 'OUT_WORD_BITS', 'RELU', 'SHIFT', 'SATURATE', 'WM_BANK_SEL_BITS', 'WM_WDATA_BITS',
  'AM_BANK_SEL_BITS', 'ROT_BITS', 'COUNT_BITS',
];
const TILE_PARAMS_SPARSE = ['SELECT_BITS', 'SLOT_BITS', 'SLOT_COUNT'];

/** Renders every module of the configuration's RTL, in dependency order. */
export function generateRtl(cfg: ResolvedConfig): GeneratedFile[] {
  checkBuildable(cfg);
  const hw = hostWidths(cfg);
  const header = [
    `// Generated by sparsetile ${GENERATOR_VERSION} from configuration "${cfg.name}" (hash ${cfg.hash.slice(0, 16)}).`,
    `// Do not edit: regenerate with \`sparsetile generate --config ${cfg.name}\`.`,
  ].join('\n');
  const ic = cfg.dense ? null : interconnectView(cfg);
  const usedSlots = ic ? ic.usedSlots : [0];
  const table = paramTable(cfg, hw, usedSlots.length);
  const csr = {
    csrStatus: hex2(CSR.STATUS),
    csrWindows: hex2(CSR.WINDOWS),
    csrWinStride: hex2(CSR.WIN_STRIDE),
    csrCycles: hex2(CSR.CYCLES),
    csrTileSetsBase: hex2(CSR.TILE_SETS_BASE),
  };
  const ports = {
    countBits: hw.countBits,
    actAddrBits: cfg.activationAddrBits,
    wmBankSelBits: hw.wmBankSelBits,
    weightAddrBits: cfg.weightAddrBits,
    wmWdataBits: hw.wmWdataBits,
    amBankSelBits: hw.amBankSelBits,
    actBankWidth: cfg.activationBankWidth,
    outAddrBits: cfg.outputAddrBits,
    outWordBits: cfg.outputWordBits,
    tileSelBits: hw.tileSelBits,
    peSelBits: hw.peSelBits,
    outBits: cfg.output.bits,
  };
  const slotList = usedSlots.map((a) => `t+${a}`).join(', ');
  const files = new Map<string, string>();

  files.set('st_sram', render('st_sram.v.hbs', { header, module: 'st_sram' }));
  files.set('st_weight_mem', render('st_weight_mem.v.hbs', { header }));
  files.set('st_act_mem', render('st_act_mem.v.hbs', { header }));

  if (ic) {
    files.set('st_act_buffer', render('st_act_buffer.v.hbs', { header }));
    const codeDocs = cfg.offsets.map(([a, d], c) => `code ${c}: (ahead ${a}, aside ${d})`);
    files.set(
      'st_interconnect',
      render('st_interconnect.v.hbs', {
        header,
        muxInputs: cfg.muxInputs,
        lanes: cfg.lanes,
        selectBits: cfg.selectBits,
        actBits: cfg.activationBits,
        bankWidth: cfg.activationBankWidth,
        slotCount: usedSlots.length,
        slotList,
        codeDocs,
        muxes: ic.muxes,
      }),
    );
  }

  const tree = adderTreeView(cfg);
  const clocked = tree.stages > 0;
  files.set(
    'st_adder_tree',
    render('st_adder_tree.v.hbs', {
      header,
      lanes: tree.lanes,
      productBits: tree.productBits,
      treeBits: tree.treeBits,
      stages: tree.stages,
      levelCount: tree.depth,
      levelDocs: tree.levels.map(
        (l) => `level ${l.index}: ${l.nodes} x ${l.width} bits${l.index === 0 ? ' (the products)' : ''}${l.registered ? ', registered' : ''}`,
      ),
      portDocs: [
        ...(clocked ? ['clk_i    clock of the pipeline registers (no reset: data only)'] : []),
        `prods_i  product i at [i*${tree.productBits} +: ${tree.productBits}], signed`,
        `sum_o    the signed sum, ${tree.stages} cycle(s) after prods_i`,
      ],
      ports: [
        ...(clocked ? ['input  wire clk_i,'] : []),
        `input  wire [${tree.lanes}*${tree.productBits}-1:0] prods_i,`,
        `output wire [${tree.treeBits}-1:0] sum_o`,
      ],
      levels: tree.levels.map((l) => ({
        index: l.index,
        nodes: l.nodes,
        width: l.width,
        note: l.registered ? ', then a pipeline register' : '',
        adds: l.adds,
        stageBody: renderPartial(l.registered ? 'tree_stage_reg.v.hbs' : 'tree_stage_comb.v.hbs', l),
      })),
      lastLevel: tree.levels[tree.levels.length - 1].index,
    }),
  );
  files.set('st_pe', render('st_pe.v.hbs', { header, treeClockPort: clocked ? '    .clk_i  (clk_i),\n' : '' }));
  files.set('st_output_stage', render('st_output_stage.v.hbs', { header }));
  files.set('st_controller', render('st_controller.v.hbs', { header }));
  files.set('st_csr', render('st_csr.v.hbs', { header, ...csr }));

  const slotAhead = `${usedSlots.length * 4}'h${[...usedSlots].reverse().map((a) => a.toString(16)).join('')}`;
  files.set(
    'st_tile',
    render('st_tile.v.hbs', {
      header,
      name: cfg.name,
      filters: cfg.filtersPerTile,
      lanes: cfg.lanes,
      frontEndDoc: cfg.dense
        ? 'Dense baseline: one activation bank, no activation-buffer rotation, no interconnect, no select bits.'
        : `Front end: ${cfg.activationBanks} activation banks rotated into the buffer slots ${slotList}, and per PE one ${cfg.muxInputs}-input mux per lane (st_interconnect).`,
      ...ports,
      localparams: pick(table, cfg.dense ? TILE_PARAMS : [...TILE_PARAMS, ...TILE_PARAMS_SPARSE]),
      frontEnd: cfg.dense
        ? renderPartial('frontend_dense.v.hbs', {})
        : renderPartial('frontend_sparse.v.hbs', { slotAhead, slotList }),
      frontEndPe: cfg.dense ? renderPartial('frontend_dense_pe.v.hbs', {}) : renderPartial('frontend_sparse_pe.v.hbs', {}),
      outAddrOne: `${cfg.outputAddrBits}'d1`,
    }),
  );
  files.set(
    'st_top',
    render('st_top.v.hbs', {
      header,
      name: cfg.name,
      hashShort: cfg.hash.slice(0, 16),
      tiles: cfg.tiles,
      filters: cfg.filtersPerTile,
      lanes: cfg.lanes,
      weightBits: cfg.weightBits,
      actBits: cfg.activationBits,
      patternDoc: patternDoc(cfg),
      weightDataBanks: cfg.weightDataBanks,
      actBanksMinusOne: cfg.activationBanks - 1,
      ...csr,
      ...ports,
      localparams: pick(table, TOP_PARAMS),
    }),
  );

  return moduleNames(cfg).map((m) => {
    const text = files.get(m);
    if (text === undefined) throw new Error(`internal: module ${m} was not rendered`);
    return { path: `${m}.v`, text };
  });
}
