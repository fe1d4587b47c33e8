// st_desc_check: the hardware's checks of the current layer descriptor (docs/architecture.md
// section 9, contract/descriptors.ts descriptorErrors), evaluated in the layer's start cycle:
// a descriptor the host should have rejected sets a sticky ERROR bit and aborts the job before any
// memory is read with it, so the hardware never reads or writes outside its regions.
//
// Parameters:
//   TILES, LANES, BANKS   tiles, lanes per word, activation-buffer banks h+1
//   HALF_WORDS            words of a feature-map half
//
// Ports: the layer's fields and the tiles' windows (contract/registers.ts); err_o = {CHANNELS,
// WINDOWS, WIN_STRIDE, OUT_BOUNDS, IN_BOUNDS, GEOMETRY} (ERROR bits 6..1).
module st_desc_check #(
  parameter integer TILES = 2,
  parameter integer LANES = 4,
  parameter integer BANKS = 3,
  parameter integer HALF_WORDS = 512
) (
  input  wire [23:0]         in_base_i,
  input  wire [15:0]         in_h_i,
  input  wire [15:0]         in_w_i,
  input  wire [15:0]         in_cg_i,
  input  wire [7:0]          kh_i,
  input  wire [7:0]          kw_i,
  input  wire [7:0]          sh_i,
  input  wire [7:0]          sw_i,
  input  wire [7:0]          dh_i,
  input  wire [7:0]          dw_i,
  input  wire [23:0]         out_base_i,
  input  wire [15:0]         out_h_i,
  input  wire [15:0]         out_w_i,
  input  wire [15:0]         out_channels_i,
  input  wire [15:0]         out_cg_i,
  input  wire [15:0]         qw_i,
  input  wire [TILES*16-1:0] sets_i,
  input  wire [TILES*24-1:0] win_base_i,
  input  wire [TILES*24-1:0] win_count_i,
  input  wire [TILES*16-1:0] ho0_i,
  input  wire [TILES*16-1:0] wo0_i,
  output wire [6:1]          err_o
);
  // derived constants: do not override
  localparam integer CB = $clog2(HALF_WORDS + 2);   // a region factor, clamped to HALF_WORDS + 1
  localparam integer CLAMP_I = HALF_WORDS + 1;
  localparam [CB-1:0] CLAMP = CLAMP_I[CB-1:0];
  localparam [31:0] HALF32 = HALF_WORDS[31:0];
  localparam [31:0] H1_32 = BANKS[31:0];
  localparam [31:0] LANES32 = LANES[31:0];
  wire [31:0] half32 = HALF32;
  wire [63:0] HALF = {32'd0, half32};
  wire [63:0] H1 = {32'd0, H1_32};
  wire [63:0] LANES_W = {32'd0, LANES32};

  // A region's size against a half, without its full 48-bit product: a factor or partial product
  // above HALF_WORDS is clamped to HALF_WORDS + 1. If a factor is 0, both products are 0; if the
  // exact product is at most HALF_WORDS, nothing is clamped and both are equal; otherwise both are
  // above HALF_WORDS. So BASE + clamped > HALF_WORDS exactly when BASE + exact > HALF_WORDS.
  function automatic [CB-1:0] clamp(input [63:0] v, input [63:0] half);
    clamp = v > half ? CLAMP : v[CB-1:0];
  endfunction
  function automatic [2*CB-1:0] region(input [15:0] a, input [15:0] b, input [15:0] c, input [63:0] half);
    reg [2*CB-1:0] ab;
    begin
      ab = clamp({48'd0, a}, half) * clamp({48'd0, b}, half);
      region = clamp({ {64-2*CB{1'b0}}, ab}, half) * clamp({48'd0, c}, half);
    end
  endfunction

  wire [63:0] steps   = {48'd0, {8'd0, kh_i} * {8'd0, kw_i}} * {48'd0, in_cg_i};
  wire [63:0] in_end  = {40'd0, in_base_i} + { {64-2*CB{1'b0}}, region(in_h_i, in_w_i, in_cg_i, HALF)};
  wire [63:0] out_end = {40'd0, out_base_i} + { {64-2*CB{1'b0}}, region(out_h_i, out_w_i, out_cg_i, HALF)};
  wire [63:0] windows = {48'd0, out_h_i} * {48'd0, out_w_i};
  wire [63:0] lines   = {48'd0, qw_i} * H1;

  wire zero = in_h_i == 16'd0 || in_w_i == 16'd0 || in_cg_i == 16'd0 || kh_i == 8'd0 || kw_i == 8'd0 || sh_i == 8'd0 || sw_i == 8'd0
           || dh_i == 8'd0 || dw_i == 8'd0 || out_h_i == 16'd0 || out_w_i == 16'd0 || out_cg_i == 16'd0;
  wire geometry   = zero || steps > 64'd65535;
  wire in_bounds  = in_end > HALF;
  wire out_bounds = out_end > HALF;
  // Qw = ceil((S + h)/(h + 1)): Qw*(h+1) >= S + h > (Qw - 1)*(h+1)
  wire win_stride = qw_i == 16'd0 || lines < steps + H1 - 64'd1 || lines - H1 >= steps + H1 - 64'd1;
  wire channels   = out_channels_i == 16'd0 || {48'd0, out_channels_i} > {48'd0, out_cg_i} * LANES_W;

  reg windows_bad;
  integer t;
  always @* begin
    windows_bad = 1'b0;
    for (t = 0; t < TILES; t = t + 1) begin
      if (sets_i[t*16 +: 16] != 16'd0 && win_count_i[t*24 +: 24] != 24'd0) begin
        if ({40'd0, win_base_i[t*24 +: 24]} + {40'd0, win_count_i[t*24 +: 24]} > windows
            || {40'd0, win_base_i[t*24 +: 24]} != {48'd0, ho0_i[t*16 +: 16]} * {48'd0, out_w_i} + {48'd0, wo0_i[t*16 +: 16]}
            || wo0_i[t*16 +: 16] >= out_w_i)
          windows_bad = 1'b1;
      end
    end
  end

  assign err_o = {channels, windows_bad, win_stride, out_bounds, in_bounds, geometry};
endmodule
