// sj_input: layer 0 (docs/junction.md section 4): the input memory, which holds every input of a job
// (input n at rows n*R .. n*R + R - 1 of its Z banks, neuron u in bank u mod Z, row n*R + floor(u/Z)),
// in two replicas so that junction 0's FF and its UP read two inputs in one cycle; and the DELTA0
// memory, in the same layout, where junction 0's BP writes the error of every input layer neuron.
//
// Parameters:
//   Z          banks (junction 0's left neurons per cycle)
//   DEPTH      words per bank, maxInputs * R; ADDR_BITS = W(DEPTH); LR_BITS = W(R)
//   A_BITS     input width; D_BITS: error width
//   BANK_BITS  W(Z)
//   INIT_PREFIX  preload of the input memory (<INIT_PREFIX>in_b<b>.hex)
//
// Ports:
//   row_i, ff_ren_i, bu_ren_i    S0: junction 0's left row, and whether FF and BP/UP read it
//   ff_base_i, bu_base_i         first row of FF's and BP/UP's input (n*R)
//   left_ff_o, left_bu_o         S1: every bank's word of that row, of FF's and BP/UP's input
//   err_we_i, err_row_i, err_wdata_i   S3: BP's write of bank b's error, at row bu_base_i + err_row_i
//   host_we_i, host_re_i, host_bank_i, host_row_i, host_wdata_i   host write of the input memory; host read
//   host_in_rdata_o, host_d0_rdata_o   the input and DELTA0 word read by the host, one cycle later
module sj_input #(
  parameter integer Z = 2,
  parameter integer DEPTH = 128,
  parameter integer ADDR_BITS = 7,
  parameter integer LR_BITS = 3,
  parameter integer A_BITS = 8,
  parameter integer D_BITS = 8,
  parameter integer BANK_BITS = 1,
  parameter INIT_PREFIX = ""
) (
  input  wire                   clk_i,
  input  wire [LR_BITS-1:0]     row_i,
  input  wire                   ff_ren_i,
  input  wire                   bu_ren_i,
  input  wire [ADDR_BITS-1:0]   ff_base_i,
  input  wire [ADDR_BITS-1:0]   bu_base_i,
  output wire [Z*A_BITS-1:0]    left_ff_o,
  output wire [Z*A_BITS-1:0]    left_bu_o,
  input  wire [Z-1:0]           err_we_i,
  input  wire [LR_BITS-1:0]     err_row_i,
  input  wire [Z*D_BITS-1:0]    err_wdata_i,
  input  wire                   host_we_i,
  input  wire                   host_re_i,
  input  wire [BANK_BITS-1:0]   host_bank_i,
  input  wire [ADDR_BITS-1:0]   host_row_i,
  input  wire [31:0]            host_wdata_i,
  output wire [31:0]            host_in_rdata_o,
  output wire [31:0]            host_d0_rdata_o
);
  wire [ADDR_BITS-1:0] row;
  wire [ADDR_BITS-1:0] err_row;
  generate
    if (ADDR_BITS > LR_BITS) begin : g_ext
      assign row = {{(ADDR_BITS-LR_BITS){1'b0}}, row_i};
      assign err_row = {{(ADDR_BITS-LR_BITS){1'b0}}, err_row_i};
    end else begin : g_same
      assign row = row_i;
      assign err_row = err_row_i;
    end
  endgenerate

  wire [ADDR_BITS-1:0] ff_addr = ff_base_i + row;
  wire [ADDR_BITS-1:0] bu_addr = bu_base_i + row;
  wire [ADDR_BITS-1:0] err_addr = bu_base_i + err_row;

  wire [Z-1:0] in_we;
  genvar b;
  generate
    for (b = 0; b < Z; b = b + 1) begin : g_we
      localparam [BANK_BITS-1:0] BANK = b;
      assign in_we[b] = host_we_i && host_bank_i == BANK;
    end
  endgenerate

  // replica 0: FF (and the host); replica 1: BP/UP
  wire [Z*A_BITS-1:0] in_host;
  sj_mem #(
    .BANKS(Z), .COPIES(2), .READS(3), .DEPTH(DEPTH), .ADDR_BITS(ADDR_BITS), .WIDTH(A_BITS), .COPY_BITS(1),
    .INIT_PREFIX((|INIT_PREFIX) ? {INIT_PREFIX, "in"} : "")
  ) u_inputs (
    .clk_i(clk_i), .we_i(in_we), .wcopies_i(2'b11), .waddr_i({Z{host_row_i}}), .wdata_i({Z{host_wdata_i[A_BITS-1:0]}}),
    .ren_i({host_re_i, bu_ren_i, ff_ren_i}), .rcopy_i(3'b010), .raddr_i({{Z{host_row_i}}, {Z{bu_addr}}, {Z{ff_addr}}}),
    .rdata_o({in_host, left_bu_o, left_ff_o})
  );

  wire [Z*D_BITS-1:0] d0_host;
  sj_mem #(
    .BANKS(Z), .COPIES(1), .READS(1), .DEPTH(DEPTH), .ADDR_BITS(ADDR_BITS), .WIDTH(D_BITS), .COPY_BITS(1), .INIT_PREFIX("")
  ) u_delta0 (
    .clk_i(clk_i), .we_i(err_we_i), .wcopies_i(1'b1), .waddr_i({Z{err_addr}}), .wdata_i(err_wdata_i),
    .ren_i(host_re_i), .rcopy_i(1'b0), .raddr_i({Z{host_row_i}}), .rdata_o(d0_host)
  );

  reg [BANK_BITS-1:0] host_bank_q;
  always @(posedge clk_i) host_bank_q <= host_bank_i;
  assign host_in_rdata_o = {{(32-A_BITS){1'b0}}, in_host[host_bank_q*A_BITS +: A_BITS]};
  assign host_d0_rdata_o = {{(32-D_BITS){1'b0}}, d0_host[host_bank_q*D_BITS +: D_BITS]};
  wire unused_host_wdata = ^host_wdata_i;
endmodule
