// st_act_mem: one tile's activation memory (docs/architecture.md section 5): BANKS = h+1 banks of
// BANK_WIDTH bits (lane l at [l*ACT_BITS +: ACT_BITS]), each read at its own address every cycle.
// Lowered row (w, t) of a layer is in bank t mod BANKS at address w*Qw + floor(t/BANKS), so the
// BANKS rows t..t+h of the activation buffer are one word from each bank.
//
// Parameters:
//   BANKS          activation banks, h+1
//   BANK_WIDTH     bank word width, lanes * activationBits
//   DEPTH          words per bank; ADDR_BITS = log2(DEPTH)
//   BANK_SEL_BITS  width of bank_i, W(BANKS)
//   INIT_PREFIX    preload prefix (AM_INIT of st_top); "" loads nothing. Every tile loads the same files.
//
// Ports:
//   clk_i                               clock
//   we_i, bank_i, waddr_i, wdata_i      host write of one bank word (broadcast to every tile)
//   raddr_i                             bank b's read address at [b*ADDR_BITS +: ADDR_BITS]
//   rdata_o                             bank b's word at [b*BANK_WIDTH +: BANK_WIDTH], one cycle later
module st_act_mem #(
  parameter integer BANKS = 3,
  parameter integer BANK_WIDTH = 8,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4,
  parameter integer BANK_SEL_BITS = 2,
  parameter INIT_PREFIX = ""
) (
  input  wire                        clk_i,
  input  wire                        we_i,
  input  wire [BANK_SEL_BITS-1:0]    bank_i,
  input  wire [ADDR_BITS-1:0]        waddr_i,
  input  wire [BANK_WIDTH-1:0]       wdata_i,
  input  wire [BANKS*ADDR_BITS-1:0]  raddr_i,
  output wire [BANKS*BANK_WIDTH-1:0] rdata_o
);
  genvar b;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      localparam [BANK_SEL_BITS-1:0] BANK = b;
      st_sram #(
        .WIDTH      (BANK_WIDTH),
        .DEPTH      (DEPTH),
        .ADDR_BITS  (ADDR_BITS),
        .INIT_PREFIX(INIT_PREFIX),
        .INIT_TILE  (-1),
        .INIT_BANK  (b)
      ) u_bank (
        .clk_i  (clk_i),
        .we_i   (we_i && (bank_i == BANK)),
        .waddr_i(waddr_i),
        .wdata_i(wdata_i),
        .raddr_i(raddr_i[b*ADDR_BITS +: ADDR_BITS]),
        .rdata_o(rdata_o[b*BANK_WIDTH +: BANK_WIDTH])
      );
    end
  endgenerate
endmodule
