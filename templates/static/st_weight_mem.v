// st_weight_mem: one tile's weight ring (docs/architecture.md section 5): DEPTH records, each a
// whole scheduled row: DATA_BANKS data banks of BANK_WIDTH bits and a control bank of CONTROL_BITS
// bits ({last, delta}). The weight fetcher writes one whole record per cycle; the data banks are
// read together at row_addr_i (one row per cycle, data bank b at row_o[b*BANK_WIDTH +: BANK_WIDTH]);
// the control bank has its own read address, read one cycle ahead by the controller.
//
// Parameters:
//   DATA_BANKS     data banks (weightDataBanks)
//   BANK_WIDTH     data bank word width (weightBankWidth)
//   CONTROL_BITS   control bank word width (controlBits)
//   DEPTH          records (weightDepth); ADDR_BITS = log2(DEPTH)
//
// Ports:
//   clk_i                      clock
//   we_i, waddr_i, wrow_i, wctrl_i   write of one record: its data banks and control word
//   row_addr_i, row_o          data bank read: row_o is the row at row_addr_i, one cycle later
//   ctrl_addr_i, ctrl_o        control bank read: ctrl_o is the word at ctrl_addr_i, one cycle later
module st_weight_mem #(
  parameter integer DATA_BANKS = 2,
  parameter integer BANK_WIDTH = 8,
  parameter integer CONTROL_BITS = 3,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4
) (
  input  wire                             clk_i,
  input  wire                             we_i,
  input  wire [ADDR_BITS-1:0]             waddr_i,
  input  wire [DATA_BANKS*BANK_WIDTH-1:0] wrow_i,
  input  wire [CONTROL_BITS-1:0]          wctrl_i,
  input  wire [ADDR_BITS-1:0]             row_addr_i,
  output wire [DATA_BANKS*BANK_WIDTH-1:0] row_o,
  input  wire [ADDR_BITS-1:0]             ctrl_addr_i,
  output wire [CONTROL_BITS-1:0]          ctrl_o
);
  genvar b;
  generate
    for (b = 0; b < DATA_BANKS; b = b + 1) begin : g_bank
      st_sram #(
        .WIDTH    (BANK_WIDTH),
        .DEPTH    (DEPTH),
        .ADDR_BITS(ADDR_BITS)
      ) u_bank (
        .clk_i  (clk_i),
        .we_i   (we_i),
        .waddr_i(waddr_i),
        .wdata_i(wrow_i[b*BANK_WIDTH +: BANK_WIDTH]),
        .raddr_i(row_addr_i),
        .rdata_o(row_o[b*BANK_WIDTH +: BANK_WIDTH])
      );
    end
  endgenerate

  st_sram #(
    .WIDTH    (CONTROL_BITS),
    .DEPTH    (DEPTH),
    .ADDR_BITS(ADDR_BITS)
  ) u_control (
    .clk_i  (clk_i),
    .we_i   (we_i),
    .waddr_i(waddr_i),
    .wdata_i(wctrl_i),
    .raddr_i(ctrl_addr_i),
    .rdata_o(ctrl_o)
  );
endmodule
