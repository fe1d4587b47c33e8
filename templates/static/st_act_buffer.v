// st_act_buffer: the activation buffer's rotation (docs/architecture.md section 6).
//
// The activation banks' read registers hold rows t..t+h of the current window, row t+a in bank
// (t + a) mod BANKS. Output slot i is buffer slot a = SLOT_AHEAD[i] (row t+a): bank
// (rot_i + a) mod BANKS, where rot_i = t mod BANKS. Only the slots that the interconnect pattern
// uses are produced. Combinational; shared by the tile's PEs.
//
// Parameters:
//   BANKS       activation banks, h+1
//   ROT_BITS    width of rot_i, W(BANKS)
//   BANK_WIDTH  bank word width (lanes * activationBits)
//   SLOTS       number of slots produced
//   SLOT_AHEAD  slot i's ahead a at [i*4 +: 4]
//
// Ports:
//   rot_i    t mod BANKS for the row whose activations are in the bank registers
//   banks_i  bank b's word at [b*BANK_WIDTH +: BANK_WIDTH]
//   slots_o  slot i's word at [i*BANK_WIDTH +: BANK_WIDTH]
module st_act_buffer #(
  parameter integer BANKS = 3,
  parameter integer ROT_BITS = 2,
  parameter integer BANK_WIDTH = 8,
  parameter integer SLOTS = 3,
  parameter [SLOTS*4-1:0] SLOT_AHEAD = 12'h210
) (
  input  wire [ROT_BITS-1:0]         rot_i,
  input  wire [BANKS*BANK_WIDTH-1:0] banks_i,
  output wire [SLOTS*BANK_WIDTH-1:0] slots_o
);
  genvar i, b;
  generate
    for (i = 0; i < SLOTS; i = i + 1) begin : g_slot
      localparam [3:0] AHEAD = SLOT_AHEAD[i*4 +: 4];
      // pick[b] is bank b when slot i comes from bank b, that is when rot_i = (b - AHEAD) mod BANKS
      wire [BANK_WIDTH-1:0] pick [0:BANKS-1];
      for (b = 0; b < BANKS; b = b + 1) begin : g_bank
        localparam integer ROT_INT = (b + BANKS - {28'd0, AHEAD}) % BANKS;
        localparam [ROT_BITS-1:0] ROT = ROT_INT[ROT_BITS-1:0];
        assign pick[b] = (rot_i == ROT) ? banks_i[b*BANK_WIDTH +: BANK_WIDTH] : {BANK_WIDTH{1'b0}};
      end
      reg [BANK_WIDTH-1:0] slot_d;
      integer j;
      always @* begin
        slot_d = {BANK_WIDTH{1'b0}};
        for (j = 0; j < BANKS; j = j + 1) slot_d = slot_d | pick[j];
      end
      assign slots_o[i*BANK_WIDTH +: BANK_WIDTH] = slot_d;
    end
  endgenerate
endmodule
