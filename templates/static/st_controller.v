// st_controller: one tile's row sequencer (docs/architecture.md sections 4 to 6).
//
// After start_i the tile runs its sets_i local sets in order; for each set the windows
// 0..windows_i-1; for each window the set's rows in weight-memory order (set j starts right after
// set j-1's last row). One row is issued per cycle, back to back, with no bubbles.
//
// The control bank ({last, delta} per row) is read one cycle ahead of the data banks: in the cycle
// a row is issued, ctrl_i already holds its control word, so the controller knows the row's step
// (for the activation addresses) and whether it ends a window (for the next row's address).
// ctrl_addr_o is the next row's address while issuing and 0 while idle, so that the first row's
// control word is ready in the first cycle after start_i.
//
// Step tracking: (quo_q, res_q) is u = t_prev + 1 as quotient and residue w.r.t. BANKS = h+1,
// reset to 0 (t_prev = -1) at each window's first row. The row's step is t = u + delta - 1 and
// bank b is read at win_base + floor(t/BANKS) + (b < t mod BANKS ? 1 : 0), where win_base = w*Qw.
//
// Parameters:
//   WEIGHT_ADDR_BITS  weight memory address width
//   ACT_ADDR_BITS     activation bank address width (also the width of Qw, stride_i)
//   BANKS             activation banks, h+1
//   ROT_BITS          W(BANKS): width of a residue t mod BANKS
//   DELTA_BITS        width of the control word's delta field
//   CONTROL_BITS      width of the control word {last, delta}
//   CTRL_DELTA_LSB    bit position of the delta field in the control word (contract/layout.ts controlFields)
//   CTRL_LAST_LSB     bit position of the last flag in the control word
//   COUNT_BITS        width of windows_i and sets_i
//
// Ports:
//   clk_i, rst_ni     clock; asynchronous active-low reset
//   start_i           one-cycle job start (st_csr's start_o)
//   windows_i         Wn, windows per set (CSR WINDOWS)
//   stride_i          Qw, activation words per window in each bank (CSR WIN_STRIDE)
//   sets_i            local sets of this tile (CSR TILE_SETS[t]); 0 leaves the tile idle
//   ctrl_i            control word {last, delta} of the row at row_addr_o
//   ctrl_addr_o       control bank read address (the next row)
//   row_addr_o        data bank read address (the row issued this cycle)
//   act_addr_o        bank b's read address at [b*ACT_ADDR_BITS +: ACT_ADDR_BITS]
//   rot_o             t mod BANKS of the row issued this cycle
//   issue_o           a row is issued this cycle
//   first_o, last_o   it is its window's first / last row
module st_controller #(
  parameter integer WEIGHT_ADDR_BITS = 8,
  parameter integer ACT_ADDR_BITS = 9,
  parameter integer BANKS = 3,
  parameter integer ROT_BITS = 2,
  parameter integer DELTA_BITS = 2,
  parameter integer CONTROL_BITS = 3,
  parameter integer CTRL_DELTA_LSB = 0,
  parameter integer CTRL_LAST_LSB = 2,
  parameter integer COUNT_BITS = 8
) (
  input  wire                              clk_i,
  input  wire                              rst_ni,
  input  wire                              start_i,
  input  wire [COUNT_BITS-1:0]             windows_i,
  input  wire [ACT_ADDR_BITS-1:0]          stride_i,
  input  wire [COUNT_BITS-1:0]             sets_i,
  input  wire [CONTROL_BITS-1:0]           ctrl_i,
  output wire [WEIGHT_ADDR_BITS-1:0]       ctrl_addr_o,
  output wire [WEIGHT_ADDR_BITS-1:0]       row_addr_o,
  output wire [BANKS*ACT_ADDR_BITS-1:0]    act_addr_o,
  output wire [ROT_BITS-1:0]               rot_o,
  output wire                              issue_o,
  output wire                              first_o,
  output wire                              last_o
);
  // derived constants: do not override
  localparam integer SUM_BITS = ((ROT_BITS > DELTA_BITS) ? ROT_BITS : DELTA_BITS) + 1;
  localparam [SUM_BITS-1:0] BANKS_S = BANKS[SUM_BITS-1:0];
  localparam [SUM_BITS-1:0] ONE_S = 1;
  localparam [ROT_BITS-1:0] BANKS_R = BANKS[ROT_BITS-1:0];
  localparam integer LAST_RES_INT = BANKS - 1;
  localparam [ROT_BITS-1:0] LAST_RES = LAST_RES_INT[ROT_BITS-1:0];
  localparam [ROT_BITS-1:0] ZERO_R = 0;
  localparam [ROT_BITS-1:0] ONE_R = 1;
  localparam [ACT_ADDR_BITS-1:0] ZERO_A = 0;
  localparam [ACT_ADDR_BITS-1:0] ONE_A = 1;
  localparam [WEIGHT_ADDR_BITS-1:0] ZERO_W = 0;
  localparam [WEIGHT_ADDR_BITS-1:0] ONE_W = 1;
  localparam [COUNT_BITS-1:0] ZERO_C = 0;
  localparam [COUNT_BITS-1:0] ONE_C = 1;

  reg                        issuing_q, issuing_d;
  reg                        first_q, first_d;
  reg [WEIGHT_ADDR_BITS-1:0] row_q, row_d;
  reg [WEIGHT_ADDR_BITS-1:0] set_base_q, set_base_d;
  reg [COUNT_BITS-1:0]       set_q, set_d;
  reg [COUNT_BITS-1:0]       win_q, win_d;
  reg [ACT_ADDR_BITS-1:0]    win_base_q, win_base_d;
  reg [ACT_ADDR_BITS-1:0]    quo_q, quo_d;
  reg [ROT_BITS-1:0]         res_q, res_d;

  wire [DELTA_BITS-1:0] delta = ctrl_i[CTRL_DELTA_LSB +: DELTA_BITS];
  wire                  last = ctrl_i[CTRL_LAST_LSB];

  // this row's step t = u + delta - 1 as (t_quo, t_res); res_q + delta - 1 < 2*BANKS
  wire [SUM_BITS-1:0] sum = { {(SUM_BITS-ROT_BITS){1'b0}}, res_q} + { {(SUM_BITS-DELTA_BITS){1'b0}}, delta} - ONE_S;
  wire                wrap = sum >= BANKS_S;
  wire [ROT_BITS-1:0] t_res = res_q + delta[ROT_BITS-1:0] - ONE_R - (wrap ? BANKS_R : ZERO_R);
  wire [ACT_ADDR_BITS-1:0] t_quo = quo_q + (wrap ? ONE_A : ZERO_A);
  wire                end_of_window = last;
  wire                end_of_set = (win_q + ONE_C) == windows_i;
  wire                end_of_job = (set_q + ONE_C) == sets_i;

  always @* begin
    issuing_d  = issuing_q;
    first_d    = first_q;
    row_d      = row_q;
    set_base_d = set_base_q;
    set_d      = set_q;
    win_d      = win_q;
    win_base_d = win_base_q;
    quo_d      = quo_q;
    res_d      = res_q;
    if (start_i) begin
      issuing_d  = (sets_i != ZERO_C) && (windows_i != ZERO_C);
      first_d    = 1'b1;
      row_d      = ZERO_W;
      set_base_d = ZERO_W;
      set_d      = ZERO_C;
      win_d      = ZERO_C;
      win_base_d = ZERO_A;
      quo_d      = ZERO_A;
      res_d      = ZERO_R;
    end else if (issuing_q) begin
      if (!end_of_window) begin
        // next row of the same window: u = t + 1
        first_d = 1'b0;
        row_d   = row_q + ONE_W;
        res_d   = (t_res == LAST_RES) ? ZERO_R : t_res + ONE_R;
        quo_d   = t_quo + ((t_res == LAST_RES) ? ONE_A : ZERO_A);
      end else begin
        // window done: the next row is a first row, at step -1 + delta
        first_d = 1'b1;
        quo_d   = ZERO_A;
        res_d   = ZERO_R;
        if (end_of_set) begin
          win_d      = ZERO_C;
          win_base_d = ZERO_A;
          row_d      = row_q + ONE_W;
          set_base_d = row_q + ONE_W;
          set_d      = set_q + ONE_C;
          if (end_of_job) issuing_d = 1'b0;
        end else begin
          win_d      = win_q + ONE_C;
          win_base_d = win_base_q + stride_i;
          row_d      = set_base_q;
        end
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      issuing_q  <= 1'b0;
      first_q    <= 1'b1;
      row_q      <= ZERO_W;
      set_base_q <= ZERO_W;
      set_q      <= ZERO_C;
      win_q      <= ZERO_C;
      win_base_q <= ZERO_A;
      quo_q      <= ZERO_A;
      res_q      <= ZERO_R;
    end else begin
      issuing_q  <= issuing_d;
      first_q    <= first_d;
      row_q      <= row_d;
      set_base_q <= set_base_d;
      set_q      <= set_d;
      win_q      <= win_d;
      win_base_q <= win_base_d;
      quo_q      <= quo_d;
      res_q      <= res_d;
    end
  end

  assign ctrl_addr_o = issuing_q ? row_d : ZERO_W;
  assign row_addr_o  = row_q;
  assign rot_o       = t_res;
  assign issue_o     = issuing_q;
  assign first_o     = first_q;
  assign last_o      = last;

`ifndef SYNTHESIS
  // Contract check (section 4, legality): every issued row advances the step by 1..h+1.
  // (the upper bound is checked only where the delta field can exceed h+1)
  localparam integer DELTA_CODES = 1 << DELTA_BITS;
  localparam [DELTA_BITS:0] MAX_DELTA = BANKS[DELTA_BITS:0];
  wire delta_high = (DELTA_CODES - 1 > BANKS) && ({1'b0, delta} > MAX_DELTA);
  always @(posedge clk_i) begin
    if (issuing_q && (delta == {DELTA_BITS{1'b0}} || delta_high))
      $error("st_assert: delta-range: row %0d has step delta %0d, outside 1..%0d", row_q, delta, BANKS);
  end
`endif

  genvar b;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      if (b == BANKS - 1) begin : g_last
        // b < t mod BANKS never holds for the last bank
        assign act_addr_o[b*ACT_ADDR_BITS +: ACT_ADDR_BITS] = win_base_q + t_quo;
      end else begin : g_other
        localparam [ROT_BITS-1:0] BANK = b;
        assign act_addr_o[b*ACT_ADDR_BITS +: ACT_ADDR_BITS] = win_base_q + t_quo + ((BANK < t_res) ? ONE_A : ZERO_A);
      end
    end
  endgenerate
endmodule
