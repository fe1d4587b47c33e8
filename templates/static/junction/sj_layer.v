// sj_layer: a hidden layer l (docs/junction.md section 4), between junction l-1 (on its left) and
// junction l (on its right). Neuron u sits in bank u mod Z, row floor(u/Z), in two memories:
//   the pre-activation ring: COPIES = 2(J - l) + 1 copies, input n in copy n mod COPIES; written by
//     junction l-1's FF (read-modify-write, permuted order), read by junction l's FF and by its BP/UP
//     (natural order), each in the copy of its own input;
//   the error store: 2 copies, input n in copy n mod 2; written by junction l's BP (natural order),
//     read by junction l-1's BP and UP (permuted order).
//
// Parameters:
//   Z          banks (junction l-1's parallelism); DEPTH = R rows, ROW_BITS = W(R)
//   COPIES     ring copies; COPY_BITS = W(COPIES)
//   ACC_BITS   pre-activation width; D_BITS: error width
//
// Ports (S0..S3 are the stages of the junction that drives them):
//   acc_*          junction l-1: S1 read at acc_raddr_i (copy acc_copy_i), S2 write-back
//   row_i, ff_ren_i, bu_ren_i, ff_copy_i, bu_copy_i   junction l, S0: its left row, the copies of its inputs
//   left_ff_o, left_bu_o      junction l, S1: every bank's pre-activation at row_i
//   err_we_i, err_row_i, err_wdata_i, err_wcopy_i     junction l, S3: its BP's error writes
//   err_ren_i, err_raddr_i, err_rcopy_i, err_rdata_o  junction l-1: S1 read at the permuted rows, S2 data
module sj_layer #(
  parameter integer Z = 4,
  parameter integer DEPTH = 2,
  parameter integer ROW_BITS = 1,
  parameter integer COPIES = 3,
  parameter integer COPY_BITS = 2,
  parameter integer ACC_BITS = 20,
  parameter integer D_BITS = 8
) (
  input  wire                   clk_i,
  input  wire                   acc_ren_i,
  input  wire [Z*ROW_BITS-1:0]  acc_raddr_i,
  input  wire [COPY_BITS-1:0]   acc_copy_i,
  output wire [Z*ACC_BITS-1:0]  acc_rdata_o,
  input  wire                   acc_we_i,
  input  wire [Z*ROW_BITS-1:0]  acc_waddr_i,
  input  wire [Z*ACC_BITS-1:0]  acc_wdata_i,
  input  wire [ROW_BITS-1:0]    row_i,
  input  wire                   ff_ren_i,
  input  wire                   bu_ren_i,
  input  wire [COPY_BITS-1:0]   ff_copy_i,
  input  wire [COPY_BITS-1:0]   bu_copy_i,
  output wire [Z*ACC_BITS-1:0]  left_ff_o,
  output wire [Z*ACC_BITS-1:0]  left_bu_o,
  input  wire [Z-1:0]           err_we_i,
  input  wire [ROW_BITS-1:0]    err_row_i,
  input  wire [Z*D_BITS-1:0]    err_wdata_i,
  input  wire                   err_wcopy_i,
  input  wire                   err_ren_i,
  input  wire [Z*ROW_BITS-1:0]  err_raddr_i,
  input  wire                   err_rcopy_i,
  output wire [Z*D_BITS-1:0]    err_rdata_o
);
  wire [COPIES-1:0] acc_wcopies;
  genvar k;
  generate
    for (k = 0; k < COPIES; k = k + 1) begin : g_copy
      localparam [COPY_BITS-1:0] COPY = k;
      assign acc_wcopies[k] = acc_copy_i == COPY;
    end
  endgenerate

  sj_mem #(
    .BANKS(Z), .COPIES(COPIES), .READS(3), .DEPTH(DEPTH), .ADDR_BITS(ROW_BITS), .WIDTH(ACC_BITS), .COPY_BITS(COPY_BITS), .INIT_PREFIX("")
  ) u_ring (
    .clk_i(clk_i), .we_i({Z{acc_we_i}}), .wcopies_i(acc_wcopies), .waddr_i(acc_waddr_i), .wdata_i(acc_wdata_i),
    .ren_i({bu_ren_i, ff_ren_i, acc_ren_i}), .rcopy_i({bu_copy_i, ff_copy_i, acc_copy_i}),
    .raddr_i({{Z{row_i}}, {Z{row_i}}, acc_raddr_i}), .rdata_o({left_bu_o, left_ff_o, acc_rdata_o})
  );

  sj_mem #(
    .BANKS(Z), .COPIES(2), .READS(1), .DEPTH(DEPTH), .ADDR_BITS(ROW_BITS), .WIDTH(D_BITS), .COPY_BITS(1), .INIT_PREFIX("")
  ) u_errors (
    .clk_i(clk_i), .we_i(err_we_i), .wcopies_i({err_wcopy_i, !err_wcopy_i}), .waddr_i({Z{err_row_i}}), .wdata_i(err_wdata_i),
    .ren_i(err_ren_i), .rcopy_i(err_rcopy_i), .raddr_i(err_raddr_i), .rdata_o(err_rdata_o)
  );
endmodule
