// sj_junction: one pre-defined sparse junction (docs/junction.md sections 3-7): its weight and pattern
// memories (Z banks, C rows, read in natural order) and the datapaths of its three processes, which
// share every weight read: FF accumulates w * a into the right layer, BP sums w * delta into the left
// layer's errors, UP writes w - round(a * delta) back. One edge per lane, Z lanes per cycle.
//
// Pipeline of the cycle c = k_i issued in slot cycle k (section 7):
//   S0 (k)    weight and pattern rows c; left layer row of the cycle's left neurons (natural order)
//   S1 (k+1)  FF: product w * a registered; the permuted row of every right bank to the right-layer
//             accumulators (FF) and the right layer's errors (BP, UP); clash check of the lane selects
//   S2 (k+2)  FF: accumulator := (first ? 0 : accumulator) + the product of the lane that selects the
//             bank, written back (forwarded when the next cycle reads the same row); UP: weights written
//             back; BP: product w * delta registered
//   S3 (k+3)  BP: the sum of each left neuron's lanes (over Q cycles when a left neuron spans several),
//             rounded, masked by the left activation's derivative, written to the left layer's errors
//
// Parameters (all from the resolved configuration; none is to be overridden by hand):
//   JUNCTION     index i (messages)
//   Z            lanes, banks of every memory of the junction (parallelism)
//   C            cycles per pass (rows of the weight and pattern memories); C_BITS = W(C)
//   D            rows of each right bank per input; ROW_BITS = W(D)
//   P, Q         left neurons per cycle, cycles per left neuron (one of them is 1)
//   LEFT_BANKS   banks of the left layer; LB_BITS = W(LEFT_BANKS); LR_BITS: width of a left row
//   LEFT_BITS    width of a left value: A_BITS (layer 0, the inputs) or ACC_BITS (a pre-activation)
//   LEFT_KIND    0: the inputs (used as they are); 1: ReLU of the rounded pre-activation; 2: linear
//   W_BITS, W_FRAC, A_BITS, D_BITS, ACC_BITS, UP_SHIFT   the fixed-point formats (section 6)
//   K_BITS       width of the slot cycle counter
//   SEL_BITS     W(Z), a lane's bank select; PAT_BITS = SEL_BITS + ROW_BITS + 2
//   INIT_PREFIX  preload of the weight (<INIT_PREFIX>w_b<m>.hex) and pattern (<INIT_PREFIX>p_b<m>.hex) memories
//
// Ports:
//   k_i                 cycle of the slot; ff_i, bp_i, up_i: the processes this junction runs in the slot
//   host_*              host (APB) access to the weight and pattern memories while idle; read data one cycle
//                       after host_re_i, zero-extended
//   left_row_o          S0: row of the left layer's banks holding this cycle's left neurons
//   left_ff_ren_o, left_bu_ren_o   S0: FF, BP/UP read the left layer (their own input's copy)
//   left_ff_i, left_bu_i            S1: every left bank's word at left_row_o, for FF and for BP/UP
//   prow_o              S1: row of right bank b at [b*ROW_BITS +: ROW_BITS] (permuted order)
//   acc_ren_o           S1: FF reads the right layer's accumulators at prow_o; acc_rdata_i at S2
//   acc_we_o, acc_waddr_o, acc_wdata_o, acc_last_o   S2: accumulator write-back; acc_last_o[b]: the neuron is complete
//   err_ren_o           S1: BP/UP read the right layer's errors at prow_o; err_rdata_i at S2
//   err_we_o, err_wrow_o, err_wdata_o                S3: BP writes left bank b's error at err_wrow_o
//   clash_o             S1: the pattern row read this cycle is not clash-free (two lanes to one bank, or a row >= D)
module sj_junction #(
  parameter integer JUNCTION = 0,
  parameter integer Z = 4,
  parameter integer C = 8,
  parameter integer C_BITS = 3,
  parameter integer D = 2,
  parameter integer ROW_BITS = 1,
  parameter integer P = 2,
  parameter integer Q = 1,
  parameter integer LEFT_BANKS = 2,
  parameter integer LB_BITS = 1,
  parameter integer LR_BITS = 3,
  parameter integer LEFT_BITS = 8,
  parameter integer LEFT_KIND = 0,
  parameter integer W_BITS = 8,
  parameter integer W_FRAC = 6,
  parameter integer A_BITS = 8,
  parameter integer D_BITS = 8,
  parameter integer ACC_BITS = 20,
  parameter integer UP_SHIFT = 8,
  parameter integer K_BITS = 4,
  parameter integer SEL_BITS = 2,
  parameter integer PAT_BITS = 5,
  parameter INIT_PREFIX = ""
) (
  input  wire                            clk_i,
  input  wire                            rst_ni,
  input  wire [K_BITS-1:0]               k_i,
  input  wire                            ff_i,
  input  wire                            bp_i,
  input  wire                            up_i,
  input  wire                            host_wwe_i,
  input  wire                            host_pwe_i,
  input  wire                            host_re_i,
  input  wire [SEL_BITS-1:0]             host_bank_i,
  input  wire [C_BITS-1:0]               host_row_i,
  input  wire [31:0]                     host_wdata_i,
  output wire [31:0]                     host_wrdata_o,
  output wire [31:0]                     host_prdata_o,
  output wire [LR_BITS-1:0]              left_row_o,
  output wire                            left_ff_ren_o,
  output wire                            left_bu_ren_o,
  input  wire [LEFT_BANKS*LEFT_BITS-1:0] left_ff_i,
  input  wire [LEFT_BANKS*LEFT_BITS-1:0] left_bu_i,
  output wire [Z*ROW_BITS-1:0]           prow_o,
  output wire                            acc_ren_o,
  input  wire [Z*ACC_BITS-1:0]           acc_rdata_i,
  output wire                            acc_we_o,
  output wire [Z*ROW_BITS-1:0]           acc_waddr_o,
  output wire [Z*ACC_BITS-1:0]           acc_wdata_o,
  output wire [Z-1:0]                    acc_last_o,
  output wire                            err_ren_o,
  input  wire [Z*D_BITS-1:0]             err_rdata_i,
  output reg  [LEFT_BANKS-1:0]           err_we_o,
  output wire [LR_BITS-1:0]              err_wrow_o,
  output reg  [LEFT_BANKS*D_BITS-1:0]    err_wdata_o,
  output wire                            clash_o
);
  // derived; do not override
  localparam integer G = Z / P;                        // lanes of one left neuron group
  localparam integer QC_BITS = (Q > 1) ? $clog2(Q) : 1;
  localparam integer PRODF = W_BITS + A_BITS;          // FF product
  localparam integer PRODB = W_BITS + D_BITS;          // BP product
  localparam integer PRODU = A_BITS + D_BITS;          // UP product
  localparam integer UPD_BITS = (PRODU > UP_SHIFT ? PRODU : UP_SHIFT) + 1;
  localparam integer DIFF_BITS = (W_BITS > UPD_BITS ? W_BITS : UPD_BITS) + 1;
  localparam integer Q_LAST_I = Q - 1;
  localparam integer OFF_LAST_I = LEFT_BANKS - P;
  localparam integer OFF_STEP_I = (P < LEFT_BANKS) ? P : 0;
  localparam integer ROWS_I = D - 1;
  localparam [K_BITS-1:0] CYCLES = C[K_BITS-1:0];
  localparam [QC_BITS-1:0] Q_LAST = Q_LAST_I[QC_BITS-1:0];
  localparam [LB_BITS-1:0] OFF_LAST = OFF_LAST_I[LB_BITS-1:0];
  localparam [LB_BITS-1:0] OFF_STEP = OFF_STEP_I[LB_BITS-1:0];
  localparam [ROW_BITS-1:0] ROWS = ROWS_I[ROW_BITS-1:0];

  // ---------------------------------------------------------------- S0: issue, natural-order positions
  wire issue0 = (ff_i || bp_i || up_i) && (k_i < CYCLES);
  wire [C_BITS-1:0] c0 = k_i[C_BITS-1:0];
  reg [QC_BITS-1:0] qc0_q;   // c mod Q
  reg [LB_BITS-1:0] loff0_q; // first left neuron of the cycle, mod LEFT_BANKS
  reg [LR_BITS-1:0] lrow0_q; // its row in the left banks

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      qc0_q   <= {QC_BITS{1'b0}};
      loff0_q <= {LB_BITS{1'b0}};
      lrow0_q <= {LR_BITS{1'b0}};
    end else if (!issue0) begin
      qc0_q   <= {QC_BITS{1'b0}};
      loff0_q <= {LB_BITS{1'b0}};
      lrow0_q <= {LR_BITS{1'b0}};
    end else if (qc0_q != Q_LAST) begin
      qc0_q <= qc0_q + 1'b1;
    end else begin
      qc0_q <= {QC_BITS{1'b0}};
      if (loff0_q == OFF_LAST) begin
        loff0_q <= {LB_BITS{1'b0}};
        lrow0_q <= lrow0_q + 1'b1;
      end else begin
        loff0_q <= loff0_q + OFF_STEP;
      end
    end
  end

  assign left_row_o    = lrow0_q;
  assign left_ff_ren_o = ff_i && issue0;
  assign left_bu_ren_o = (bp_i || up_i) && issue0;

  // ---------------------------------------------------------------- weight and pattern memories
  wire [Z*W_BITS-1:0]   w_rd;      // S1: the cycle's weights
  wire [Z*W_BITS-1:0]   w_host;
  wire [Z*PAT_BITS-1:0] pat_rd;    // S1: the cycle's pattern row
  wire [Z*PAT_BITS-1:0] pat_host;
  wire [Z*W_BITS-1:0]   w_new;     // S2: updated weights
  reg                   up2_q;
  reg  [C_BITS-1:0]     c2_q;
  reg  [SEL_BITS-1:0]   host_bank_q;

  genvar m, b, g;
  wire [Z-1:0] w_we;
  wire [Z-1:0] p_we;
  wire [Z*C_BITS-1:0] w_waddr;
  wire [Z*C_BITS-1:0] p_waddr;
  wire [Z*W_BITS-1:0] w_wdata;
  wire [Z*PAT_BITS-1:0] p_wdata;
  generate
    for (m = 0; m < Z; m = m + 1) begin : g_wport
      localparam [SEL_BITS-1:0] BANK = m;
      assign w_we[m] = up2_q || (host_wwe_i && host_bank_i == BANK);
      assign p_we[m] = host_pwe_i && host_bank_i == BANK;
      assign w_waddr[m*C_BITS +: C_BITS] = up2_q ? c2_q : host_row_i;
      assign p_waddr[m*C_BITS +: C_BITS] = host_row_i;
      assign w_wdata[m*W_BITS +: W_BITS] = up2_q ? w_new[m*W_BITS +: W_BITS] : host_wdata_i[W_BITS-1:0];
      assign p_wdata[m*PAT_BITS +: PAT_BITS] = host_wdata_i[PAT_BITS-1:0];
    end
  endgenerate

  sj_mem #(
    .BANKS(Z), .COPIES(1), .READS(2), .DEPTH(C), .ADDR_BITS(C_BITS), .WIDTH(W_BITS), .COPY_BITS(1),
    .INIT_PREFIX((|INIT_PREFIX) ? {INIT_PREFIX, "w"} : "")
  ) u_weights (
    .clk_i(clk_i), .we_i(w_we), .wcopies_i(1'b1), .waddr_i(w_waddr), .wdata_i(w_wdata),
    .ren_i({host_re_i, issue0}), .rcopy_i(2'b00), .raddr_i({{Z{host_row_i}}, {Z{c0}}}), .rdata_o({w_host, w_rd})
  );

  sj_mem #(
    .BANKS(Z), .COPIES(1), .READS(2), .DEPTH(C), .ADDR_BITS(C_BITS), .WIDTH(PAT_BITS), .COPY_BITS(1),
    .INIT_PREFIX((|INIT_PREFIX) ? {INIT_PREFIX, "p"} : "")
  ) u_pattern (
    .clk_i(clk_i), .we_i(p_we), .wcopies_i(1'b1), .waddr_i(p_waddr), .wdata_i(p_wdata),
    .ren_i({host_re_i, issue0}), .rcopy_i(2'b00), .raddr_i({{Z{host_row_i}}, {Z{c0}}}), .rdata_o({pat_host, pat_rd})
  );

  always @(posedge clk_i) host_bank_q <= host_bank_i;
  assign host_wrdata_o = {{(32-W_BITS){1'b0}}, w_host[host_bank_q*W_BITS +: W_BITS]};
  assign host_prdata_o = {{(32-PAT_BITS){1'b0}}, pat_host[host_bank_q*PAT_BITS +: PAT_BITS]};
  wire unused_host_wdata = ^host_wdata_i;

  // ---------------------------------------------------------------- S1
  reg ff1_q, bp1_q, up1_q, v1_q;
  reg [C_BITS-1:0]  c1_q;
  reg [QC_BITS-1:0] qc1_q;
  reg [LB_BITS-1:0] loff1_q;
  reg [LR_BITS-1:0] lrow1_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {ff1_q, bp1_q, up1_q, v1_q} <= 4'b0;
    end else begin
      ff1_q <= ff_i && issue0;
      bp1_q <= bp_i && issue0;
      up1_q <= up_i && issue0;
      v1_q  <= issue0;
    end
  end
  always @(posedge clk_i) begin
    c1_q    <= c0;
    qc1_q   <= qc0_q;
    loff1_q <= loff0_q;
    lrow1_q <= lrow0_q;
  end

  wire [Z*SEL_BITS-1:0] sel1;
  wire [Z*ROW_BITS-1:0] prow1;
  wire [Z-1:0]          first1;
  wire [Z-1:0]          last1;
  generate
    for (m = 0; m < Z; m = m + 1) begin : g_pat
      wire [PAT_BITS-1:0] word = pat_rd[m*PAT_BITS +: PAT_BITS];
      assign sel1[m*SEL_BITS +: SEL_BITS]  = word[0 +: SEL_BITS];
      assign prow1[m*ROW_BITS +: ROW_BITS] = word[SEL_BITS +: ROW_BITS];
      assign first1[m] = word[SEL_BITS+ROW_BITS];
      assign last1[m]  = word[SEL_BITS+ROW_BITS+1];
    end
  endgenerate

  assign prow_o    = prow1;
  assign acc_ren_o = ff1_q;
  assign err_ren_o = bp1_q || up1_q;

  // left values of the cycle's P left neurons: the activation for FF, activation and derivative for BP/UP
  wire [P*A_BITS-1:0] act_ff;
  wire [P*A_BITS-1:0] act_bu;
  wire [P-1:0]        pass_bu;
  generate
    for (g = 0; g < P; g = g + 1) begin : g_left
      localparam integer GI = g;
      localparam [LB_BITS-1:0] GROUP = GI[LB_BITS-1:0];
      wire [LB_BITS-1:0] bank = loff1_q + GROUP;  // < LEFT_BANKS
      wire [LEFT_BITS-1:0] lf = left_ff_i[bank*LEFT_BITS +: LEFT_BITS];
      wire [LEFT_BITS-1:0] lb = left_bu_i[bank*LEFT_BITS +: LEFT_BITS];
      if (LEFT_KIND == 0) begin : g_input
        assign act_ff[g*A_BITS +: A_BITS] = lf[A_BITS-1:0];
        assign act_bu[g*A_BITS +: A_BITS] = lb[A_BITS-1:0];
        assign pass_bu[g] = 1'b1;
      end else begin : g_hidden
        wire [A_BITS-1:0] qf;
        wire [A_BITS-1:0] qb;
        sj_requant #(.IN_BITS(LEFT_BITS), .SHIFT(W_FRAC), .OUT_BITS(A_BITS)) u_qf (.x_i(lf), .y_o(qf));
        sj_requant #(.IN_BITS(LEFT_BITS), .SHIFT(W_FRAC), .OUT_BITS(A_BITS)) u_qb (.x_i(lb), .y_o(qb));
        if (LEFT_KIND == 1) begin : g_relu
          assign act_ff[g*A_BITS +: A_BITS] = qf[A_BITS-1] ? {A_BITS{1'b0}} : qf;
          assign act_bu[g*A_BITS +: A_BITS] = qb[A_BITS-1] ? {A_BITS{1'b0}} : qb;
          assign pass_bu[g] = !qb[A_BITS-1] && (|qb);
        end else begin : g_linear
          assign act_ff[g*A_BITS +: A_BITS] = qf;
          assign act_bu[g*A_BITS +: A_BITS] = qb;
          assign pass_bu[g] = 1'b1;
        end
      end
    end
  endgenerate

  // FF products
  reg [Z*PRODF-1:0] prodf2_q;
  generate
    for (m = 0; m < Z; m = m + 1) begin : g_ffmul
      wire signed [W_BITS-1:0] w = w_rd[m*W_BITS +: W_BITS];
      wire signed [A_BITS-1:0] a = act_ff[(m/G)*A_BITS +: A_BITS];
      wire signed [PRODF-1:0] prod = w * a;
      always @(posedge clk_i) prodf2_q[m*PRODF +: PRODF] <= prod;
    end
  endgenerate

  // clash check: every bank selected by some lane (z selects over z banks: a permutation), every row < D
  wire [Z-1:0] hit1;
  wire [Z-1:0] row_bad1;
  generate
    for (b = 0; b < Z; b = b + 1) begin : g_hit
      localparam [SEL_BITS-1:0] BANK = b;
      reg any;
      integer hi;
      always @* begin
        any = 1'b0;
        for (hi = 0; hi < Z; hi = hi + 1) if (sel1[hi*SEL_BITS +: SEL_BITS] == BANK) any = 1'b1;
      end
      assign hit1[b] = any;
      if (D < (1 << ROW_BITS)) begin : g_range
        assign row_bad1[b] = prow1[b*ROW_BITS +: ROW_BITS] > ROWS;
      end else begin : g_full
        assign row_bad1[b] = 1'b0;
      end
    end
  endgenerate
  assign clash_o = v1_q && (!(&hit1) || (|row_bad1));

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    if (clash_o) $error("sj_junction %0d: cycle %0d of the pass reads a pattern row that is not clash-free (lane selects %h, rows %h)", JUNCTION, c1_q, sel1, prow1);
  end
`endif

  // ---------------------------------------------------------------- S2
  reg ff2_q, bp2_q;
  reg [Z*W_BITS-1:0]   w2_q;
  reg [Z*SEL_BITS-1:0] sel2_q;
  reg [Z*ROW_BITS-1:0] prow2_q;
  reg [Z-1:0]          first2_q;
  reg [Z-1:0]          last2_q;
  reg [P*A_BITS-1:0]   act2_q;
  reg [P-1:0]          pass2_q;
  reg [QC_BITS-1:0]    qc2_q;
  reg [LB_BITS-1:0]    loff2_q;
  reg [LR_BITS-1:0]    lrow2_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {ff2_q, bp2_q, up2_q} <= 3'b0;
    end else begin
      ff2_q <= ff1_q;
      bp2_q <= bp1_q;
      up2_q <= up1_q;
    end
  end
  always @(posedge clk_i) begin
    w2_q     <= w_rd;
    sel2_q   <= sel1;
    prow2_q  <= prow1;
    first2_q <= first1;
    last2_q  <= last1;
    act2_q   <= act_bu;
    pass2_q  <= pass_bu;
    c2_q     <= c1_q;
    qc2_q    <= qc1_q;
    loff2_q  <= loff1_q;
    lrow2_q  <= lrow1_q;
  end

  // FF: accumulate the lane that selects each bank; forward a write to the row the next cycle reads
  reg [Z-1:0]          byp_q;
  reg [Z*ACC_BITS-1:0] byp_data_q;
  wire [Z*ACC_BITS-1:0] acc_new;
  generate
    for (b = 0; b < Z; b = b + 1) begin : g_acc
      localparam [SEL_BITS-1:0] BANK = b;
      reg [PRODF-1:0] lane;
      integer li;
      always @* begin
        lane = {PRODF{1'b0}};
        for (li = 0; li < Z; li = li + 1) begin
          if (sel2_q[li*SEL_BITS +: SEL_BITS] == BANK) lane = lane | prodf2_q[li*PRODF +: PRODF];
        end
      end
      wire signed [ACC_BITS-1:0] old = byp_q[b] ? byp_data_q[b*ACC_BITS +: ACC_BITS] : acc_rdata_i[b*ACC_BITS +: ACC_BITS];
      wire signed [ACC_BITS-1:0] base = first2_q[b] ? {ACC_BITS{1'b0}} : old;
      wire signed [ACC_BITS-1:0] add;
      if (ACC_BITS > PRODF) begin : g_ext
        assign add = {{(ACC_BITS-PRODF){lane[PRODF-1]}}, lane};
      end else begin : g_same
        assign add = lane;
      end
      assign acc_new[b*ACC_BITS +: ACC_BITS] = base + add;
      always @(posedge clk_i) begin
        byp_q[b] <= ff1_q && ff2_q && prow1[b*ROW_BITS +: ROW_BITS] == prow2_q[b*ROW_BITS +: ROW_BITS];
        byp_data_q[b*ACC_BITS +: ACC_BITS] <= acc_new[b*ACC_BITS +: ACC_BITS];
      end
    end
  endgenerate

  assign acc_we_o    = ff2_q;
  assign acc_waddr_o = prow2_q;
  assign acc_wdata_o = acc_new;
  assign acc_last_o  = last2_q;

  // BP and UP: each lane's right-layer error through the lane's bank select
  reg [Z*ACC_BITS-1:0] prodb3_q;  // BP products, sign-extended to ACC_BITS
  generate
    for (m = 0; m < Z; m = m + 1) begin : g_bu
      wire [SEL_BITS-1:0] s = sel2_q[m*SEL_BITS +: SEL_BITS];
      wire signed [D_BITS-1:0] err = err_rdata_i[s*D_BITS +: D_BITS];
      wire signed [W_BITS-1:0] w = w2_q[m*W_BITS +: W_BITS];
      wire signed [A_BITS-1:0] a = act2_q[(m/G)*A_BITS +: A_BITS];
      wire signed [PRODU-1:0] produ = a * err;
      wire signed [UPD_BITS-1:0] upd;
      sj_requant #(.IN_BITS(PRODU), .SHIFT(UP_SHIFT), .OUT_BITS(UPD_BITS)) u_upd (.x_i(produ), .y_o(upd));
      wire signed [DIFF_BITS-1:0] diff = {{(DIFF_BITS-W_BITS){w[W_BITS-1]}}, w} - {{(DIFF_BITS-UPD_BITS){upd[UPD_BITS-1]}}, upd};
      sj_requant #(.IN_BITS(DIFF_BITS), .SHIFT(0), .OUT_BITS(W_BITS)) u_sat (.x_i(diff), .y_o(w_new[m*W_BITS +: W_BITS]));
      wire signed [PRODB-1:0] prodb = w * err;
      if (ACC_BITS > PRODB) begin : g_ext
        always @(posedge clk_i) prodb3_q[m*ACC_BITS +: ACC_BITS] <= {{(ACC_BITS-PRODB){prodb[PRODB-1]}}, prodb};
      end else begin : g_same
        always @(posedge clk_i) prodb3_q[m*ACC_BITS +: ACC_BITS] <= prodb;
      end
    end
  endgenerate

  // ---------------------------------------------------------------- S3: BP sums per left neuron
  reg bp3_q;
  reg [P-1:0]       pass3_q;
  reg [QC_BITS-1:0] qc3_q;
  reg [LB_BITS-1:0] loff3_q;
  reg [LR_BITS-1:0] lrow3_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) bp3_q <= 1'b0;
    else bp3_q <= bp2_q;
  end
  always @(posedge clk_i) begin
    pass3_q <= pass2_q;
    qc3_q   <= qc2_q;
    loff3_q <= loff2_q;
    lrow3_q <= lrow2_q;
  end

  wire [P*D_BITS-1:0] err_left;
  generate
    for (g = 0; g < P; g = g + 1) begin : g_sum
      reg signed [ACC_BITS-1:0] lanes;
      integer si;
      always @* begin
        lanes = {ACC_BITS{1'b0}};
        for (si = g * G; si < (g + 1) * G; si = si + 1) lanes = lanes + prodb3_q[si*ACC_BITS +: ACC_BITS];
      end
      reg signed [ACC_BITS-1:0] part_q;  // the sum so far of a left neuron that spans Q cycles
      wire signed [ACC_BITS-1:0] total = (qc3_q == {QC_BITS{1'b0}} ? {ACC_BITS{1'b0}} : part_q) + lanes;
      always @(posedge clk_i) if (bp3_q) part_q <= total;
      wire [D_BITS-1:0] rounded;
      sj_requant #(.IN_BITS(ACC_BITS), .SHIFT(W_FRAC), .OUT_BITS(D_BITS)) u_err (.x_i(total), .y_o(rounded));
      assign err_left[g*D_BITS +: D_BITS] = pass3_q[g] ? rounded : {D_BITS{1'b0}};
    end
  endgenerate

  integer eb, eg;
  always @* begin
    err_we_o = {LEFT_BANKS{1'b0}};
    err_wdata_o = {LEFT_BANKS*D_BITS{1'b0}};
    for (eb = 0; eb < LEFT_BANKS; eb = eb + 1) begin
      for (eg = 0; eg < P; eg = eg + 1) begin
        if ({1'b0, loff3_q} + eg[LB_BITS:0] == eb[LB_BITS:0]) begin
          err_we_o[eb] = bp3_q && qc3_q == Q_LAST;
          err_wdata_o[eb*D_BITS +: D_BITS] = err_left[eg*D_BITS +: D_BITS];
        end
      end
    end
  end
  assign err_wrow_o = lrow3_q;

endmodule
