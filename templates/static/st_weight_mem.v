// st_weight_mem: one tile's weight memory (docs/architecture.md section 5).
//
// DATA_BANKS data banks of BANK_WIDTH bits plus one control bank of CONTROL_BITS bits ({last, delta}),
// all DEPTH rows deep. The data banks are read together at row_addr_i: one whole scheduled row
// per cycle, data bank b at row_o[b*BANK_WIDTH +: BANK_WIDTH], which is slot (k, l) at
// [(k*LANES + l)*SLOT_BITS +: SLOT_BITS] for both bankings ("per-pe": bank k = PE k's LANES slots;
// "per-lane": bank k*LANES + l = one slot). The control bank has its own read address
// (ctrl_addr_i): the controller reads it one cycle ahead of the data banks.
//
// Parameters:
//   DATA_BANKS     data banks (weightDataBanks); the control bank is bank index DATA_BANKS
//   BANK_WIDTH     data bank word width (weightBankWidth)
//   CONTROL_BITS   control bank word width (controlBits)
//   DEPTH          rows (weightDepth); ADDR_BITS = log2(DEPTH)
//   BANK_SEL_BITS  width of bank_i, W(DATA_BANKS + 1)
//   WDATA_BITS     host write data width, max(BANK_WIDTH, CONTROL_BITS); data is right-aligned
//   TILE           this tile's index, for the preload file names
//   INIT_PREFIX    preload prefix (WM_INIT of st_top); "" loads nothing
//
// Ports:
//   clk_i                               clock
//   we_i, bank_i, waddr_i, wdata_i      host write of one bank word (we_i already selects the tile)
//   row_addr_i, row_o                   data bank read: row_o is the row at row_addr_i, one cycle later
//   ctrl_addr_i, ctrl_o                 control bank read: ctrl_o is the word at ctrl_addr_i, one cycle later
module st_weight_mem #(
  parameter integer DATA_BANKS = 2,
  parameter integer BANK_WIDTH = 8,
  parameter integer CONTROL_BITS = 3,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4,
  parameter integer BANK_SEL_BITS = 2,
  parameter integer WDATA_BITS = 8,
  parameter integer TILE = 0,
  parameter INIT_PREFIX = ""
) (
  input  wire                             clk_i,
  input  wire                             we_i,
  input  wire [BANK_SEL_BITS-1:0]         bank_i,
  input  wire [ADDR_BITS-1:0]             waddr_i,
  input  wire [WDATA_BITS-1:0]            wdata_i,
  input  wire [ADDR_BITS-1:0]             row_addr_i,
  output wire [DATA_BANKS*BANK_WIDTH-1:0] row_o,
  input  wire [ADDR_BITS-1:0]             ctrl_addr_i,
  output wire [CONTROL_BITS-1:0]          ctrl_o
);
  localparam [BANK_SEL_BITS-1:0] CONTROL_BANK = DATA_BANKS[BANK_SEL_BITS-1:0];  // do not override

  genvar b;
  generate
    for (b = 0; b < DATA_BANKS; b = b + 1) begin : g_bank
      localparam [BANK_SEL_BITS-1:0] BANK = b;
      st_sram #(
        .WIDTH      (BANK_WIDTH),
        .DEPTH      (DEPTH),
        .ADDR_BITS  (ADDR_BITS),
        .INIT_PREFIX(INIT_PREFIX),
        .INIT_TILE  (TILE),
        .INIT_BANK  (b)
      ) u_bank (
        .clk_i  (clk_i),
        .we_i   (we_i && (bank_i == BANK)),
        .waddr_i(waddr_i),
        .wdata_i(wdata_i[BANK_WIDTH-1:0]),
        .raddr_i(row_addr_i),
        .rdata_o(row_o[b*BANK_WIDTH +: BANK_WIDTH])
      );
    end
  endgenerate

  st_sram #(
    .WIDTH      (CONTROL_BITS),
    .DEPTH      (DEPTH),
    .ADDR_BITS  (ADDR_BITS),
    .INIT_PREFIX(INIT_PREFIX),
    .INIT_TILE  (TILE),
    .INIT_BANK  (DATA_BANKS)
  ) u_control (
    .clk_i  (clk_i),
    .we_i   (we_i && (bank_i == CONTROL_BANK)),
    .waddr_i(waddr_i),
    .wdata_i(wdata_i[CONTROL_BITS-1:0]),
    .raddr_i(ctrl_addr_i),
    .rdata_o(ctrl_o)
  );
endmodule
