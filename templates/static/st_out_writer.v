// st_out_writer: one tile's output path into the feature-map memory (docs/architecture.md
// section 6). An output word (the K PEs' output-stage values of one window of one set) enters a FIFO
// of DEPTH words; in the tile's time slot (one cycle in TILES, slot_i == TILE) the oldest word writes
// one feature-map word: channel group g of its pixel, for each group the set's positions
// [chan, min(chan + K, OUT_CHANNELS)) reach, lowest first. Lane l of group g is position p = g*LANES + l:
// it takes PE p - chan's value when that PE is in the set and p < OUT_CHANNELS, zero when
// p >= OUT_CHANNELS (the padding lanes of the last group), and is left alone otherwise (another set's
// channels). The word's credit returns when its last group is written (or at once, when it reaches no
// group: a channel base the host should have rejected).
//
// Parameters:
//   K, LANES, ACT_BITS   PEs per tile, lanes per word, bits per value
//   DEPTH, FIFO_BITS     output words in the FIFO (outputFifoDepth) and log2 of it (at least 1)
//   FM_ADDR_BITS         a feature-map word address
//   TILE, SLOT_BITS      this tile's time slot, the slot counter's width
//
// Ports:
//   clk_i, rst_ni, start_i, abort_i     clock, reset, job start, abort
//   push_i, push_addr_i, push_chan_i, push_word_i   a word: its pixel's first word, channel base, values
//   out_channels_i                      the layer's OUT_CHANNELS
//   slot_i                              the time slot of this cycle
//   fm_we_o, fm_addr_o, fm_strb_o, fm_wdata_o   the feature-map write
//   credit_ret_o                        credits returned this cycle (0..2)
//   err_chan_o                          a word whose channel base is not below OUT_CHANNELS
module st_out_writer #(
  parameter integer K = 2,
  parameter integer LANES = 4,
  parameter integer ACT_BITS = 8,
  parameter integer DEPTH = 2,
  parameter integer FIFO_BITS = 1,
  parameter integer FM_ADDR_BITS = 10,
  parameter integer TILE = 0,
  parameter integer SLOT_BITS = 1
) (
  input  wire                       clk_i,
  input  wire                       rst_ni,
  input  wire                       start_i,
  input  wire                       abort_i,
  input  wire                       push_i,
  input  wire [FM_ADDR_BITS-1:0]    push_addr_i,
  input  wire [15:0]                push_chan_i,
  input  wire [K*ACT_BITS-1:0]      push_word_i,
  input  wire [15:0]                out_channels_i,
  input  wire [SLOT_BITS-1:0]       slot_i,
  output wire                       fm_we_o,
  output wire [FM_ADDR_BITS-1:0]    fm_addr_o,
  output reg  [LANES-1:0]           fm_strb_o,
  output reg  [LANES*ACT_BITS-1:0]  fm_wdata_o,
  output wire [1:0]                 credit_ret_o,
  output wire                       err_chan_o
);
  // derived constants: do not override
  localparam [SLOT_BITS-1:0] MY_SLOT = TILE[SLOT_BITS-1:0];
  localparam [15:0] K_W = K[15:0];
  localparam [15:0] LANES_W = LANES[15:0];
  localparam [FIFO_BITS:0] DEPTH_C = DEPTH[FIFO_BITS:0];

  // groups of a word: first = chan / LANES, count = (min(chan + K, OUT_CHANNELS) - 1) / LANES - first + 1
  wire [15:0] p_end   = (push_chan_i + K_W < out_channels_i) ? push_chan_i + K_W : out_channels_i;
  wire        p_none  = p_end <= push_chan_i;
  wire [15:0] p_first = push_chan_i / LANES_W;
  wire [15:0] p_count = p_none ? 16'd0 : (p_end - 16'd1) / LANES_W - p_first + 16'd1;

  reg [FM_ADDR_BITS-1:0] f_addr_q [0:DEPTH-1];
  reg [15:0]             f_chan_q [0:DEPTH-1];
  reg [15:0]             f_first_q [0:DEPTH-1];
  reg [15:0]             f_count_q [0:DEPTH-1];
  reg [K*ACT_BITS-1:0]   f_word_q [0:DEPTH-1];
  reg [FIFO_BITS:0]      cnt_q;
  reg [FIFO_BITS-1:0]    rd_q, wr_q;
  reg [15:0]             gcur_q;

  wire        enq   = push_i && !p_none && !abort_i;
  wire        write = slot_i == MY_SLOT && cnt_q != {(FIFO_BITS+1){1'b0}} && !abort_i;
  wire [15:0] h_chan  = f_chan_q[rd_q];
  wire [15:0] h_count = f_count_q[rd_q];
  wire [15:0] group   = f_first_q[rd_q] + gcur_q;
  wire        deq     = write && gcur_q + 16'd1 == h_count;
  wire [K*ACT_BITS-1:0] h_word = f_word_q[rd_q];

  integer l;
  reg [15:0] p, kk;
  always @* begin
    fm_strb_o  = {LANES{1'b0}};
    fm_wdata_o = {LANES*ACT_BITS{1'b0}};
    for (l = 0; l < LANES; l = l + 1) begin
      p  = group * LANES_W + l[15:0];
      kk = p - h_chan;
      if (p >= out_channels_i) begin
        fm_strb_o[l] = 1'b1;
      end else if (p >= h_chan && kk < K_W) begin
        fm_strb_o[l] = 1'b1;
        fm_wdata_o[l*ACT_BITS +: ACT_BITS] = h_word[kk*ACT_BITS +: ACT_BITS];
      end
    end
  end

  always @(posedge clk_i) begin
    if (enq) begin
      f_addr_q[wr_q]  <= push_addr_i;
      f_chan_q[wr_q]  <= push_chan_i;
      f_first_q[wr_q] <= p_first;
      f_count_q[wr_q] <= p_count;
      f_word_q[wr_q]  <= push_word_i;
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q <= {(FIFO_BITS+1){1'b0}};
      rd_q <= {FIFO_BITS{1'b0}};
      wr_q <= {FIFO_BITS{1'b0}};
      gcur_q <= 16'd0;
    end else if (start_i || abort_i) begin
      cnt_q <= {(FIFO_BITS+1){1'b0}};
      rd_q <= {FIFO_BITS{1'b0}};
      wr_q <= {FIFO_BITS{1'b0}};
      gcur_q <= 16'd0;
    end else begin
      if (enq) wr_q <= (wr_q == DEPTH_C[FIFO_BITS-1:0] - 1'b1) ? {FIFO_BITS{1'b0}} : wr_q + 1'b1;
      if (deq) rd_q <= (rd_q == DEPTH_C[FIFO_BITS-1:0] - 1'b1) ? {FIFO_BITS{1'b0}} : rd_q + 1'b1;
      cnt_q <= cnt_q + { {FIFO_BITS{1'b0}}, enq} - { {FIFO_BITS{1'b0}}, deq};
      if (write) gcur_q <= deq ? 16'd0 : gcur_q + 16'd1;
    end
  end

  assign fm_we_o      = write;
  assign fm_addr_o    = f_addr_q[rd_q] + group[FM_ADDR_BITS-1:0];
  assign credit_ret_o = {1'b0, deq} + {1'b0, push_i && p_none};
  assign err_chan_o   = push_i && p_none;

`ifndef SYNTHESIS
  // Contract check: a word is only pushed when a credit reserved room for it.
  always @(posedge clk_i) begin
    if (enq && cnt_q == DEPTH_C && !deq)
      $error("st_assert: output-fifo-overflow: an output word arrived at a full FIFO");
  end
`endif
endmodule
