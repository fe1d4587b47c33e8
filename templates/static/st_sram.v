// st_sram: simple dual-port synchronous RAM: one write port, one registered read port.
//
// A read returns the word stored before a write to the same address in the same cycle
// (read-before-write). The body is the inference template that Yosys maps to $mem cells (and to
// block RAM with synth_ice40).
//
// Parameters:
//   WIDTH        word width in bits
//   DEPTH        words; a power of two
//   ADDR_BITS    address width, log2(DEPTH), passed down from the resolved configuration
//   INIT_PREFIX  simulation preload: file-name prefix; "" (the default) loads nothing
//   INIT_TILE    tile index in the preload file name, or -1 for a name without "_t<tile>"
//   INIT_BANK    bank index in the preload file name
// The preload file is <INIT_PREFIX>_t<INIT_TILE>_b<INIT_BANK>.hex (or <INIT_PREFIX>_b<INIT_BANK>.hex
// when INIT_TILE is -1): one hex word per line, address 0 first. Synthesis ignores it. The tile's
// memories do not preload (the feature-map memory preloads through st_sram_lanes); the junction
// generator's sj_sram, a renamed copy of this module, does.
//
// Ports:
//   clk_i      clock (the memory has no reset)
//   we_i       write enable; waddr_i, wdata_i: write address and data
//   raddr_i    read address
//   rdata_o    the word at raddr_i, from the cycle after the address
module st_sram #(
  parameter integer WIDTH = 8,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4,
  parameter INIT_PREFIX = "",
  parameter integer INIT_TILE = -1,
  parameter integer INIT_BANK = 0
) (
  input  wire                 clk_i,
  input  wire                 we_i,
  input  wire [ADDR_BITS-1:0] waddr_i,
  input  wire [WIDTH-1:0]     wdata_i,
  input  wire [ADDR_BITS-1:0] raddr_i,
  output wire [WIDTH-1:0]     rdata_o
);
  (* sparsetile_sram *) reg [WIDTH-1:0] mem_q [0:DEPTH-1];
  reg [WIDTH-1:0] rdata_q;

  always @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

`ifndef SYNTHESIS
  // The file name is formatted at run time: a constant string built from the indices is not
  // supported by every simulator (Icarus 11), a run-time $sformatf is (Icarus, Verilator).
  initial begin
    if (|INIT_PREFIX) begin
      if (INIT_TILE >= 0) $readmemh($sformatf("%0s_t%0d_b%0d.hex", INIT_PREFIX, INIT_TILE, INIT_BANK), mem_q);
      else $readmemh($sformatf("%0s_b%0d.hex", INIT_PREFIX, INIT_BANK), mem_q);
    end
  end
`endif
endmodule
