/**
 * Realistic faults applied to the generated RTL text, to prove the co-simulation harness catches
 * real bugs. Each mutant is a textual edit of one generated file whose pattern must match exactly
 * once: if a generator change moves the code, the mutant fails loudly instead of silently becoming
 * a no-op. Patterns are written against the `tiny` configuration's RTL (widths may appear as
 * numbers), which is what `sparsetile mutate` uses by default. The list covers the datapath, the
 * controller, the address generator of the activation-buffer fill, the prefetch and stall logic,
 * the AXI4 read master and the ping-pong selection of the feature-map halves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparsetileError } from '../contract/errors.ts';

export interface Mutant {
  readonly id: string;
  /** What the fault models, as a designer would describe the bug. */
  readonly what: string;
  readonly file: string;
  /** The configuration whose RTL the fault is in (the run-length decoder is only built for a coded stream); any, written against tiny, when absent. */
  readonly config?: string;
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
    what: 'the activation-buffer line of the next window is one line too far (the controller reads another window\'s lines)',
    file: 'st_controller.v',
    find: /win_line_d = win_line_q \+ \{16'd0, qw_q\};/,
    replace: "win_line_d = win_line_q + {16'd0, qw_q} + 32'd1;",
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
    what: 'the output stage ignores the descriptor\'s SATURATE bit and always wraps',
    file: 'st_output_stage.v',
    find: /assign y_o = \(sat_i && !fits\) \? \{sign, \{\(OUT_BITS-1\)\{~sign\}\}\} : shifted\[OUT_BITS-1:0\];/,
    replace: 'assign y_o = shifted[OUT_BITS-1:0];',
  },
  {
    id: 'bank-addr-swap',
    what: 'address bits 0 and 1 of every activation-buffer bank\'s read port swapped',
    file: 'st_act_mem.v',
    find: /\.raddr_i\(raddr_i\[b\*ADDR_BITS \+: ADDR_BITS\]\)/,
    replace: '.raddr_i({raddr_i[b*ADDR_BITS+2 +: ADDR_BITS-2], raddr_i[b*ADDR_BITS], raddr_i[b*ADDR_BITS+1]})',
  },
  {
    id: 'cycles-off-by-one',
    what: 'the CYCLES counter starts at 1 instead of 0',
    file: 'st_seq.v',
    find: /slot_q <= \{SLOT_BITS\{1'b0\}\};\n(\s+)cycles_q <= 32'd0;/,
    replace: "slot_q <= {SLOT_BITS{1'b0}};\n$1cycles_q <= 32'd1;",
  },
  {
    id: 'done-early',
    what: 'a tile reports its layer done when its last row issues, without waiting for its output words: done rises (and the next layer starts) before the last output word is written',
    file: 'st_controller.v',
    find: /assign done_o(\s+)= st_q == S_DONE && credits_q == CREDITS_C;/,
    replace: 'assign done_o$1= st_q == S_DONE;',
  },
  // No "the feature-map RAM registers its write port" mutant: done rises only after the sequencer has
  // seen every tile's last output write retire (two cycles after the write on tiny; model/timing.ts
  // lastWrite), so a RAM that lands a write one cycle late is visible at no port and in no read the
  // host can make: an equivalent mutant, not a fault any harness could catch from outside.
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
    what: 'a start does not clear done: a second run looks finished at once',
    file: 'st_seq.v',
    find: /done_q <= !layers_ok;/,
    replace: 'done_q <= done_q | !layers_ok;',
  },
  {
    id: 'ring-no-reset',
    what: 'a start does not reset the weight fetcher\'s record count: a second run believes its weight ring is full',
    file: 'st_wfetch.v',
    find: /(end else if \(start_i\) begin\n)(\s+)rec_wr_q <= 32'd0;\n/,
    replace: '$1$2rec_wr_q <= rec_wr_q;\n',
  },
  // ---- address generator --------------------------------------------------------------------------
  {
    id: 'fill-dilation',
    what: 'the address generator steps the kernel column by the vertical dilation instead of the horizontal one',
    file: 'st_fill.v',
    find: /assign cx\[b\+1\] = next_g \? cx\[b\] : \(next_k \? cx\[b\] \+ dw_q : x0w_q\);/,
    replace: 'assign cx[b+1] = next_g ? cx[b] : (next_k ? cx[b] + dh_q : x0w_q);',
  },
  {
    id: 'fill-pad-left',
    what: 'at the start of an output row the address generator forgets the left padding (x starts at 0, not -PL)',
    file: 'st_fill.v',
    find: /x0w_d = -pl_q;/,
    replace: "x0w_d = 32'sd0;",
  },
  {
    id: 'fill-bank-conflict',
    what: 'the fill reads a line in one round even when two of its words share a bank (the bank conflict is ignored)',
    file: 'st_fill.v',
    find: /if \(valid\[i\] && valid\[j\] && bank\[i\*BK \+: BK\] == bank\[j\*BK \+: BK\]\) round\[i\*RB \+: RB\] = round\[i\*RB \+: RB\] \+ 1'b1;/,
    replace: "if (1'b0) round[i*RB +: RB] = round[i*RB +: RB] + 1'b1;",
  },
  // ---- prefetch and stall logic -------------------------------------------------------------------
  {
    id: 'fill-overrun',
    what: 'the fill runs one line further ahead than the activation-buffer ring holds, overwriting a line the controller still reads',
    file: 'st_fill.v',
    find: /wire allowed = run_q && en_i && !abort_i && !lstart_i && \(lam_r_q < line_lo_i \+ ST_DEPTH_W\);/,
    replace: "wire allowed = run_q && en_i && !abort_i && !lstart_i && (lam_r_q < line_lo_i + ST_DEPTH_W + 32'd1);",
  },
  {
    id: 'line-ready-early',
    what: 'a row issues in the cycle its last activation-buffer line is written, one cycle before the line can be read',
    file: 'st_controller.v',
    find: /wire lready = lines_i > win_line_q/,
    replace: "wire lready = lines_i + 32'd1 > win_line_q",
  },
  {
    id: 'weights-ready-early',
    what: 'a set starts as soon as its rows are written, one cycle before the control bank read ahead can see them',
    file: 'st_controller.v',
    find: /wire wready = rec_prev_q >= base_q/,
    replace: 'wire wready = rec_wr_i >= base_q',
  },
  {
    id: 'credit-ignored',
    what: 'a window\'s last row issues without an output credit: the output FIFO overflows when the time slots fall behind',
    file: 'st_controller.v',
    find: /wire oready = !last \|\| credits_q != \{CREDIT_BITS\{1'b0\}\};/,
    replace: "wire oready = 1'b1;",
  },
  // ---- AXI4 read master ----------------------------------------------------------------------------
  {
    id: 'axi-4k',
    what: 'bursts ignore the 4 KB boundary (an AXI4 protocol violation the memory model flags)',
    file: 'st_wfetch.v',
    find: /wire \[12:0\] to_boundary = BOUNDARY_BEATS\[12:0\] - \{1'b0, next_q\[11:0\] >> SIZE\};/,
    replace: "wire [12:0] to_boundary = BOUNDARY_BEATS[12:0];",
  },
  {
    id: 'axi-arlen',
    what: 'ARLEN is the burst\'s beat count instead of the count minus one: every burst returns one beat more than the fetcher expects',
    file: 'st_wfetch.v',
    find: /arlen_d(\s+)= n_beats\[7:0\] - 8'd1;/,
    replace: 'arlen_d$1= n_beats[7:0];',
  },
  {
    id: 'axi-rready-stuck',
    what: 'RREADY is always high: beats are taken even when the weight ring is full, overwriting rows in use',
    file: 'st_wfetch.v',
    find: /assign m_axi_rready_o = abort_i \|\| \(\(rec_wr_q - rec_freed_i\) < DEPTH_W && cnt_q < FIFO_FULL\);/,
    replace: "assign m_axi_rready_o = 1'b1;",
  },
  {
    id: 'ring-overflow-by-one',
    what: 'RREADY lets one record more into the weight ring than it holds; it overwrites the oldest set\'s header slot, which nothing reads again: every output, CYCLES and every counter stay right, only the ring-overflow assertion sees it',
    file: 'st_wfetch.v',
    find: /assign m_axi_rready_o = abort_i \|\| \(\(rec_wr_q - rec_freed_i\) < DEPTH_W/,
    replace: "assign m_axi_rready_o = abort_i || ((rec_wr_q - rec_freed_i) < DEPTH_W + 32'd1",
  },
  // ---- run-length decoder of the weight stream (tiny-rle) -----------------------------------------
  {
    id: 'rle-run-short',
    what: 'the decoder counts an entry as run slots instead of run + 1: the next entry overwrites its value',
    file: 'st_wfetch.v', config: 'tiny-rle',
    find: /(at\[\(e\+1\)\*POS_BITS \+: POS_BITS\] = used\[e\] \? vpos\[e\*POS_BITS \+: POS_BITS\]) \+ 1'b1/,
    replace: '$1',
  },
  {
    id: 'rle-entry-order',
    what: 'the entries of a beat are read from its top down (entry 0 taken from the highest entry position)',
    file: 'st_wfetch.v', config: 'tiny-rle',
    find: /assign ents\[g\*ENTRY_BITS \+: ENTRY_BITS\] = m_axi_rdata_i\[g\*ENTRY_BITS \+: ENTRY_BITS\];/,
    replace: 'assign ents[g*ENTRY_BITS +: ENTRY_BITS] = m_axi_rdata_i[(RLE_ENTRIES-1-g)*ENTRY_BITS +: ENTRY_BITS];',
  },
  {
    id: 'rle-row-boundary',
    what: 'at a row boundary the slots the beat produced past the row\'s end are dropped instead of starting the next row',
    file: 'st_wfetch.v', config: 'tiny-rle',
    find: /asm_q <= ext\[ROW_W \+: ROW_W\];/,
    replace: "asm_q <= {ROW_W{1'b0}};",
  },
  {
    id: 'rle-ctrl-row',
    what: 'a row is written with the control word of the header\'s next row',
    file: 'st_wfetch.v', config: 'tiny-rle',
    find: /hdr_q\[HDR_CTRL_LSB \+ ri_q\*CTRL_BITS \+: CTRL_BITS\]/,
    replace: 'hdr_q[HDR_CTRL_LSB + (ri_q + 16\'d1)*CTRL_BITS +: CTRL_BITS]',
  },
  {
    id: 'rle-header-short',
    what: 'the header\'s length ignores the control words: the slot stream is taken to start with the header\'s second beat',
    file: 'st_wfetch.v', config: 'tiny-rle',
    find: /wire \[31:0\] hdr_bits  = HDR_CTRL_LSB_W \+ \{16'd0, h_rows\} \* CTRL_BITS_W;/,
    replace: 'wire [31:0] hdr_bits  = HDR_CTRL_LSB_W;',
  },
  // ---- ping-pong feature-map halves -----------------------------------------------------------------
  {
    id: 'pingpong-same-half',
    what: 'outputs are written into the half the layer reads instead of the other one',
    file: 'st_tile.v',
    find: /\(cur_in_half_i \? 32'd0 : FM_HALF_W\);/,
    replace: "(cur_in_half_i ? FM_HALF_W : 32'd0);",
  },
];

/** The mutants of a configuration's RTL: the general ones and those written for it. */
export const mutantsFor = (cfgName: string): readonly Mutant[] => MUTANTS.filter((m) => m.config === undefined || m.config === cfgName);

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
