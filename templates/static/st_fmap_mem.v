// st_fmap_mem: one tile's feature-map memory (docs/architecture.md section 5): BANKS banks of
// LANES x ACT_BITS-bit words, word a of the whole memory in bank a mod BANKS at row a / BANKS (the
// halves are the top and bottom halves of every bank). Every bank has its own read port (the
// activation-buffer fill reads up to one word per bank per cycle); the one write port takes a word
// with a strobe per lane (outputs of one filter set fill part of a word).
//
// Parameters:
//   BANKS          banks, a power of two
//   BANK_BITS      log2(BANKS) (0 for one bank)
//   ROW_BITS       log2(rows per bank)
//   LANES          lanes per word
//   ACT_BITS       bits per lane
//   INIT_PREFIX    simulation preload (FM_INIT of st_top): <INIT_PREFIX>_b<bank>.hex; "" loads nothing
//
// Ports:
//   clk_i                                  clock
//   we_i, waddr_i, wstrb_i, wdata_i        write of one word (lanes with wstrb_i set) at word address waddr_i
//   rrow_i                                 bank b's read row at [b*ROW_BITS +: ROW_BITS]
//   rdata_o                                bank b's word at [b*LANES*ACT_BITS +: LANES*ACT_BITS], one cycle later
module st_fmap_mem #(
  parameter integer BANKS = 4,
  parameter integer BANK_BITS = 2,
  parameter integer ROW_BITS = 8,
  parameter integer LANES = 4,
  parameter integer ACT_BITS = 8,
  parameter INIT_PREFIX = ""
) (
  input  wire                              clk_i,
  input  wire                              we_i,
  input  wire [ROW_BITS+BANK_BITS-1:0]     waddr_i,
  input  wire [LANES-1:0]                  wstrb_i,
  input  wire [LANES*ACT_BITS-1:0]         wdata_i,
  input  wire [BANKS*ROW_BITS-1:0]         rrow_i,
  output wire [BANKS*LANES*ACT_BITS-1:0]   rdata_o
);
  localparam integer WIDTH = LANES * ACT_BITS;  // do not override
  localparam integer DEPTH = 1 << ROW_BITS;     // do not override

  genvar b;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      wire bank_we;
      if (BANKS == 1) begin : g_one
        assign bank_we = we_i;
      end else begin : g_many
        localparam [BANK_BITS-1:0] BANK = b;
        assign bank_we = we_i && (waddr_i[BANK_BITS-1:0] == BANK);
      end
      st_sram_lanes #(
        .LANE_BITS  (ACT_BITS),
        .LANES      (LANES),
        .DEPTH      (DEPTH),
        .ADDR_BITS  (ROW_BITS),
        .INIT_PREFIX(INIT_PREFIX),
        .INIT_BANK  (b)
      ) u_bank (
        .clk_i  (clk_i),
        .we_i   (bank_we),
        .strb_i (wstrb_i),
        .waddr_i(waddr_i[ROW_BITS+BANK_BITS-1:BANK_BITS]),
        .wdata_i(wdata_i),
        .raddr_i(rrow_i[b*ROW_BITS +: ROW_BITS]),
        .rdata_o(rdata_o[b*WIDTH +: WIDTH])
      );
    end
  endgenerate
endmodule
