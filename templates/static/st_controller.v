// st_controller: one tile's row sequencer (docs/architecture.md sections 4 to 8).
//
// At a layer's start the tile's work is latched; for each of its sets (in the order of the set
// headers the fetcher queues) and each window of its range, the set's rows are issued in order, at
// most one per cycle. A row issues when
//   its set's rows are all in the weight ring (records written one cycle ago >= set base + rows),
//   its activation-buffer lines are written (lines > window line + floor((t + h)/(h + 1))), and,
//   for a window's last row, an output credit is free (the output FIFO has room for its word).
// A cycle in which the tile has work but does not issue is a stall, counted once, by the first
// reason in that order (waiting for a set header counts as waiting for weights).
//
// The control bank ({last, delta}) is read one cycle ahead: ctrl_addr_o is the row at row_addr_o in
// the next cycle, so ctrl_i holds the control word of the row at row_addr_o. Step tracking:
// (quo_q, res_q) is u = t_prev + 1 as quotient and residue w.r.t. BANKS = h+1, 0 at a window's first
// row; the row's step is t = u + delta - 1 and activation-buffer bank b is read at line
// win_line + floor(t/BANKS) + (b < t mod BANKS ? 1 : 0) (mod ST_DEPTH). Every window takes QW lines.
//
// Parameters:
//   RING_BITS        log2 of the weight ring's records
//   ST_BITS          log2 of the activation buffer's lines
//   BANKS, ROT_BITS  activation-buffer banks h+1, W(BANKS)
//   DELTA_BITS, CONTROL_BITS, CTRL_DELTA_LSB, CTRL_LAST_LSB   the control word (contract/layout.ts)
//   CREDITS, CREDIT_BITS   output words in flight (outputFifoDepth) and a counter for them
//   FM_ADDR_BITS     a feature-map word address (both halves)
//
// Ports:
//   clk_i, rst_ni, start_i, lstart_i, abort_i   clock, reset, job start, layer start, abort
//   sets_i, win_count_i, qw_i                   the tile's sets and windows, lines per window
//   out_start_i, out_cg_i                       word of the first window's output pixel; words per pixel
//   hdr_*                                       the fetcher's oldest set header; hdr_pop_o takes it
//   rec_wr_i                                    records the fetcher has written
//   lines_i                                     lines the fill has written in this layer
//   credit_ret_i                                output credits returned this cycle
//   ctrl_i, ctrl_addr_o, row_addr_o, act_addr_o, rot_o   memory addresses and the control word
//   issue_o, first_o, last_o                    a row issues; it is its window's first / last
//   line_lo_o                                   the lowest activation-buffer line still to be read
//   rec_freed_o                                 records freed (sets finished)
//   out_addr_o, chan_o                          the current window's output pixel word, set's channel base
//   stall_w_o, stall_f_o, stall_o_o             this cycle is a stall for weights, fill, output
//   done_o                                      the tile's layer is finished and its outputs written
//   err_ctrl_o                                  a control word's delta is outside 1..h+1
module st_controller #(
  parameter integer RING_BITS = 4,
  parameter integer ST_BITS = 4,
  parameter integer BANKS = 3,
  parameter integer ROT_BITS = 2,
  parameter integer DELTA_BITS = 2,
  parameter integer CONTROL_BITS = 3,
  parameter integer CTRL_DELTA_LSB = 0,
  parameter integer CTRL_LAST_LSB = 2,
  parameter integer CREDITS = 2,
  parameter integer CREDIT_BITS = 2,
  parameter integer FM_ADDR_BITS = 10
) (
  input  wire                          clk_i,
  input  wire                          rst_ni,
  input  wire                          start_i,
  input  wire                          lstart_i,
  input  wire                          abort_i,
  input  wire [15:0]                   sets_i,
  input  wire [23:0]                   win_count_i,
  input  wire [15:0]                   qw_i,
  input  wire [FM_ADDR_BITS-1:0]       out_start_i,
  input  wire [15:0]                   out_cg_i,
  input  wire                          hdr_valid_i,
  input  wire [31:0]                   hdr_base_i,
  input  wire [15:0]                   hdr_rows_i,
  input  wire [15:0]                   hdr_chan_i,
  output wire                          hdr_pop_o,
  input  wire [31:0]                   rec_wr_i,
  input  wire [31:0]                   lines_i,
  input  wire [1:0]                    credit_ret_i,
  input  wire [CONTROL_BITS-1:0]       ctrl_i,
  output wire [RING_BITS-1:0]          ctrl_addr_o,
  output wire [RING_BITS-1:0]          row_addr_o,
  output wire [BANKS*ST_BITS-1:0]      act_addr_o,
  output wire [ROT_BITS-1:0]           rot_o,
  output wire                          issue_o,
  output wire                          first_o,
  output wire                          last_o,
  output wire [31:0]                   line_lo_o,
  output wire [31:0]                   rec_freed_o,
  output wire [FM_ADDR_BITS-1:0]       out_addr_o,
  output wire [15:0]                   chan_o,
  output wire                          stall_w_o,
  output wire                          stall_f_o,
  output wire                          stall_o_o,
  output wire                          done_o,
  output wire                          err_ctrl_o
);
  // derived constants: do not override
  localparam [1:0] S_IDLE = 2'd0, S_NEWSET = 2'd1, S_RUN = 2'd2, S_DONE = 2'd3;
  localparam integer SUM_BITS = ((ROT_BITS > DELTA_BITS) ? ROT_BITS : DELTA_BITS) + 1;
  localparam [SUM_BITS-1:0] BANKS_S = BANKS[SUM_BITS-1:0];
  localparam [SUM_BITS-1:0] ONE_S = 1;
  localparam [ROT_BITS-1:0] BANKS_R = BANKS[ROT_BITS-1:0];
  localparam integer LAST_RES_INT = BANKS - 1;
  localparam [ROT_BITS-1:0] LAST_RES = LAST_RES_INT[ROT_BITS-1:0];
  localparam [ROT_BITS-1:0] ZERO_R = 0;
  localparam [ROT_BITS-1:0] ONE_R = 1;
  localparam [CREDIT_BITS-1:0] CREDITS_C = CREDITS[CREDIT_BITS-1:0];
  localparam integer DELTA_CODES = 1 << DELTA_BITS;
  localparam [DELTA_BITS:0] MAX_DELTA = BANKS[DELTA_BITS:0];

  reg [1:0]              st_q, st_d;
  reg                    first_q, first_d;
  reg [31:0]             rp_q, rp_d;            // record index of the current row
  reg [31:0]             base_q, base_d;        // record index of the set's first row
  reg [15:0]             rows_q, rows_d;
  reg [15:0]             chan_q, chan_d;
  reg [15:0]             sc_q, sc_d;
  reg [23:0]             wc_q, wc_d;
  reg [31:0]             win_line_q, win_line_d;
  reg [15:0]             quo_q, quo_d;
  reg [ROT_BITS-1:0]     res_q, res_d;
  reg [CREDIT_BITS-1:0]  credits_q, credits_d;
  reg [31:0]             freed_q, freed_d;
  reg [31:0]             rec_prev_q;
  reg [FM_ADDR_BITS-1:0] oaddr_q, oaddr_d;
  reg [15:0]             sets_q, qw_q, ocg_q;
  reg [23:0]             wcount_q;
  reg [FM_ADDR_BITS-1:0] ostart_q;
  reg                    pop;
  wire [47:0]            ocg_w = {32'd0, ocg_q};
  wire                   unused_ocg = ^ocg_w[47:FM_ADDR_BITS];

  wire [DELTA_BITS-1:0] delta = ctrl_i[CTRL_DELTA_LSB +: DELTA_BITS];
  wire                  last  = ctrl_i[CTRL_LAST_LSB];

  // this row's step t = u + delta - 1 as (t_quo, t_res); res_q + delta - 1 < 2*BANKS
  wire [SUM_BITS-1:0] sum = { {(SUM_BITS-ROT_BITS){1'b0}}, res_q} + { {(SUM_BITS-DELTA_BITS){1'b0}}, delta} - ONE_S;
  wire                wrap = sum >= BANKS_S;
  wire [ROT_BITS-1:0] t_res = res_q + delta[ROT_BITS-1:0] - ONE_R - (wrap ? BANKS_R : ZERO_R);
  wire [15:0]         t_quo = quo_q + {15'd0, wrap};

  wire run    = st_q == S_RUN && !lstart_i && !abort_i;
  wire wready = rec_prev_q >= base_q + {16'd0, rows_q};
  wire lready = lines_i > win_line_q + {16'd0, t_quo} + {31'd0, t_res != ZERO_R};
  wire oready = !last || credits_q != {CREDIT_BITS{1'b0}};
  wire issue  = run && wready && lready && oready;
  wire w_end  = issue && last;

  always @* begin
    st_d = st_q; first_d = first_q; rp_d = rp_q; base_d = base_q; rows_d = rows_q; chan_d = chan_q;
    sc_d = sc_q; wc_d = wc_q; win_line_d = win_line_q; quo_d = quo_q; res_d = res_q; freed_d = freed_q; oaddr_d = oaddr_q;
    pop = 1'b0;
    credits_d = credits_q - { {(CREDIT_BITS-1){1'b0}}, w_end} + { {(CREDIT_BITS-2){1'b0}}, credit_ret_i};
    if (lstart_i) begin
      st_d = (sets_i != 16'd0 && win_count_i != 24'd0) ? S_NEWSET : S_DONE;
      sc_d = 16'd0;
      win_line_d = 32'd0;
    end else if (abort_i) begin
      st_d = S_DONE;
    end else if (st_q == S_NEWSET) begin
      if (hdr_valid_i) pop = 1'b1;
    end else if (issue) begin
      if (!last) begin
        // next row of the same window: u = t + 1
        first_d = 1'b0;
        rp_d    = rp_q + 32'd1;
        res_d   = (t_res == LAST_RES) ? ZERO_R : t_res + ONE_R;
        quo_d   = t_quo + ((t_res == LAST_RES) ? 16'd1 : 16'd0);
      end else begin
        // window done: the next row is a first row, at step -1 + delta
        first_d    = 1'b1;
        quo_d      = 16'd0;
        res_d      = ZERO_R;
        win_line_d = win_line_q + {16'd0, qw_q};
        if (wc_q + 24'd1 < wcount_q) begin
          wc_d    = wc_q + 24'd1;
          rp_d    = base_q;
          oaddr_d = oaddr_q + ocg_w[FM_ADDR_BITS-1:0];
        end else begin
          freed_d = freed_q + {16'd0, rows_q} + 32'd1;
          if (sc_q + 16'd1 < sets_q) begin
            sc_d = sc_q + 16'd1;
            if (hdr_valid_i) pop = 1'b1;
            else st_d = S_NEWSET;
          end else begin
            st_d = S_DONE;
          end
        end
      end
    end
    if (pop) begin
      st_d    = S_RUN;
      base_d  = hdr_base_i;
      rp_d    = hdr_base_i;
      rows_d  = hdr_rows_i;
      chan_d  = hdr_chan_i;
      wc_d    = 24'd0;
      oaddr_d = ostart_q;
      first_d = 1'b1;
      quo_d   = 16'd0;
      res_d   = ZERO_R;
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= S_IDLE; first_q <= 1'b1; rp_q <= 32'd0; base_q <= 32'd0; rows_q <= 16'd0; chan_q <= 16'd0;
      sc_q <= 16'd0; wc_q <= 24'd0; win_line_q <= 32'd0; quo_q <= 16'd0; res_q <= ZERO_R;
      credits_q <= CREDITS_C; freed_q <= 32'd0; rec_prev_q <= 32'd0; oaddr_q <= {FM_ADDR_BITS{1'b0}};
      sets_q <= 16'd0; qw_q <= 16'd0; ocg_q <= 16'd0; wcount_q <= 24'd0; ostart_q <= {FM_ADDR_BITS{1'b0}};
    end else if (start_i) begin
      // the step position too: after an abort mid-window it is not 0, and line_lo_o would let the
      // fill of the next job run ahead of the lines its first window reads
      st_q <= S_IDLE; credits_q <= CREDITS_C; freed_q <= 32'd0; rec_prev_q <= 32'd0; win_line_q <= 32'd0;
      quo_q <= 16'd0; res_q <= ZERO_R;
    end else begin
      st_q <= st_d; first_q <= first_d; rp_q <= rp_d; base_q <= base_d; rows_q <= rows_d; chan_q <= chan_d;
      sc_q <= sc_d; wc_q <= wc_d; win_line_q <= win_line_d; quo_q <= quo_d; res_q <= res_d;
      credits_q <= credits_d; freed_q <= freed_d; rec_prev_q <= rec_wr_i; oaddr_q <= oaddr_d;
      if (lstart_i) begin
        sets_q <= sets_i; qw_q <= qw_i; ocg_q <= out_cg_i; wcount_q <= win_count_i; ostart_q <= out_start_i;
      end
    end
  end

  assign hdr_pop_o   = pop;
  assign ctrl_addr_o = rp_d[RING_BITS-1:0];
  assign row_addr_o  = rp_q[RING_BITS-1:0];
  assign rot_o       = t_res;
  assign issue_o     = issue;
  assign first_o     = first_q;
  assign last_o      = last;
  assign line_lo_o   = win_line_q + {16'd0, quo_q};
  assign rec_freed_o = freed_q;
  assign out_addr_o  = oaddr_q;
  assign chan_o      = chan_q;
  assign stall_w_o   = !lstart_i && !abort_i && (st_q == S_NEWSET || (st_q == S_RUN && !wready));
  assign stall_f_o   = run && wready && !lready;
  assign stall_o_o   = run && wready && lready && !oready;
  assign done_o      = st_q == S_DONE && credits_q == CREDITS_C;
  wire   delta_high  = (DELTA_CODES - 1 > BANKS) && ({1'b0, delta} > MAX_DELTA);
  assign err_ctrl_o  = run && wready && (delta == {DELTA_BITS{1'b0}} || delta_high);

  genvar b;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      wire [31:0] line;
      if (b == BANKS - 1) begin : g_last
        // b < t mod BANKS never holds for the last bank
        assign line = win_line_q + {16'd0, t_quo};
      end else begin : g_other
        localparam [ROT_BITS-1:0] BANK = b;
        assign line = win_line_q + {16'd0, t_quo} + ((BANK < t_res) ? 32'd1 : 32'd0);
      end
      assign act_addr_o[b*ST_BITS +: ST_BITS] = line[ST_BITS-1:0];
      wire unused_line = ^line[31:ST_BITS];
    end
  endgenerate

`ifndef SYNTHESIS
  // Contract check (section 4, legality): every issued row advances the step by 1..h+1.
  always @(posedge clk_i) begin
    if (err_ctrl_o)
      $error("st_assert: delta-range: row %0d has step delta %0d, outside 1..%0d", rp_q, delta, BANKS);
  end
`endif
endmodule
