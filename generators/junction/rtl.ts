/**
 * The junction-chain RTL generator (docs/junction.md section 8). The modules of regular structure are
 * plain parameterized Verilog (templates/static/junction/, and the tile's st_sram under the sj_
 * prefix); the three whose structure depends on the chain (sj_control: the schedule and its counters,
 * sj_apb: the address map, sj_top: the chain's wiring) are rendered from typed views computed here
 * (templates/junction/). One module per file, the file named after the module, every module prefixed
 * sj_. Every number is decided here; output is a pure function of the configuration (and the
 * generator version).
 */
import { indexBits } from '../../contract/bits.ts';
import {
  JUNCTION_CSR,
  JUNCTION_REGIONS,
  PASS_LATENCY,
  type ResolvedJunctionConfig,
} from '../../contract/junction.ts';
import { sequentialProcesses, stageOf } from '../../model/junction/cycles.ts';
import type { GeneratedFile } from '../rtl.ts';
import { render, staticModule, template } from '../templates.ts';
import { GENERATOR_VERSION } from '../version.ts';

/** A buffer-index counter of sj_control (docs/junction.md section 7). */
export interface CounterView {
  readonly name: string;
  readonly doc: string;
  /** The process whose slots advance it: FF, or the BP/UP pair (advanced with UP). */
  readonly role: 'ff' | 'up';
  readonly junction: number;
  readonly width: number;
  readonly step: number;
  /** modulus - step: at or above it the counter wraps. */
  readonly wrapAt: number;
}

/** The counters: ring copies (n mod B), error copies (n mod 2), memory bases (n * R). */
export function junctionCounters(cfg: ResolvedJunctionConfig): CounterView[] {
  const J = cfg.depth;
  const L = cfg.layers;
  const out: CounterView[] = [];
  const add = (name: string, doc: string, role: 'ff' | 'up', junction: number, mod: number, step = 1) =>
    out.push({ name, doc, role, junction, width: indexBits(mod), step, wrapAt: mod - step });
  for (let i = 0; i < J; i++) {
    add(`ffw${i}`, `FF of junction ${i}: the copy of layer ${i + 1}'s ring its input accumulates into, n mod ${L[i + 1].ringCopies}`, 'ff', i, L[i + 1].ringCopies);
    if (i > 0) {
      add(`ffr${i}`, `FF of junction ${i}: the copy of layer ${i}'s ring its input is read from, n mod ${L[i].ringCopies}`, 'ff', i, L[i].ringCopies);
      add(`bur${i}`, `BP/UP of junction ${i}: the copy of layer ${i}'s ring its input is read from, n mod ${L[i].ringCopies}`, 'up', i, L[i].ringCopies);
    }
    add(`par${i}`, `BP/UP of junction ${i}: the error copy of its input, n mod 2`, 'up', i, 2);
  }
  add('ffin', `FF of junction 0: the first row of its input in the input memory, n * ${L[0].rows}`, 'ff', 0, L[0].ioDepth, L[0].rows);
  add('buin', `BP/UP of junction 0: the first row of its input in the input and DELTA0 memories, n * ${L[0].rows}`, 'up', 0, L[0].ioDepth, L[0].rows);
  add('ffout', `FF of junction ${J - 1}: the first row of its input in the output memory, n * ${L[J].rows}`, 'ff', J - 1, L[J].ioDepth, L[J].rows);
  add('buout', `BP/UP of junction ${J - 1}: the first row of its input in the target memory, n * ${L[J].rows}`, 'up', J - 1, L[J].ioDepth, L[J].rows);
  return out;
}

export interface ControlView {
  readonly header: string;
  readonly name: string;
  readonly depth: number;
  readonly slotCycles: number;
  readonly passLatency: number;
  readonly inputsBits: number;
  readonly kBits: number;
  /** Width of the pipelined slot counter: W(maxInputs + 2J), at least inputsBits + 1. */
  readonly slotBits: number;
  /** Width of the sequential process index: W(3J). */
  readonly opBits: number;
  readonly padSlot: number;
  readonly slotLast: number;
  readonly extraTrain: number;
  readonly extraInfer: number;
  readonly opsTrainLast: number;
  readonly opsInferLast: number;
  /** Sequential processes of one input: index, name, junction, last slot cycle. */
  readonly seqOps: readonly { readonly index: number; readonly process: string; readonly junction: number; readonly last: number }[];
  readonly junctions: readonly { readonly index: number; readonly ffStage: number; readonly buStage: number; readonly seqFf: number; readonly seqBp: number; readonly seqUp: number }[];
  readonly counters: readonly CounterView[];
}

export interface ApbView {
  readonly header: string;
  readonly name: string;
  readonly depth: number;
  readonly paddrBits: number;
  readonly regionBits: number;
  readonly junctionBits: number;
  readonly bankBits: number;
  readonly rowBits: number;
  readonly junctionBits1: number;
  readonly bankBits1: number;
  readonly rowBits1: number;
  readonly bankLsb: number;
  readonly junctionLsb: number;
  readonly regionLsb: number;
  readonly regions: typeof JUNCTION_REGIONS;
  readonly csr: typeof JUNCTION_CSR;
  readonly csrCount: number;
  /** First 8 hex digits of the configuration hash. */
  readonly hash: string;
  readonly inputsBits: number;
  readonly inputsPad: number;
  readonly junctions: readonly { readonly index: number; readonly banks: number; readonly rows: number }[];
  readonly inputBanks: number;
  readonly inputRows: number;
  readonly outputBanks: number;
  readonly outputRows: number;
}

export interface TopJunctionView {
  readonly index: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly fanOut: number;
  readonly fanIn: number;
  readonly z: number;
  readonly c: number;
  readonly cBits: number;
  readonly d: number;
  readonly rowBits: number;
  readonly p: number;
  readonly q: number;
  readonly leftBanks: number;
  readonly lbBits: number;
  readonly lrBits: number;
  readonly leftBits: number;
  /** 0: the inputs; 1: ReLU of the rounded pre-activation; 2: linear. */
  readonly leftKind: 0 | 1 | 2;
  readonly selBits: number;
  readonly patBits: number;
}

export interface TopView {
  readonly header: string;
  readonly name: string;
  readonly description: string;
  readonly layerList: string;
  readonly depth: number;
  readonly paddrBits: number;
  readonly inputsBits: number;
  readonly kBits: number;
  readonly bankBits: number;
  readonly rowBits: number;
  readonly wBits: number;
  readonly wFrac: number;
  readonly aBits: number;
  readonly dBits: number;
  readonly accBits: number;
  readonly upShift: number;
  readonly counters: readonly CounterView[];
  readonly junctions: readonly TopJunctionView[];
  readonly input: { readonly banks: number; readonly depth: number; readonly addrBits: number; readonly lrBits: number; readonly bankBits: number; readonly ffBase: string; readonly buBase: string };
  /** Hidden layers 1..J-1; the names are sj_control's counters feeding each role. */
  readonly hidden: readonly {
    readonly index: number; readonly width: number; readonly banks: number; readonly rows: number; readonly rowBits: number; readonly copies: number; readonly copyBits: number;
    readonly left: number; readonly right: number; readonly accCopy: string; readonly ffCopy: string; readonly buCopy: string; readonly errWcopy: string; readonly errRcopy: string;
  }[];
  readonly output: {
    readonly banks: number; readonly rows: number; readonly rowBits: number; readonly depth: number; readonly addrBits: number; readonly bankBits: number;
    readonly last: number; readonly accCopy: string; readonly errRcopy: string; readonly ffBase: string; readonly buBase: string;
  };
}

const CONTROL_TEMPLATE = template<ControlView>('junction/sj_control.v.hbs');
const APB_TEMPLATE = template<ApbView>('junction/sj_apb.v.hbs');
const TOP_TEMPLATE = template<TopView>('junction/sj_top.v.hbs');

/** Modules in dependency order (leaves first): the filelist's order. */
export function junctionModuleNames(cfg: ResolvedJunctionConfig): string[] {
  return ['sj_sram', 'sj_mem', 'sj_requant', 'sj_junction', 'sj_input', ...(cfg.depth > 1 ? ['sj_layer'] : []), 'sj_output', 'sj_control', 'sj_apb', 'sj_top'];
}

/** Width of the slot-cycle counter k: the longest slot is the pipelined one. */
export const slotCycleBits = (cfg: ResolvedJunctionConfig): number => indexBits(cfg.slotCycles);

export function generateJunctionRtl(cfg: ResolvedJunctionConfig): GeneratedFile[] {
  const J = cfg.depth;
  const L = cfg.layers;
  const header = [
    `// Generated by sparsetile ${GENERATOR_VERSION} from junction configuration "${cfg.name}" (hash ${cfg.hash.slice(0, 16)}).`,
    `// Do not edit: regenerate with \`sparsetile junction generate --config ${cfg.name}\`.`,
  ].join('\n');
  const kBits = slotCycleBits(cfg);
  const inputsBits = cfg.host.inputsBits;
  const counters = junctionCounters(cfg);
  const formats = {
    wBits: cfg.weightBits, wFrac: cfg.weightFractionBits, aBits: cfg.activationBits, dBits: cfg.deltaBits, accBits: cfg.accumulatorBits, upShift: cfg.updateShift,
  };
  const seq = sequentialProcesses(cfg, true);
  const seqIndex = (process: 'ff' | 'bp' | 'up', junction: number) => seq.findIndex((p) => p.process === process && p.junction === junction);
  const opBits = indexBits(seq.length);
  const slotBits = Math.max(indexBits(cfg.maxInputs + 2 * J), inputsBits + 1);
  const h = cfg.host;

  const files = new Map<string, string>();
  // the tile's SRAM, the one memory cell of both designs, under this design's prefix
  files.set('sj_sram', staticModule('st_sram', header).replace(/\bst_sram\b/g, 'sj_sram'));
  for (const m of ['sj_mem', 'sj_requant', 'sj_junction', 'sj_input', ...(J > 1 ? ['sj_layer'] : []), 'sj_output']) files.set(m, staticModule(`junction/${m}`, header));
  files.set(
    'sj_control',
    render(CONTROL_TEMPLATE, {
      header,
      name: cfg.name,
      depth: J,
      slotCycles: cfg.slotCycles,
      passLatency: PASS_LATENCY,
      inputsBits,
      kBits,
      slotBits,
      opBits,
      padSlot: slotBits - inputsBits,
      slotLast: cfg.slotCycles - 1,
      extraTrain: 2 * J - 1,
      extraInfer: J - 1,
      opsTrainLast: 3 * J - 1,
      opsInferLast: J - 1,
      seqOps: seq.map((p, index) => ({ index, process: p.process.toUpperCase(), junction: p.junction, last: cfg.junctions[p.junction].cycles + PASS_LATENCY - 1 })),
      junctions: cfg.junctions.map((j) => ({
        index: j.index,
        ffStage: stageOf(cfg, 'ff', j.index),
        buStage: stageOf(cfg, 'bp', j.index),
        seqFf: seqIndex('ff', j.index),
        seqBp: seqIndex('bp', j.index),
        seqUp: seqIndex('up', j.index),
      })),
      counters,
    }),
  );
  files.set(
    'sj_apb',
    render(APB_TEMPLATE, {
      header,
      name: cfg.name,
      depth: J,
      paddrBits: h.paddrBits,
      regionBits: h.regionBits,
      junctionBits: h.junctionBits,
      bankBits: h.bankBits,
      rowBits: h.rowBits,
      junctionBits1: h.junctionBits + 1,
      bankBits1: h.bankBits + 1,
      rowBits1: h.rowBits + 1,
      bankLsb: 2 + h.rowBits,
      junctionLsb: 2 + h.rowBits + h.bankBits,
      regionLsb: 2 + h.rowBits + h.bankBits + h.junctionBits,
      regions: JUNCTION_REGIONS,
      csr: JUNCTION_CSR,
      csrCount: Object.keys(JUNCTION_CSR).length,
      hash: cfg.hash.slice(0, 8),
      inputsBits,
      inputsPad: 32 - inputsBits,
      junctions: cfg.junctions.map((j) => ({ index: j.index, banks: j.parallelism, rows: j.cycles })),
      inputBanks: L[0].banks,
      inputRows: L[0].ioDepth,
      outputBanks: L[J].banks,
      outputRows: L[J].ioDepth,
    }),
  );
  files.set(
    'sj_top',
    render(TOP_TEMPLATE, {
      header,
      name: cfg.name,
      description: cfg.description,
      layerList: cfg.layerWidths.join('-'),
      depth: J,
      paddrBits: h.paddrBits,
      inputsBits,
      kBits,
      bankBits: h.bankBits,
      rowBits: h.rowBits,
      ...formats,
      counters,
      junctions: cfg.junctions.map((j) => ({
        index: j.index,
        nIn: j.nIn,
        nOut: j.nOut,
        fanOut: j.fanOut,
        fanIn: j.fanIn,
        z: j.parallelism,
        c: j.cycles,
        cBits: j.cycleAddrBits,
        d: j.rows,
        rowBits: j.rowBits,
        p: j.leftPerCycle,
        q: j.cyclesPerLeft,
        leftBanks: L[j.index].banks,
        lbBits: indexBits(L[j.index].banks),
        lrBits: L[j.index].rowAddrBits,
        leftBits: j.index === 0 ? cfg.activationBits : cfg.accumulatorBits,
        leftKind: (j.index === 0 ? 0 : cfg.hiddenActivation === 'relu' ? 1 : 2) as 0 | 1 | 2,
        selBits: j.selBits,
        patBits: j.patternBits,
      })),
      input: {
        banks: L[0].banks, depth: L[0].ioDepth, addrBits: L[0].ioAddrBits, lrBits: L[0].rowAddrBits, bankBits: indexBits(L[0].banks), ffBase: 'ffin', buBase: 'buin',
      },
      hidden: L.slice(1, J).map((l) => ({
        index: l.index,
        width: l.width,
        banks: l.banks,
        rows: l.rows,
        rowBits: l.rowAddrBits,
        copies: l.ringCopies,
        copyBits: indexBits(l.ringCopies),
        left: l.index - 1,
        right: l.index,
        accCopy: `ffw${l.index - 1}`,
        ffCopy: `ffr${l.index}`,
        buCopy: `bur${l.index}`,
        errWcopy: `par${l.index}`,
        errRcopy: `par${l.index - 1}`,
      })),
      output: {
        banks: L[J].banks,
        rows: L[J].rows,
        rowBits: L[J].rowAddrBits,
        depth: L[J].ioDepth,
        addrBits: L[J].ioAddrBits,
        bankBits: indexBits(L[J].banks),
        last: J - 1,
        accCopy: `ffw${J - 1}`,
        errRcopy: `par${J - 1}`,
        ffBase: 'ffout',
        buBase: 'buout',
      },
    }),
  );
  return junctionModuleNames(cfg).map((m) => ({ path: `${m}.v`, text: files.get(m)! }));
}
