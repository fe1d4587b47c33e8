// st_fill: the activation-buffer fill of one tile (docs/architecture.md section 6): the on-chip
// address generator that walks the tile's windows (for each of its sets, its window range) line by
// line, reads each line's feature-map words and writes the line into the activation-buffer ring.
//
// Line q of a window holds steps t = q*H1 .. q*H1+H1-1 (H1 = h+1); step t = (r*KW + kq)*GC + g is
// channel group g of pixel (y, x) = (ho*SH + r*DH - PT, wo*SW + kq*DW - PL), at word
// IN_BASE + (y*IN_W + x)*GC + g of the input half, or zero when (y, x) is outside the image or t >= S
// (padding is generated, never stored or read). The H1 steps of a line come from a chain of H1
// incrementers; a step's word is in bank (word mod FM_BANKS). A line is read in rounds, a round
// reading at most one word per bank in step order, so a line takes as many cycles as the most
// words it has in one bank (at least one). The data of a round arrive the next cycle; a line is
// written into the ring two cycles after its last round and counts as written from the cycle after.
//
// Widths (the fill runs only on a descriptor that passed st_desc_check; an error aborts the job in
// the layer's start cycle, before any read): word addresses are AB = FM_BANK_BITS + FM_ROW_BITS bits
// wide, modulo 2^AB (only a valid step's bank and row are used, and they are its low AB bits); y and x
// are YB-bit signed, enough for every valid step (|y|, |x| <= 255*(HALF + 253), HALF words a half,
// since OUT_H, OUT_W <= HALF); steps are TB bits (t <= WIN_STRIDE*H1), S is 16 bits (S <= 65535).
//
// Line lam may be read only while lam < line_lo_i + ST_DEPTH: its ring slot must no longer hold a
// line the controller may read (line_lo_i is the lowest line it can still read).
//
// Parameters:
//   H1              activation-buffer banks, h+1
//   ACT_W           a word, lanes * activationBits
//   FM_BANKS, FM_BANK_BITS, FM_ROW_BITS   feature-map banks, log2(banks), log2(rows per bank)
//   ST_DEPTH, ST_BITS                     ring lines and log2 of it
//
// Ports:
//   clk_i, rst_ni           clock; asynchronous active-low reset
//   start_i                 job start
//   lstart_i                layer start: the geometry inputs hold the new layer's descriptor
//   abort_i                 stop
//   en_i                    a job runs (busy): the fill reads and counts only then
//   in_half_i .. qw_i       the layer's geometry and the tile's work (contract/registers.ts)
//   line_lo_i               the controller's lowest readable line
//   fm_rrow_o, fm_rdata_i   the feature-map banks' read rows and data
//   st_we_o, st_waddr_o, st_wline_o   the ring write
//   lines_o                 lines written in this layer
//   reads_o                 words read this cycle (the FM_READS counter)
module st_fill #(
  parameter integer H1 = 3,
  parameter integer ACT_W = 32,
  parameter integer FM_BANKS = 4,
  parameter integer FM_BANK_BITS = 2,
  parameter integer FM_ROW_BITS = 8,
  parameter integer ST_DEPTH = 16,
  parameter integer ST_BITS = 4
) (
  input  wire                         clk_i,
  input  wire                         rst_ni,
  input  wire                         start_i,
  input  wire                         lstart_i,
  input  wire                         abort_i,
  input  wire                         en_i,
  input  wire                         in_half_i,
  input  wire [23:0]                  in_base_i,
  input  wire [15:0]                  in_h_i,
  input  wire [15:0]                  in_w_i,
  input  wire [15:0]                  in_cg_i,
  input  wire [7:0]                   kh_i,
  input  wire [7:0]                   kw_i,
  input  wire [7:0]                   sh_i,
  input  wire [7:0]                   sw_i,
  input  wire [7:0]                   dh_i,
  input  wire [7:0]                   dw_i,
  input  wire [7:0]                   pt_i,
  input  wire [7:0]                   pl_i,
  input  wire [15:0]                  out_w_i,
  input  wire [15:0]                  ho0_i,
  input  wire [15:0]                  wo0_i,
  input  wire [23:0]                  win_count_i,
  input  wire [15:0]                  sets_i,
  input  wire [15:0]                  qw_i,
  input  wire [31:0]                  line_lo_i,
  output reg  [FM_BANKS*FM_ROW_BITS-1:0] fm_rrow_o,
  input  wire [FM_BANKS*ACT_W-1:0]    fm_rdata_i,
  output wire                         st_we_o,
  output wire [ST_BITS-1:0]           st_waddr_o,
  output wire [H1*ACT_W-1:0]          st_wline_o,
  output wire [31:0]                  lines_o,
  output reg  [$clog2(H1+1)-1:0]      reads_o
);
  // derived constants: do not override
  localparam integer RB = $clog2(H1 + 1);            // a round number, 0..H1-1, and a count 0..H1
  localparam integer BK = (FM_BANK_BITS > 0) ? FM_BANK_BITS : 1;
  localparam integer HALF_ROWS = (1 << FM_ROW_BITS) / 2;
  localparam [31:0] ST_DEPTH_W = ST_DEPTH;
  localparam integer AB = FM_BANK_BITS + FM_ROW_BITS;     // a word address in the memory
  localparam integer YB = $clog2(HALF_ROWS * FM_BANKS + 254) + 9;  // a pixel coordinate y or x, signed
  localparam integer TB = 17 + $clog2(H1);                 // a step number t

  // ---- the layer, latched at its start -----------------------------------------------------------
  reg               run_q;
  reg               half_q;
  reg signed [YB-1:0] inh_q, inw_q, dh_q, dw_q, sw_q, sh_q, pl_q;
  reg [15:0]        gc_q, s_q, outw_q;
  reg [7:0]         kw_q;
  reg [AB-1:0]      inc_q_q, inc_r_q, inc_wo_q, inc_ho_q;   // word increments: next kernel column, row; next window, output row
  reg signed [YB-1:0] y00_q, x00_q;                         // origin of the first window of the range
  reg [AB-1:0]      a00_q;
  reg [15:0]        wo00_q;
  reg [23:0]        wcount_q;
  reg [15:0]        sets_q, qw_q;

  // ---- walk state --------------------------------------------------------------------------------
  reg [15:0]        sc_q, lq_q, wo_q;
  reg [23:0]        wc_q;
  reg [RB-1:0]      k_q;
  reg [31:0]        lam_r_q, lam_w_q;
  reg signed [YB-1:0] y0w_q, x0w_q;                         // the window's origin: y, x and word of step 0
  reg [AB-1:0]      a0w_q;
  reg [TB-1:0]      t_q;                                    // the line's first step
  reg [7:0]         kq_q;
  reg [15:0]        g_q;
  reg signed [YB-1:0] y_q, x_q;
  reg [AB-1:0]      a_q;

  // the chain: stage b is step t_q + b; stage H1 is the next line's first step
  wire [TB-1:0]      ct [0:H1] /* verilator split_var */;
  wire [7:0]         ck [0:H1] /* verilator split_var */;
  wire [15:0]        cg [0:H1] /* verilator split_var */;
  wire signed [YB-1:0] cy [0:H1] /* verilator split_var */;
  wire signed [YB-1:0] cx [0:H1] /* verilator split_var */;
  wire [AB-1:0]      ca [0:H1] /* verilator split_var */;
  assign ct[0] = t_q;
  assign ck[0] = kq_q;
  assign cg[0] = g_q;
  assign cy[0] = y_q;
  assign cx[0] = x_q;
  assign ca[0] = a_q;
  wire [H1-1:0]      valid;
  wire [H1*BK-1:0]   bank;
  wire [H1*FM_ROW_BITS-1:0] row;
  genvar b;
  generate
    for (b = 0; b < H1; b = b + 1) begin : g_step
      wire [16:0] g1 = {1'b0, cg[b]} + 17'd1;
      wire [8:0]  k1 = {1'b0, ck[b]} + 9'd1;
      wire next_g = g1 < {1'b0, gc_q};
      wire next_k = k1 < {1'b0, kw_q};
      assign ct[b+1] = ct[b] + 1'b1;
      assign cg[b+1] = next_g ? g1[15:0] : 16'd0;
      assign ck[b+1] = next_g ? ck[b] : (next_k ? k1[7:0] : 8'd0);
      assign cx[b+1] = next_g ? cx[b] : (next_k ? cx[b] + dw_q : x0w_q);
      assign cy[b+1] = (next_g || next_k) ? cy[b] : cy[b] + dh_q;
      assign ca[b+1] = next_g ? ca[b] + 1'b1 : (next_k ? ca[b] + inc_q_q : ca[b] + inc_r_q);
      assign valid[b] = ct[b] < { {TB-16{1'b0}}, s_q} && !cy[b][YB-1] && cy[b] < inh_q && !cx[b][YB-1] && cx[b] < inw_q;
      if (FM_BANK_BITS > 0) begin : g_banked
        assign bank[b*BK +: BK] = ca[b][BK-1:0];
      end else begin : g_one
        assign bank[b*BK +: BK] = 1'b0;
      end
      assign row[b*FM_ROW_BITS +: FM_ROW_BITS] = ca[b][AB-1:FM_BANK_BITS] + (half_q ? HALF_ROWS[FM_ROW_BITS-1:0] : {FM_ROW_BITS{1'b0}});
    end
  endgenerate

  // read rounds: step b's round is the number of earlier valid steps in its bank
  reg [H1*RB-1:0] round;
  reg [RB-1:0]    rounds;  // the line's rounds - 1
  integer i, j;
  always @* begin
    round = {H1*RB{1'b0}};
    rounds = {RB{1'b0}};
    for (i = 0; i < H1; i = i + 1) begin
      for (j = 0; j < i; j = j + 1) begin
        if (valid[i] && valid[j] && bank[i*BK +: BK] == bank[j*BK +: BK]) round[i*RB +: RB] = round[i*RB +: RB] + 1'b1;
      end
      if (valid[i] && round[i*RB +: RB] > rounds) rounds = round[i*RB +: RB];
    end
  end

  wire allowed = run_q && en_i && !abort_i && !lstart_i && (lam_r_q < line_lo_i + ST_DEPTH_W);
  wire last_round = k_q == rounds;
  reg [H1-1:0] take;
  always @* begin
    fm_rrow_o = {FM_BANKS*FM_ROW_BITS{1'b0}};
    take = {H1{1'b0}};
    reads_o = {RB{1'b0}};
    for (i = 0; i < H1; i = i + 1) begin
      if (allowed && valid[i] && round[i*RB +: RB] == k_q) begin
        take[i] = 1'b1;
        reads_o = reads_o + 1'b1;
        for (j = 0; j < FM_BANKS; j = j + 1) begin
          if (bank[i*BK +: BK] == j[BK-1:0]) fm_rrow_o[j*FM_ROW_BITS +: FM_ROW_BITS] = row[i*FM_ROW_BITS +: FM_ROW_BITS];
        end
      end
    end
  end

  // ---- the layer's constants ---------------------------------------------------------------------
  // the fields zero-extended, then cut to AB bits (word arithmetic modulo 2^AB) or YB bits (coordinates)
  wire [AB+23:0] xa_base = { {AB{1'b0}}, in_base_i};
  wire [AB+15:0] xa_gc = { {AB{1'b0}}, in_cg_i}, xa_w = { {AB{1'b0}}, in_w_i}, xa_ow = { {AB{1'b0}}, out_w_i};
  wire [AB+7:0]  xa_kw = { {AB{1'b0}}, kw_i}, xa_dw = { {AB{1'b0}}, dw_i}, xa_dh = { {AB{1'b0}}, dh_i};
  wire [AB+7:0]  xa_sw = { {AB{1'b0}}, sw_i}, xa_sh = { {AB{1'b0}}, sh_i};
  wire [YB+15:0] xy_h = { {YB{1'b0}}, in_h_i}, xy_w = { {YB{1'b0}}, in_w_i}, xy_ho = { {YB{1'b0}}, ho0_i}, xy_wo = { {YB{1'b0}}, wo0_i};
  wire [YB+7:0]  xy_sh = { {YB{1'b0}}, sh_i}, xy_sw = { {YB{1'b0}}, sw_i}, xy_dh = { {YB{1'b0}}, dh_i}, xy_dw = { {YB{1'b0}}, dw_i};
  wire [YB+7:0]  xy_pt = { {YB{1'b0}}, pt_i}, xy_pl = { {YB{1'b0}}, pl_i};
  wire unused_ext = ^{xa_base[AB+23:AB], xa_gc[AB+15:AB], xa_w[AB+15:AB], xa_ow[AB+15:AB], xa_kw[AB+7:AB], xa_dw[AB+7:AB],
                      xa_dh[AB+7:AB], xa_sw[AB+7:AB], xa_sh[AB+7:AB], xy_h[YB+15:YB], xy_w[YB+15:YB], xy_ho[YB+15:YB],
                      xy_wo[YB+15:YB], xy_sh[YB+7:YB], xy_sw[YB+7:YB], xy_dh[YB+7:YB], xy_dw[YB+7:YB], xy_pt[YB+7:YB], xy_pl[YB+7:YB]};
  wire [AB-1:0] a_gc = xa_gc[AB-1:0], a_w = xa_w[AB-1:0], a_ow = xa_ow[AB-1:0], a_kw = xa_kw[AB-1:0];
  wire [AB-1:0] a_dw = xa_dw[AB-1:0], a_dh = xa_dh[AB-1:0], a_sw = xa_sw[AB-1:0], a_sh = xa_sh[AB-1:0];
  wire signed [YB-1:0] l_sh = xy_sh[YB-1:0];
  wire signed [YB-1:0] l_sw = xy_sw[YB-1:0];
  wire signed [YB-1:0] l_y0 = $signed(xy_ho[YB-1:0]) * l_sh - $signed(xy_pt[YB-1:0]);
  wire signed [YB-1:0] l_x0 = $signed(xy_wo[YB-1:0]) * l_sw - $signed(xy_pl[YB-1:0]);
  wire [AB-1:0] l_a0 = xa_base[AB-1:0] + (l_y0[AB-1:0] * a_w + l_x0[AB-1:0]) * a_gc;
  wire [15:0]   l_s  = {8'd0, kh_i} * {8'd0, kw_i} * in_cg_i;   // S <= 65535 on a valid descriptor

  // ---- next state --------------------------------------------------------------------------------
  reg               run_d;
  reg [15:0]        sc_d, lq_d, wo_d;
  reg [23:0]        wc_d;
  reg [RB-1:0]      k_d;
  reg [31:0]        lam_r_d;
  reg signed [YB-1:0] y0w_d, x0w_d, y_d, x_d;
  reg [AB-1:0]      a0w_d, a_d;
  reg [TB-1:0]      t_d;
  reg [7:0]         kq_d;
  reg [15:0]        g_d;
  always @* begin
    run_d = run_q; sc_d = sc_q; lq_d = lq_q; wo_d = wo_q; wc_d = wc_q; k_d = k_q; lam_r_d = lam_r_q;
    y0w_d = y0w_q; x0w_d = x0w_q; a0w_d = a0w_q;
    t_d = t_q; kq_d = kq_q; g_d = g_q; y_d = y_q; x_d = x_q; a_d = a_q;
    if (allowed) begin
      if (!last_round) begin
        k_d = k_q + 1'b1;
      end else begin
        k_d = {RB{1'b0}};
        lam_r_d = lam_r_q + 32'd1;
        if (lq_q + 16'd1 < qw_q) begin
          lq_d = lq_q + 16'd1;
          t_d = ct[H1]; kq_d = ck[H1]; g_d = cg[H1]; y_d = cy[H1]; x_d = cx[H1]; a_d = ca[H1];
        end else begin
          lq_d = 16'd0;
          if (wc_q + 24'd1 < wcount_q) begin
            wc_d = wc_q + 24'd1;
            if ({1'b0, wo_q} + 17'd1 < {1'b0, outw_q}) begin
              wo_d = wo_q + 16'd1;
              x0w_d = x0w_q + sw_q;
              a0w_d = a0w_q + inc_wo_q;
            end else begin
              wo_d = 16'd0;
              y0w_d = y0w_q + sh_q;
              x0w_d = -pl_q;
              a0w_d = a0w_q + inc_ho_q;
            end
          end else begin
            wc_d = 24'd0;
            wo_d = wo00_q; y0w_d = y00_q; x0w_d = x00_q; a0w_d = a00_q;
            if (sc_q + 16'd1 < sets_q) sc_d = sc_q + 16'd1;
            else run_d = 1'b0;
          end
          t_d = {TB{1'b0}}; kq_d = 8'd0; g_d = 16'd0; y_d = y0w_d; x_d = x0w_d; a_d = a0w_d;
        end
      end
    end
  end

  // ---- write pipeline: data of a round arrive the next cycle; a line is written the cycle after ----
  reg              p1_valid_q, p1_last_q, p2_valid_q;
  reg [H1-1:0]     p1_take_q, p1_zero_q;
  reg [H1*BK-1:0]  p1_bank_q;
  reg [31:0]       p1_lam_q, p2_lam_q;
  reg [H1*ACT_W-1:0] gather_q;
  always @(posedge clk_i) begin
    p1_take_q <= take;
    p1_zero_q <= ~valid;
    p1_bank_q <= bank;
    p1_lam_q  <= lam_r_q;
    p2_lam_q  <= p1_lam_q;
    for (i = 0; i < H1; i = i + 1) begin
      if (p1_valid_q && p1_take_q[i]) begin
        for (j = 0; j < FM_BANKS; j = j + 1) if (p1_bank_q[i*BK +: BK] == j[BK-1:0]) gather_q[i*ACT_W +: ACT_W] <= fm_rdata_i[j*ACT_W +: ACT_W];
      end else if (p1_valid_q && p1_zero_q[i]) begin
        gather_q[i*ACT_W +: ACT_W] <= {ACT_W{1'b0}};
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0;
      p1_valid_q <= 1'b0;
      p1_last_q <= 1'b0;
      p2_valid_q <= 1'b0;
      lam_r_q <= 32'd0;
      lam_w_q <= 32'd0;
      k_q <= {RB{1'b0}};
    end else if (start_i || abort_i) begin
      run_q <= 1'b0;
      p1_valid_q <= 1'b0;
      p2_valid_q <= 1'b0;
    end else if (lstart_i) begin
      run_q    <= sets_i != 16'd0 && win_count_i != 24'd0;
      half_q   <= in_half_i;
      inh_q    <= xy_h[YB-1:0];
      inw_q    <= xy_w[YB-1:0];
      gc_q     <= in_cg_i;
      kw_q     <= kw_i;
      dh_q     <= xy_dh[YB-1:0];
      dw_q     <= xy_dw[YB-1:0];
      sh_q     <= l_sh;
      sw_q     <= l_sw;
      pl_q     <= xy_pl[YB-1:0];
      s_q      <= l_s;
      outw_q   <= out_w_i;
      inc_q_q  <= a_dw * a_gc - a_gc + 1'b1;
      inc_r_q  <= a_dh * a_w * a_gc - (a_kw - 1'b1) * a_dw * a_gc - a_gc + 1'b1;
      inc_wo_q <= a_sw * a_gc;
      inc_ho_q <= a_sh * a_w * a_gc - (a_ow - 1'b1) * a_sw * a_gc;
      y00_q    <= l_y0;
      x00_q    <= l_x0;
      a00_q    <= l_a0;
      wo00_q   <= wo0_i;
      wcount_q <= win_count_i;
      sets_q   <= sets_i;
      qw_q     <= qw_i;
      sc_q <= 16'd0; lq_q <= 16'd0; wc_q <= 24'd0; wo_q <= wo0_i; k_q <= {RB{1'b0}};
      lam_r_q <= 32'd0;
      lam_w_q <= 32'd0;
      y0w_q <= l_y0; x0w_q <= l_x0; a0w_q <= l_a0;
      t_q <= {TB{1'b0}}; kq_q <= 8'd0; g_q <= 16'd0;
      y_q <= l_y0; x_q <= l_x0; a_q <= l_a0;
      p1_valid_q <= 1'b0;
      p2_valid_q <= 1'b0;
    end else begin
      run_q <= run_d; sc_q <= sc_d; lq_q <= lq_d; wo_q <= wo_d; wc_q <= wc_d; k_q <= k_d; lam_r_q <= lam_r_d;
      y0w_q <= y0w_d; x0w_q <= x0w_d; a0w_q <= a0w_d;
      t_q <= t_d; kq_q <= kq_d; g_q <= g_d; y_q <= y_d; x_q <= x_d; a_q <= a_d;
      p1_valid_q <= allowed;
      p1_last_q  <= allowed && last_round;
      p2_valid_q <= p1_valid_q && p1_last_q;
      if (p2_valid_q) lam_w_q <= lam_w_q + 32'd1;
    end
  end

  assign st_we_o    = p2_valid_q;
  assign st_waddr_o = p2_lam_q[ST_BITS-1:0];
  assign st_wline_o = gather_q;
  assign lines_o    = lam_w_q;

`ifndef SYNTHESIS
  // Contract check: the fill never overwrites a line the controller may still read.
  always @(posedge clk_i) begin
    if (st_we_o && p2_lam_q >= line_lo_i + ST_DEPTH_W)
      $error("st_assert: fill-overrun: line %0d written over a line the controller may still read (lowest %0d)", p2_lam_q, line_lo_i);
  end
`endif
endmodule
