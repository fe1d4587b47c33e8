// st_output_stage: ReLU, arithmetic right shift, then saturate or wrap (docs/architecture.md
// section 7). Combinational; the tile registers its result.
//
// Parameters:
//   ACC_BITS  signed accumulator width (input)
//   OUT_BITS  signed output width, at most ACC_BITS
//   RELU      1: y = max(y, 0) first
//   SHIFT     arithmetic right shift (floor division by 2^SHIFT), less than ACC_BITS
//   SATURATE  1: clamp to [-2^(OUT_BITS-1), 2^(OUT_BITS-1)-1]; 0: wrap to OUT_BITS bits
//
// Ports:
//   acc_i  signed accumulator value
//   y_o    signed output value
module st_output_stage #(
  parameter integer ACC_BITS = 24,
  parameter integer OUT_BITS = 8,
  parameter integer RELU = 1,
  parameter integer SHIFT = 4,
  parameter integer SATURATE = 1
) (
  input  wire [ACC_BITS-1:0] acc_i,
  output wire [OUT_BITS-1:0] y_o
);
  wire               negative = acc_i[ACC_BITS-1];
  wire [ACC_BITS-1:0] relu_v = (RELU != 0 && negative) ? {ACC_BITS{1'b0}} : acc_i;
  wire signed [ACC_BITS-1:0] shifted = $signed(relu_v) >>> SHIFT;

  generate
    if (OUT_BITS == ACC_BITS) begin : g_same_width
      assign y_o = shifted;
    end else if (SATURATE != 0) begin : g_saturate
      // the value fits iff the bits from OUT_BITS-1 upwards are all equal
      wire [ACC_BITS-OUT_BITS:0] top = shifted[ACC_BITS-1:OUT_BITS-1];
      wire fits = (&top) | ~(|top);
      wire sign = shifted[ACC_BITS-1];
      assign y_o = fits ? shifted[OUT_BITS-1:0] : {sign, {(OUT_BITS-1){~sign}}};
    end else begin : g_wrap
      assign y_o = shifted[OUT_BITS-1:0];
      wire unused_high = ^shifted[ACC_BITS-1:OUT_BITS];
    end
  endgenerate
endmodule
