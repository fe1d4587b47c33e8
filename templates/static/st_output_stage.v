// st_output_stage: ReLU, arithmetic right shift, then saturate or wrap (docs/architecture.md
// section 7), with the layer's requantization from its descriptor (CONTROL: RELU, SHIFT, SATURATE).
// Combinational; the tile registers its result.
//
// Parameters:
//   ACC_BITS  signed accumulator width (input)
//   OUT_BITS  signed output width (the activation width), at most ACC_BITS
//
// Ports:
//   acc_i                   signed accumulator value
//   relu_i, shift_i, sat_i  the layer's ReLU, arithmetic right shift (< ACC_BITS) and saturate (1) or wrap (0)
//   y_o                     signed output value
module st_output_stage #(
  parameter integer ACC_BITS = 24,
  parameter integer OUT_BITS = 8
) (
  input  wire [ACC_BITS-1:0] acc_i,
  input  wire                relu_i,
  input  wire [5:0]          shift_i,
  input  wire                sat_i,
  output wire [OUT_BITS-1:0] y_o
);
  wire                       negative = acc_i[ACC_BITS-1];
  wire [ACC_BITS-1:0]        relu_v = (relu_i && negative) ? {ACC_BITS{1'b0}} : acc_i;
  wire signed [ACC_BITS-1:0] shifted = $signed(relu_v) >>> shift_i;

  generate
    if (OUT_BITS == ACC_BITS) begin : g_same_width
      assign y_o = shifted;
      wire unused_sat = sat_i;
    end else begin : g_narrow
      // the value fits iff the bits from OUT_BITS-1 upwards are all equal
      wire [ACC_BITS-OUT_BITS:0] top = shifted[ACC_BITS-1:OUT_BITS-1];
      wire fits = (&top) | ~(|top);
      wire sign = shifted[ACC_BITS-1];
      assign y_o = (sat_i && !fits) ? {sign, {(OUT_BITS-1){~sign}}} : shifted[OUT_BITS-1:0];
    end
  endgenerate
endmodule
