// st_seq: job control of the whole accelerator (docs/architecture.md sections 8 and 9).
//
// A start (CTRL.START written while idle) is the cycle before the first busy cycle: start_o tells
// every unit to reset its job state. Busy cycle 0 starts layer 0 (lstart_o); a layer ends in the
// first cycle after its start in which every tile is done (all rows issued, all outputs written);
// the next cycle starts the next layer, or busy falls and done rises after the last one. CYCLES
// counts the busy cycles. The output time slot counts 0..TILES-1 from busy cycle 0.
//
// Errors (contract/registers.ts ERROR_BITS) are sticky from the first one to the next start: the
// descriptor checks of a layer in its start cycle, and the tiles' events (a stream or header the
// host should have rejected, a bus error, a corrupt control word, a channel base out of range).
// An error aborts the job: no further reads or writes of the memories; busy falls once every
// fetcher has taken the beats still in flight. A start with LAYERS = 0 or > MAX_LAYERS does not
// run at all: it sets the LAYERS error and done.
//
// Parameters:
//   TILES, MAX_LAYERS, LAYER_BITS, SLOT_BITS   tiles, descriptors held, a layer index, a slot
//   COUNT_BITS                 the LAYERS register's width (its whole COUNT field)
//
// Ports:
//   clk_i, rst_ni              clock; asynchronous active-low reset
//   start_req_i, layers_i      a start request and the LAYERS register
//   tile_done_i, tile_idle_i   per tile: its layer is finished; its fetcher has nothing in flight
//   check_err_i                the current layer's descriptor check bits 1..6 (valid in lstart_o cycles)
//   tile_err_i                 per tile {CHANNELS, CONTROL, AXI, STREAM} events at [t*4 +: 4]
//   err_clear_i                ERROR bits to clear (write 1 to clear, while idle)
//   start_o, busy_o, done_o, lstart_o, layer_o, slot_o, cycles_o   job state
//   error_o, err_info_o, abort_o   sticky errors, {tile, layer} of the first (tile 255: a descriptor check)
module st_seq #(
  parameter integer TILES = 2,
  parameter integer MAX_LAYERS = 4,
  parameter integer LAYER_BITS = 2,
  parameter integer COUNT_BITS = 5,
  parameter integer SLOT_BITS = 1
) (
  input  wire                    clk_i,
  input  wire                    rst_ni,
  input  wire                    start_req_i,
  input  wire [COUNT_BITS-1:0]   layers_i,
  input  wire [TILES-1:0]        tile_done_i,
  input  wire [TILES-1:0]        tile_idle_i,
  input  wire [6:1]              check_err_i,
  input  wire [TILES*4-1:0]      tile_err_i,
  input  wire [9:0]              err_clear_i,
  output wire                    start_o,
  output wire                    busy_o,
  output wire                    done_o,
  output wire                    lstart_o,
  output wire [LAYER_BITS-1:0]   layer_o,
  output wire [SLOT_BITS-1:0]    slot_o,
  output wire [31:0]             cycles_o,
  output wire [9:0]              error_o,
  output wire [15:0]             err_info_o,
  output wire                    abort_o
);
  // derived constants: do not override
  localparam [COUNT_BITS-1:0] MAX_L = MAX_LAYERS[COUNT_BITS-1:0];
  localparam integer LAST_SLOT_INT = TILES - 1;
  localparam [SLOT_BITS-1:0] LAST_SLOT = LAST_SLOT_INT[SLOT_BITS-1:0];

  reg                  busy_q, done_q, lstart_q, abort_q;
  reg [LAYER_BITS-1:0] layer_q;
  reg [SLOT_BITS-1:0]  slot_q;
  reg [31:0]           cycles_q;
  reg [9:0]            error_q;
  reg [15:0]           info_q;

  wire layers_ok = layers_i != {COUNT_BITS{1'b0}} && layers_i <= MAX_L;
  wire start     = start_req_i && !busy_q;

  // this cycle's error events and the tile that raised the first of them
  reg [9:0] events;
  reg [7:0] ev_tile;
  integer t;
  always @* begin
    events = {3'd0, lstart_q ? check_err_i : 6'd0, 1'b0};
    ev_tile = 8'hFF;
    for (t = TILES - 1; t >= 0; t = t - 1) begin
      if (|tile_err_i[t*4 +: 4]) ev_tile = t[7:0];
      events[7] = events[7] | tile_err_i[t*4 + 0];
      events[8] = events[8] | tile_err_i[t*4 + 1];
      events[9] = events[9] | tile_err_i[t*4 + 2];
      events[6] = events[6] | tile_err_i[t*4 + 3];
    end
    if (!busy_q) events = 10'd0;
    if (lstart_q && |check_err_i) ev_tile = 8'hFF;
  end

  wire all_done = &tile_done_i;
  wire all_idle = &tile_idle_i;
  wire [LAYER_BITS:0] layer_next = {1'b0, layer_q} + 1'b1;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0; done_q <= 1'b0; lstart_q <= 1'b0; abort_q <= 1'b0;
      layer_q <= {LAYER_BITS{1'b0}}; slot_q <= {SLOT_BITS{1'b0}}; cycles_q <= 32'd0;
      error_q <= 10'd0; info_q <= 16'd0;
    end else if (start) begin
      done_q <= !layers_ok;
      busy_q <= layers_ok;
      lstart_q <= layers_ok;
      abort_q <= 1'b0;
      layer_q <= {LAYER_BITS{1'b0}};
      slot_q <= {SLOT_BITS{1'b0}};
      cycles_q <= 32'd0;
      error_q <= layers_ok ? 10'd0 : 10'd1;
      info_q <= layers_ok ? 16'd0 : 16'hFF00;
    end else begin
      if (!busy_q) error_q <= error_q & ~err_clear_i;
      if (busy_q) begin
        cycles_q <= cycles_q + 32'd1;
        slot_q <= (slot_q == LAST_SLOT) ? {SLOT_BITS{1'b0}} : slot_q + 1'b1;
        lstart_q <= 1'b0;
        error_q <= error_q | events;
        if (|events && !abort_q) begin
          abort_q <= 1'b1;
          info_q <= {ev_tile, {(8-LAYER_BITS){1'b0}}, layer_q};
        end
        if (abort_q || |events) begin
          if (abort_q && all_idle) begin
            busy_q <= 1'b0;
            done_q <= 1'b1;
            abort_q <= 1'b0;
          end
        end else if (!lstart_q && all_done) begin
          if (layer_next == layers_i[LAYER_BITS:0]) begin  // layers_ok: the count fits LAYER_BITS + 1 bits
            busy_q <= 1'b0;
            done_q <= 1'b1;
          end else begin
            layer_q <= layer_next[LAYER_BITS-1:0];
            lstart_q <= 1'b1;
          end
        end
      end
    end
  end

  assign start_o    = start;
  assign busy_o     = busy_q;
  assign done_o     = done_q;
  assign lstart_o   = lstart_q;
  assign layer_o    = layer_q;
  assign slot_o     = slot_q;
  assign cycles_o   = cycles_q;
  assign error_o    = error_q;
  assign err_info_o = info_q;
  assign abort_o    = abort_q;

`ifndef SYNTHESIS
  // Contract check: the hardware flags a descriptor or stream the host should have rejected.
  always @(posedge clk_i) begin
    if (|events)
      $error("st_assert: descriptor: error bits %b in layer %0d (tile %0d): the host should have rejected this layer list", events, layer_q, ev_tile);
  end
`endif
endmodule
