// st_act_mem: one tile's activation buffer (docs/architecture.md section 6): a ring of DEPTH lines,
// a line being BANKS = h+1 bank words of BANK_WIDTH bits (lane l at [l*ACT_BITS +: ACT_BITS]). The
// fill writes one whole line per cycle (line q of a window holds steps q*BANKS .. q*BANKS+BANKS-1,
// step t in bank t mod BANKS); every bank is read at its own address every cycle, so rows t..t+h of
// a window are one word from each bank.
//
// Parameters:
//   BANKS       banks, h+1
//   BANK_WIDTH  bank word width, lanes * activationBits
//   DEPTH       lines (activationBankDepth); ADDR_BITS = log2(DEPTH)
//
// Ports:
//   clk_i                       clock
//   we_i, waddr_i, wline_i      write of one line: bank b's word at [b*BANK_WIDTH +: BANK_WIDTH]
//   raddr_i                     bank b's read address at [b*ADDR_BITS +: ADDR_BITS]
//   rdata_o                     bank b's word at [b*BANK_WIDTH +: BANK_WIDTH], one cycle later
module st_act_mem #(
  parameter integer BANKS = 3,
  parameter integer BANK_WIDTH = 8,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4
) (
  input  wire                        clk_i,
  input  wire                        we_i,
  input  wire [ADDR_BITS-1:0]        waddr_i,
  input  wire [BANKS*BANK_WIDTH-1:0] wline_i,
  input  wire [BANKS*ADDR_BITS-1:0]  raddr_i,
  output wire [BANKS*BANK_WIDTH-1:0] rdata_o
);
  genvar b;
  generate
    for (b = 0; b < BANKS; b = b + 1) begin : g_bank
      st_sram #(
        .WIDTH    (BANK_WIDTH),
        .DEPTH    (DEPTH),
        .ADDR_BITS(ADDR_BITS)
      ) u_bank (
        .clk_i  (clk_i),
        .we_i   (we_i),
        .waddr_i(waddr_i),
        .wdata_i(wline_i[b*BANK_WIDTH +: BANK_WIDTH]),
        .raddr_i(raddr_i[b*ADDR_BITS +: ADDR_BITS]),
        .rdata_o(rdata_o[b*BANK_WIDTH +: BANK_WIDTH])
      );
    end
  endgenerate
endmodule
