// sj_output: the output layer J (docs/junction.md section 4), on the right of the last junction. Neuron
// r sits in bank r mod Z, row floor(r/Z):
//   the pre-activation ring: 2 copies, input n in copy n mod 2, written by the last junction's FF
//     (read-modify-write) and read by its BP and UP (permuted order);
//   the target memory: input n at rows n*R + row, written by the host, read by BP and UP;
//   the output memory: the same layout; when FF completes a neuron (acc_last_i) it writes
//     q = requant(h) there, the output the host reads.
// The error BP and UP of the last junction receive is delta = saturate(q - y) (the output layer is
// linear: docs/junction.md section 6).
//
// Parameters:
//   Z          banks (the last junction's parallelism); R rows per input, ROW_BITS = W(R)
//   DEPTH      words per bank of the target and output memories, maxInputs * R; ADDR_BITS = W(DEPTH)
//   ACC_BITS, W_FRAC, A_BITS, D_BITS   formats (section 6)
//   BANK_BITS  W(Z)
//   INIT_PREFIX  preload of the target memory (<INIT_PREFIX>tg_b<b>.hex)
//
// Ports:
//   acc_*                 the last junction's FF: S1 read (copy acc_copy_i), S2 write-back with acc_last_i
//   ff_base_i             first row of FF's input in the output memory
//   err_ren_i, err_raddr_i, err_rcopy_i, bu_base_i   the last junction's BP/UP: S1 read of the ring
//                         (copy err_rcopy_i) and of the targets (rows bu_base_i + err_raddr_i)
//   err_rdata_o           S2: delta of every bank
//   host_*                host write of the targets, host read of the outputs and targets
module sj_output #(
  parameter integer Z = 2,
  parameter integer R = 2,
  parameter integer ROW_BITS = 1,
  parameter integer DEPTH = 32,
  parameter integer ADDR_BITS = 5,
  parameter integer ACC_BITS = 20,
  parameter integer W_FRAC = 6,
  parameter integer A_BITS = 8,
  parameter integer D_BITS = 8,
  parameter integer BANK_BITS = 1,
  parameter INIT_PREFIX = ""
) (
  input  wire                   clk_i,
  input  wire                   acc_ren_i,
  input  wire [Z*ROW_BITS-1:0]  acc_raddr_i,
  input  wire                   acc_copy_i,
  output wire [Z*ACC_BITS-1:0]  acc_rdata_o,
  input  wire                   acc_we_i,
  input  wire [Z*ROW_BITS-1:0]  acc_waddr_i,
  input  wire [Z*ACC_BITS-1:0]  acc_wdata_i,
  input  wire [Z-1:0]           acc_last_i,
  input  wire [ADDR_BITS-1:0]   ff_base_i,
  input  wire                   err_ren_i,
  input  wire [Z*ROW_BITS-1:0]  err_raddr_i,
  input  wire                   err_rcopy_i,
  input  wire [ADDR_BITS-1:0]   bu_base_i,
  output wire [Z*D_BITS-1:0]    err_rdata_o,
  input  wire                   host_we_i,
  input  wire                   host_re_i,
  input  wire [BANK_BITS-1:0]   host_bank_i,
  input  wire [ADDR_BITS-1:0]   host_row_i,
  input  wire [31:0]            host_wdata_i,
  output wire [31:0]            host_out_rdata_o,
  output wire [31:0]            host_tg_rdata_o
);
  // ---------------------------------------------------------------- pre-activation ring (2 copies)
  wire [Z*ACC_BITS-1:0] h_bu;
  sj_mem #(
    .BANKS(Z), .COPIES(2), .READS(2), .DEPTH(R), .ADDR_BITS(ROW_BITS), .WIDTH(ACC_BITS), .COPY_BITS(1), .INIT_PREFIX("")
  ) u_ring (
    .clk_i(clk_i), .we_i({Z{acc_we_i}}), .wcopies_i({acc_copy_i, !acc_copy_i}), .waddr_i(acc_waddr_i), .wdata_i(acc_wdata_i),
    .ren_i({err_ren_i, acc_ren_i}), .rcopy_i({err_rcopy_i, acc_copy_i}), .raddr_i({err_raddr_i, acc_raddr_i}),
    .rdata_o({h_bu, acc_rdata_o})
  );

  // ---------------------------------------------------------------- per-bank addresses, output values
  wire [Z*ADDR_BITS-1:0] tg_addr;
  wire [Z*ADDR_BITS-1:0] out_addr;
  wire [Z*A_BITS-1:0]    out_value;
  wire [Z-1:0]           out_we;
  wire [Z-1:0]           tg_we;
  genvar b;
  generate
    for (b = 0; b < Z; b = b + 1) begin : g_bank
      localparam [BANK_BITS-1:0] BANK = b;
      wire [ADDR_BITS-1:0] er;
      wire [ADDR_BITS-1:0] ar;
      if (ADDR_BITS > ROW_BITS) begin : g_ext
        assign er = {{(ADDR_BITS-ROW_BITS){1'b0}}, err_raddr_i[b*ROW_BITS +: ROW_BITS]};
        assign ar = {{(ADDR_BITS-ROW_BITS){1'b0}}, acc_waddr_i[b*ROW_BITS +: ROW_BITS]};
      end else begin : g_same
        assign er = err_raddr_i[b*ROW_BITS +: ROW_BITS];
        assign ar = acc_waddr_i[b*ROW_BITS +: ROW_BITS];
      end
      assign tg_addr[b*ADDR_BITS +: ADDR_BITS]  = bu_base_i + er;
      assign out_addr[b*ADDR_BITS +: ADDR_BITS] = ff_base_i + ar;
      assign out_we[b] = acc_we_i && acc_last_i[b];
      assign tg_we[b]  = host_we_i && host_bank_i == BANK;
      sj_requant #(.IN_BITS(ACC_BITS), .SHIFT(W_FRAC), .OUT_BITS(A_BITS)) u_q (
        .x_i(acc_wdata_i[b*ACC_BITS +: ACC_BITS]), .y_o(out_value[b*A_BITS +: A_BITS])
      );
    end
  endgenerate

  // ---------------------------------------------------------------- targets, outputs
  wire [Z*A_BITS-1:0] y;
  wire [Z*A_BITS-1:0] tg_host;
  sj_mem #(
    .BANKS(Z), .COPIES(1), .READS(2), .DEPTH(DEPTH), .ADDR_BITS(ADDR_BITS), .WIDTH(A_BITS), .COPY_BITS(1),
    .INIT_PREFIX((|INIT_PREFIX) ? {INIT_PREFIX, "tg"} : "")
  ) u_targets (
    .clk_i(clk_i), .we_i(tg_we), .wcopies_i(1'b1), .waddr_i({Z{host_row_i}}), .wdata_i({Z{host_wdata_i[A_BITS-1:0]}}),
    .ren_i({host_re_i, err_ren_i}), .rcopy_i(2'b00), .raddr_i({{Z{host_row_i}}, tg_addr}), .rdata_o({tg_host, y})
  );

  wire [Z*A_BITS-1:0] out_host;
  sj_mem #(
    .BANKS(Z), .COPIES(1), .READS(1), .DEPTH(DEPTH), .ADDR_BITS(ADDR_BITS), .WIDTH(A_BITS), .COPY_BITS(1), .INIT_PREFIX("")
  ) u_outputs (
    .clk_i(clk_i), .we_i(out_we), .wcopies_i(1'b1), .waddr_i(out_addr), .wdata_i(out_value),
    .ren_i(host_re_i), .rcopy_i(1'b0), .raddr_i({Z{host_row_i}}), .rdata_o(out_host)
  );

  // ---------------------------------------------------------------- the output layer's error, S2
  generate
    for (b = 0; b < Z; b = b + 1) begin : g_err
      wire signed [A_BITS-1:0] q;
      sj_requant #(.IN_BITS(ACC_BITS), .SHIFT(W_FRAC), .OUT_BITS(A_BITS)) u_q (.x_i(h_bu[b*ACC_BITS +: ACC_BITS]), .y_o(q));
      wire signed [A_BITS-1:0] t = y[b*A_BITS +: A_BITS];
      wire signed [A_BITS:0] diff = {q[A_BITS-1], q} - {t[A_BITS-1], t};
      sj_requant #(.IN_BITS(A_BITS + 1), .SHIFT(0), .OUT_BITS(D_BITS)) u_sat (.x_i(diff), .y_o(err_rdata_o[b*D_BITS +: D_BITS]));
    end
  endgenerate

  reg [BANK_BITS-1:0] host_bank_q;
  always @(posedge clk_i) host_bank_q <= host_bank_i;
  assign host_out_rdata_o = {{(32-A_BITS){1'b0}}, out_host[host_bank_q*A_BITS +: A_BITS]};
  assign host_tg_rdata_o  = {{(32-A_BITS){1'b0}}, tg_host[host_bank_q*A_BITS +: A_BITS]};
  wire unused_host_wdata = ^host_wdata_i;
endmodule
