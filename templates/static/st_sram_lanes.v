// st_sram_lanes: simple dual-port synchronous RAM with a write strobe per lane: one write port, one
// registered read port. A word is LANES lanes of LANE_BITS; a write changes only the lanes whose
// strobe is set. A read returns the word stored before a write to the same address in the same
// cycle (read-before-write). Yosys maps it to $mem cells with per-lane write enables.
//
// Parameters:
//   LANE_BITS    bits per lane
//   LANES        lanes per word
//   DEPTH        words; a power of two
//   ADDR_BITS    address width, log2(DEPTH)
//   INIT_PREFIX  simulation preload: loads <INIT_PREFIX>_b<INIT_BANK>.hex; "" (the default) loads nothing
//   INIT_BANK    bank index in the preload file name
//
// Ports:
//   clk_i      clock (the memory has no reset)
//   we_i       write enable; strb_i: lane l is written when strb_i[l] is set
//   waddr_i, wdata_i   write address and data
//   raddr_i    read address
//   rdata_o    the word at raddr_i, from the cycle after the address
module st_sram_lanes #(
  parameter integer LANE_BITS = 8,
  parameter integer LANES = 4,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4,
  parameter INIT_PREFIX = "",
  parameter integer INIT_BANK = 0
) (
  input  wire                           clk_i,
  input  wire                           we_i,
  input  wire [LANES-1:0]               strb_i,
  input  wire [ADDR_BITS-1:0]           waddr_i,
  input  wire [LANES*LANE_BITS-1:0]     wdata_i,
  input  wire [ADDR_BITS-1:0]           raddr_i,
  output wire [LANES*LANE_BITS-1:0]     rdata_o
);
  (* sparsetile_sram *) reg [LANES*LANE_BITS-1:0] mem_q [0:DEPTH-1];
  reg [LANES*LANE_BITS-1:0] rdata_q;

  // The word at waddr_i with the lanes of strb_i replaced by wdata_i's. The write is one
  // read-modify-write of the whole word, so that a simulator does nothing in a cycle without a write
  // (a delayed write per lane costs Verilator a flag per lane and bank on every clock edge); Yosys
  // turns the feedback from the old word back into per-lane write enables of the same $mem cell.
  // No arguments: Verilator clears a function's wide arguments on every clock edge.
  function automatic [LANES*LANE_BITS-1:0] merged;
    integer l;
    begin
      merged = mem_q[waddr_i];
      for (l = 0; l < LANES; l = l + 1) if (strb_i[l]) merged[l*LANE_BITS +: LANE_BITS] = wdata_i[l*LANE_BITS +: LANE_BITS];
    end
  endfunction

  always @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= merged();
    rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

`ifndef SYNTHESIS
  initial begin
    if (|INIT_PREFIX) $readmemh($sformatf("%0s_b%0d.hex", INIT_PREFIX, INIT_BANK), mem_q);
  end
`endif
endmodule
