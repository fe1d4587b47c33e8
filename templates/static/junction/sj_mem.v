// sj_mem: a bank of BANKS memories (docs/junction.md section 4), in COPIES copies, with one write
// port and READS read roles. Every memory is one sj_sram (one write, one registered read per cycle).
//
// Copies serve two purposes: a ring of per-input buffers (the write goes to one copy, each read role
// reads the copy of the input it works on: at most one active role per copy, so one read port per
// memory suffices), or replicas (the write goes to every copy, read role r reads copy r: a memory with
// READS read ports). Read role r has its own per-bank addresses; a copy is read at the addresses of
// the active role that selects it (role 0 first), so inactive roles may point anywhere.
//
// Parameters:
//   BANKS        memories per copy (z)
//   COPIES       copies (ring length or replicas)
//   READS        read roles
//   DEPTH        words per memory; ADDR_BITS = W(DEPTH)
//   WIDTH        word width
//   COPY_BITS    W(COPIES)
//   INIT_PREFIX  simulation preload: bank b loads <INIT_PREFIX>_b<b>.hex into every copy; "" loads nothing
//
// Ports:
//   we_i[b], waddr_i, wdata_i   write of bank b at [b*ADDR_BITS +: ADDR_BITS], [b*WIDTH +: WIDTH]
//   wcopies_i                   copies the write goes to (one bit per copy)
//   ren_i[r], rcopy_i, raddr_i  read role r: active, its copy [r*COPY_BITS +: COPY_BITS], its addresses
//                               [(r*BANKS + b)*ADDR_BITS +: ADDR_BITS]
//   rdata_o                     role r, bank b at [(r*BANKS + b)*WIDTH +: WIDTH], one cycle after the address
module sj_mem #(
  parameter integer BANKS = 2,
  parameter integer COPIES = 1,
  parameter integer READS = 1,
  parameter integer DEPTH = 16,
  parameter integer ADDR_BITS = 4,
  parameter integer WIDTH = 8,
  parameter integer COPY_BITS = 1,
  parameter INIT_PREFIX = ""
) (
  input  wire                             clk_i,
  input  wire [BANKS-1:0]                 we_i,
  input  wire [COPIES-1:0]                wcopies_i,
  input  wire [BANKS*ADDR_BITS-1:0]       waddr_i,
  input  wire [BANKS*WIDTH-1:0]           wdata_i,
  input  wire [READS-1:0]                 ren_i,
  input  wire [READS*COPY_BITS-1:0]       rcopy_i,
  input  wire [READS*BANKS*ADDR_BITS-1:0] raddr_i,
  output wire [READS*BANKS*WIDTH-1:0]     rdata_o
);
  localparam integer ROLE_ADDR = BANKS * ADDR_BITS;  // do not override
  localparam integer COPY_DATA = BANKS * WIDTH;      // do not override

  wire [COPIES*COPY_DATA-1:0] data;  // copy k, bank b at [k*COPY_DATA + b*WIDTH +: WIDTH]
  reg  [READS*COPY_BITS-1:0]  rcopy_q;

  always @(posedge clk_i) rcopy_q <= rcopy_i;

  genvar k, b, r;
  generate
    for (k = 0; k < COPIES; k = k + 1) begin : g_copy
      localparam [COPY_BITS-1:0] COPY = k;
      reg [ROLE_ADDR-1:0] raddr;
      integer i;
      always @* begin
        raddr = raddr_i[0 +: ROLE_ADDR];
        for (i = READS - 1; i >= 0; i = i - 1) begin
          if (ren_i[i] && rcopy_i[i*COPY_BITS +: COPY_BITS] == COPY) raddr = raddr_i[i*ROLE_ADDR +: ROLE_ADDR];
        end
      end
      for (b = 0; b < BANKS; b = b + 1) begin : g_bank
        sj_sram #(
          .WIDTH      (WIDTH),
          .DEPTH      (DEPTH),
          .ADDR_BITS  (ADDR_BITS),
          .INIT_PREFIX(INIT_PREFIX),
          .INIT_TILE  (-1),
          .INIT_BANK  (b)
        ) u_sram (
          .clk_i  (clk_i),
          .we_i   (we_i[b] && wcopies_i[k]),
          .waddr_i(waddr_i[b*ADDR_BITS +: ADDR_BITS]),
          .wdata_i(wdata_i[b*WIDTH +: WIDTH]),
          .raddr_i(raddr[b*ADDR_BITS +: ADDR_BITS]),
          .rdata_o(data[k*COPY_DATA + b*WIDTH +: WIDTH])
        );
      end
    end
    for (r = 0; r < READS; r = r + 1) begin : g_read
      wire [COPY_BITS-1:0] copy = rcopy_q[r*COPY_BITS +: COPY_BITS];
      assign rdata_o[r*COPY_DATA +: COPY_DATA] = data[copy*COPY_DATA +: COPY_DATA];
    end
  endgenerate

`ifndef SYNTHESIS
  // Contract: no two active read roles share a copy (each memory has one read port).
  integer r1, r2;
  always @(posedge clk_i) begin
    for (r1 = 0; r1 < READS; r1 = r1 + 1) begin
      for (r2 = r1 + 1; r2 < READS; r2 = r2 + 1) begin
        if (ren_i[r1] && ren_i[r2] && rcopy_i[r1*COPY_BITS +: COPY_BITS] == rcopy_i[r2*COPY_BITS +: COPY_BITS])
          $error("sj_mem %m: read roles %0d and %0d both read copy %0d in one cycle", r1, r2, rcopy_i[r1*COPY_BITS +: COPY_BITS]);
      end
    end
  end
`endif
endmodule
