// sj_requant: the chain's one rounding rule (docs/junction.md section 6): y = saturate(floor((x +
// 2^(SHIFT-1)) / 2^SHIFT)) to OUT_BITS signed bits (x itself when SHIFT is 0; no clamp when OUT_BITS
// holds every result). Combinational.
//
// Parameters:
//   IN_BITS   signed input width
//   SHIFT     right shift with rounding half up
//   OUT_BITS  signed output width
//
// Ports:
//   x_i  the signed input
//   y_o  the rounded, shifted, saturated output
module sj_requant #(
  parameter integer IN_BITS = 16,
  parameter integer SHIFT = 0,
  parameter integer OUT_BITS = 8
) (
  input  wire signed [IN_BITS-1:0]  x_i,
  output wire signed [OUT_BITS-1:0] y_o
);
  // wide enough for x + 2^(SHIFT-1) whatever SHIFT is; do not override
  localparam integer R_BITS = (IN_BITS > SHIFT ? IN_BITS : SHIFT) + 1;

  wire signed [R_BITS-1:0] wide = {{(R_BITS-IN_BITS){x_i[IN_BITS-1]}}, x_i};
  wire signed [R_BITS-1:0] rounded;

  generate
    if (SHIFT == 0) begin : g_exact
      assign rounded = wide;
    end else begin : g_round
      localparam signed [R_BITS-1:0] ONE = 1;
      localparam signed [R_BITS-1:0] HALF = ONE <<< (SHIFT - 1);
      wire signed [R_BITS-1:0] sum = wide + HALF;
      assign rounded = sum >>> SHIFT;
    end
    if (OUT_BITS == R_BITS) begin : g_same
      assign y_o = rounded;
    end else if (OUT_BITS > R_BITS) begin : g_extend
      assign y_o = {{(OUT_BITS-R_BITS){rounded[R_BITS-1]}}, rounded};
    end else begin : g_clamp
      localparam signed [R_BITS-1:0] HI = {{(R_BITS-OUT_BITS+1){1'b0}}, {(OUT_BITS-1){1'b1}}};
      localparam signed [R_BITS-1:0] LO = {{(R_BITS-OUT_BITS+1){1'b1}}, {(OUT_BITS-1){1'b0}}};
      assign y_o = rounded > HI ? HI[OUT_BITS-1:0] : rounded < LO ? LO[OUT_BITS-1:0] : rounded[OUT_BITS-1:0];
    end
  endgenerate
endmodule
