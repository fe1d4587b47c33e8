/**
 * Realistic faults applied to the generated RTL text, to prove the co-simulation harness catches
 * real bugs. Each mutant is a textual edit of one generated file whose pattern must match exactly
 * once: if a generator change moves the code, the mutant fails loudly instead of silently becoming
 * a no-op. Patterns are written against the `tiny` configuration's RTL (widths may appear as
 * numbers), which is what `sparsetile mutate` uses by default.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../contract/errors.ts';

export interface Mutant {
  readonly id: string;
  /** What the fault models, as a designer would describe the bug. */
  readonly what: string;
  readonly file: string;
  /** Applied with String.replace; must match exactly once. */
  readonly find: RegExp;
  readonly replace: string;
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'mux-swap',
    what: 'two inputs of lane 0\'s activation mux swapped (select codes 1 and 2)',
    file: 'st_interconnect.v',
    find: /(3'd1: acts_d\[0 \+: \d+\] = )(slot_lane\[\d+\]\[\d+\])(;[^\n]*\n\s*3'd2: acts_d\[0 \+: \d+\] = )(slot_lane\[\d+\]\[\d+\])/,
    replace: '$1$4$3$2',
  },
  {
    id: 'select-stuck0',
    what: 'bit 0 of every lane\'s select code stuck at 0',
    file: 'st_tile.v',
    find: /assign sel\[l\*SELECT_BITS \+: SELECT_BITS\] = row\[k\*SLOT_PE_STRIDE \+ l\*SLOT_LANE_STRIDE \+ SLOT_SELECT_LSB \+: SELECT_BITS\];/,
    replace: "assign sel[l*SELECT_BITS +: SELECT_BITS] = {row[k*SLOT_PE_STRIDE + l*SLOT_LANE_STRIDE + SLOT_SELECT_LSB + 1 +: SELECT_BITS-1], 1'b0};",
  },
  {
    id: 'window-advance',
    what: 'the activation base address advances by one word too many per window',
    file: 'st_controller.v',
    find: /win_base_d = win_base_q \+ stride_i;/,
    replace: 'win_base_d = win_base_q + stride_i + ONE_A;',
  },
  {
    id: 'tree-drop',
    what: 'the adder tree drops lane 3\'s product',
    file: 'st_adder_tree.v',
    find: /assign l0_d\[48 \+: 16\] = prods_i\[48 \+: 16\];/,
    replace: "assign l0_d[48 +: 16] = 16'd0;",
  },
  {
    id: 'acc-bit',
    what: 'the accumulator loses its top bit (one bit too narrow, sign-extended from the next bit)',
    file: 'st_pe.v',
    find: /assign acc_o = acc_q;/,
    replace: 'assign acc_o = {acc_q[ACC_BITS-2], acc_q[ACC_BITS-2:0]};',
  },
  {
    id: 'skip-wrap',
    what: 'the step residue wraps one step late when skipped rows carry it past the last bank (>= became >)',
    file: 'st_controller.v',
    find: /wire(\s+)wrap = sum >= BANKS_S;/,
    replace: 'wire$1wrap = sum > BANKS_S;',
  },
  {
    id: 'no-saturate',
    what: 'the output stage truncates instead of saturating',
    file: 'st_output_stage.v',
    find: /assign y_o = fits \? shifted\[OUT_BITS-1:0\] : \{sign, \{\(OUT_BITS-1\)\{~sign\}\}\};/,
    replace: 'assign y_o = shifted[OUT_BITS-1:0];',
  },
  {
    id: 'bank-addr-swap',
    what: 'address bits 0 and 1 of every activation bank\'s read port swapped',
    file: 'st_act_mem.v',
    find: /\.raddr_i\(raddr_i\[b\*ADDR_BITS \+: ADDR_BITS\]\)/,
    replace: '.raddr_i({raddr_i[b*ADDR_BITS+2 +: ADDR_BITS-2], raddr_i[b*ADDR_BITS], raddr_i[b*ADDR_BITS+1]})',
  },
  {
    id: 'drain-off-by-one',
    what: 'the pipeline drain counter starts one too high: done and CYCLES one cycle late',
    file: 'st_csr.v',
    find: /drain_d(\s+)= LATENCY;/,
    replace: 'drain_d$1= LATENCY + ONE_L;',
  },
  {
    id: 'drain-short',
    what: 'the pipeline drain counter starts one too low: done rises one cycle early, before the last output word is written',
    file: 'st_csr.v',
    find: /drain_d(\s+)= LATENCY;/,
    replace: 'drain_d$1= LATENCY - ONE_L;',
  },
  {
    id: 'write-late',
    what: 'the RAM registers its write port (one more pipeline stage than PIPELINE_LATENCY counts): CYCLES still matches the model, but done rises before the last output word is written',
    file: 'st_sram.v',
    find: /(reg \[WIDTH-1:0\] rdata_q;)([\s\S]*?)if \(we_i\) mem_q\[waddr_i\] <= wdata_i;/,
    replace: '$1 reg we_q; reg [ADDR_BITS-1:0] waddr_q; reg [WIDTH-1:0] wdata_q;$2we_q <= we_i; waddr_q <= waddr_i; wdata_q <= wdata_i; if (we_q) mem_q[waddr_q] <= wdata_q;',
  },
  {
    id: 'output-capture-early',
    what: 'the output register captures the accumulators one cycle early, before the last row is added',
    file: 'st_tile.v',
    find: /if \(wr_q\[ACC_STAGE\+1\]\) out_q <= out_d;/,
    replace: 'if (wr_q[ACC_STAGE]) out_q <= out_d;',
  },
  {
    id: 'relu-wrong-bit',
    what: 'ReLU tests the bit below the sign bit',
    file: 'st_output_stage.v',
    find: /wire(\s+)negative = acc_i\[ACC_BITS-1\];/,
    replace: 'wire$1negative = acc_i[ACC_BITS-2];',
  },
  {
    id: 'rot-unregistered',
    what: 'the activation buffer rotation is taken from the controller one cycle early (missing pipeline register)',
    file: 'st_tile.v',
    find: /\.rot_i(\s*)\(rot_q\)/,
    replace: '.rot_i$1(rot)',
  },
  {
    id: 'done-sticky',
    what: 'start_i does not clear done: a second job looks finished at once',
    file: 'st_csr.v',
    find: /done_d(\s+)= 1'b0;/,
    replace: 'done_d$1= done_q;',
  },
  {
    id: 'out-addr-no-reset',
    what: 'the output write address is not reset at start: a second job writes after the first one\'s outputs',
    file: 'st_tile.v',
    find: /\n\s*else if \(start_i\) wr_addr_q <= \{OUT_ADDR_BITS\{1'b0\}\};/,
    replace: '',
  },
  {
    id: 'out-write-glitch',
    what: 'the output memory\'s write enable also fires one cycle early, writing the stale output register to the address the correct word overwrites a cycle later: every output, CYCLES and done are right, only the pipeline-latency assertion sees it',
    file: 'st_tile.v',
    find: /wire(\s+)out_we = wr_q\[PIPE\];/,
    replace: 'wire$1out_we = wr_q[PIPE] | wr_q[PIPE-1];',
  },
];

/** Applies a mutant in place; throws unless its pattern matches exactly once. */
export function applyMutant(rtlDir: string, m: Mutant): void {
  const file = join(rtlDir, m.file);
  const text = readFileSync(file, 'utf8');
  const global = new RegExp(m.find.source, `${m.find.flags.replace('g', '')}g`);
  const count = [...text.matchAll(global)].length;
  if (count !== 1) {
    throw new SparsetileError(
      `Mutant "${m.id}" expects its pattern ${m.find} to match exactly once in ${m.file}, but it matches ${count} times. The generated RTL changed; update the mutant in cosim/mutants.ts so it still models: ${m.what}.`,
    );
  }
  const out = text.replace(m.find, m.replace);
  if (out === text) throw new SparsetileError(`Mutant "${m.id}" did not change ${m.file}; its replacement equals the original text.`);
  writeFileSync(file, out);
}
