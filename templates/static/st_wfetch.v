// st_wfetch: one tile's weight fetcher (docs/architecture.md section 6): an AXI4 read master that
// fetches the tile's weight streams (one per layer of the list, WSTREAM_ADDR / WSTREAM_BEATS) into
// the weight ring, and queues every set header for the controller.
//
// AR: INCR bursts of full-width beats (ARSIZE = SIZE), at most MAX_BURST beats, never across a 4 KB
// boundary, at most MAX_OUT in flight; ARVALID, ARADDR and ARLEN are registered. A new request is
// presented in the cycle after the previous one was taken (or after the fetcher was idle). The
// streams of all layers are fetched back to back from the start, the next layer's as soon as the
// previous one's last request is taken: the ring's back-pressure, not the layer barrier, paces them.
//
// R: RREADY is high while the ring has a free record slot (records written - records freed < DEPTH)
// and the header queue has space. Beats are assembled into records of REC_BEATS beats; a record is
// written into ring slot (records written mod DEPTH) in the cycle its last beat arrives. The first
// record of a set is its header ({rows, channel base}); it is queued with the index of the set's
// first row, and the next `rows` records are the set's rows.
//
// With RLE = 1 the stream is run-length coded (sections 5.2 and 11): a set is a header of
// ceil((HDR_CTRL_LSB + rows*CTRL_BITS)/DATA_BITS) beats carrying every row's control word, then its
// slot stream, RLE_ENTRIES entries {run, value} a beat, decoded in the cycle the beat is taken; a
// row is written in the cycle of the beat that completes it. RREADY follows the same rule.
//
// Parameters:
//   DATA_BITS, SIZE        AXI data width and ARSIZE = log2(DATA_BITS/8)
//   MAX_BURST, MAX_OUT     longest burst in beats, bursts in flight
//   LAYERS, LAYER_BITS     descriptors held, and the width of a layer index
//   REC_BEATS              beats per record
//   DEPTH, RING_BITS       ring records and log2(DEPTH)
//   FIFO_DEPTH             set headers queued (model/timing.ts SET_FIFO_DEPTH)
//   ROWS_LSB, CHAN_LSB     header fields (16 bits each; contract/stream.ts HEADER_FIELDS)
//   RLE                    1: the stream is run-length coded (the rest only then)
//   SLOTS, SLOT_W          slots of a row (K*N) and an entry's value field (slotBits)
//   CTRL_BITS              a row's control word
//   ENTRY_BITS, RUN_LSB, RUN_BITS, RLE_ENTRIES   an entry, its run field, entries per beat (contract/rle.ts)
//   HDR_CTRL_LSB, HDR_BEATS  row 0's control word in a header; beats of the longest header
//
// Ports:
//   clk_i, rst_ni          clock; asynchronous active-low reset
//   start_i                job start: every counter to 0, fetching from layer 0
//   abort_i                stop requesting; take every beat still in flight
//   layers_i               layers in the list
//   ws_addr_i, ws_beats_i  layer l's stream address at [l*32 +: 32] and length at [l*24 +: 24]
//   m_axi_*                AXI4 read address and data channels (ID 0)
//   wm_we_o, wm_waddr_o, wm_wrec_o   ring write of a whole record
//   rec_wr_o               records written since start
//   rec_freed_i            records the controller has freed since start
//   hdr_valid_o, hdr_base_o, hdr_rows_o, hdr_chan_o, hdr_pop_i   the oldest queued set header
//   beat_o                 a beat was taken this cycle (the AXI_BYTES counter)
//   err_stream_o, err_axi_o   a stream or header the host should have rejected (or a corrupt coded stream); a bus error
//   idle_o                 no request presented or in flight
module st_wfetch #(
  parameter integer DATA_BITS = 64,
  parameter integer SIZE = 3,
  parameter integer MAX_BURST = 8,
  parameter integer MAX_OUT = 2,
  parameter integer LAYERS = 4,
  parameter integer LAYER_BITS = 2,
  parameter integer REC_BEATS = 2,
  parameter integer DEPTH = 16,
  parameter integer RING_BITS = 4,
  parameter integer FIFO_DEPTH = 4,
  parameter integer ROWS_LSB = 0,
  parameter integer CHAN_LSB = 16,
  parameter integer RLE = 0,
  parameter integer SLOTS = 8,
  parameter integer SLOT_W = 11,
  parameter integer CTRL_BITS = 3,
  parameter integer ENTRY_BITS = 13,
  parameter integer RUN_LSB = 11,
  parameter integer RUN_BITS = 2,
  parameter integer RLE_ENTRIES = 4,
  parameter integer HDR_CTRL_LSB = 32,
  parameter integer HDR_BEATS = 1
) (
  input  wire                          clk_i,
  input  wire                          rst_ni,
  input  wire                          start_i,
  input  wire                          abort_i,
  input  wire [LAYER_BITS:0]           layers_i,
  input  wire [LAYERS*32-1:0]          ws_addr_i,
  input  wire [LAYERS*24-1:0]          ws_beats_i,
  output wire                          m_axi_arvalid_o,
  input  wire                          m_axi_arready_i,
  output wire [31:0]                   m_axi_araddr_o,
  output wire [7:0]                    m_axi_arlen_o,
  output wire [2:0]                    m_axi_arsize_o,
  output wire [1:0]                    m_axi_arburst_o,
  input  wire                          m_axi_rvalid_i,
  output wire                          m_axi_rready_o,
  input  wire [DATA_BITS-1:0]          m_axi_rdata_i,
  input  wire [1:0]                    m_axi_rresp_i,
  input  wire                          m_axi_rlast_i,
  output wire                          wm_we_o,
  output wire [RING_BITS-1:0]          wm_waddr_o,
  output wire [REC_BEATS*DATA_BITS-1:0] wm_wrec_o,
  output wire [31:0]                   rec_wr_o,
  input  wire [31:0]                   rec_freed_i,
  output wire                          hdr_valid_o,
  output wire [31:0]                   hdr_base_o,
  output wire [15:0]                   hdr_rows_o,
  output wire [15:0]                   hdr_chan_o,
  input  wire                          hdr_pop_i,
  output wire                          beat_o,
  output wire                          err_stream_o,
  output wire                          err_axi_o,
  output wire                          idle_o
);
  // derived constants: do not override
  localparam integer BEAT_BYTES = 1 << SIZE;
  localparam integer BOUNDARY_BEATS = 4096 / BEAT_BYTES;  // beats in a 4 KB page
  localparam integer OUT_BITS = $clog2(MAX_OUT + 1);
  localparam integer FIFO_BITS = $clog2(FIFO_DEPTH);
  localparam integer BEAT_BITS = (REC_BEATS > 1) ? $clog2(REC_BEATS) : 1;
  localparam integer MAX_LEN_I = MAX_BURST - 1;
  localparam [7:0] MAX_LEN = MAX_LEN_I[7:0];
  localparam integer LAST_BEAT_I = REC_BEATS - 1;
  localparam [BEAT_BITS-1:0] LAST_BEAT = LAST_BEAT_I[BEAT_BITS-1:0];
  localparam [31:0] DEPTH_W = DEPTH[31:0];
  localparam [OUT_BITS-1:0] MAX_OUT_W = MAX_OUT[OUT_BITS-1:0];
  localparam [FIFO_BITS:0] FIFO_FULL = FIFO_DEPTH[FIFO_BITS:0];

  // ---- AR side ---------------------------------------------------------------------------------
  reg                  arvalid_q, arvalid_d;
  reg [31:0]           araddr_q, araddr_d;
  reg [7:0]            arlen_q, arlen_d;
  reg [LAYER_BITS:0]   fl_q, fl_d;        // layer of the beats still to request (all ones before the first)
  reg [31:0]           next_q, next_d;    // byte address of the next request
  reg [23:0]           rem_q, rem_d;      // beats of the layer not yet requested
  reg [OUT_BITS-1:0]   out_q, out_d;      // bursts taken and not yet finished
  reg                  err_stream_ar;

  wire hs_ar = arvalid_q && m_axi_arready_i;
  wire hs_r  = m_axi_rvalid_i && m_axi_rready_o;
  wire rlast = hs_r && m_axi_rlast_i;

  // the next burst: min(MAX_BURST, rem, beats to the 4 KB boundary)
  wire [12:0] to_boundary = BOUNDARY_BEATS[12:0] - {1'b0, next_q[11:0] >> SIZE};
  wire [23:0] n_rem  = (rem_q < {16'd0, MAX_LEN} + 24'd1) ? rem_q : {16'd0, MAX_LEN} + 24'd1;
  wire [23:0] n_beats = (n_rem < {11'd0, to_boundary}) ? n_rem : {11'd0, to_boundary};
  wire [LAYER_BITS:0] fl_next = fl_q + 1'b1;
  wire [31:0] nl_addr  = ws_addr_i[fl_next[LAYER_BITS-1:0]*32 +: 32];
  wire [23:0] nl_beats = ws_beats_i[fl_next[LAYER_BITS-1:0]*24 +: 24];

  always @* begin
    arvalid_d = arvalid_q;
    araddr_d  = araddr_q;
    arlen_d   = arlen_q;
    fl_d      = fl_q;
    next_d    = next_q;
    rem_d     = rem_q;
    err_stream_ar = 1'b0;
    out_d     = out_q + { {(OUT_BITS-1){1'b0}}, hs_ar} - { {(OUT_BITS-1){1'b0}}, rlast};
    if (!arvalid_q || hs_ar) begin
      if (rem_q != 24'd0 && !abort_i && (out_q + { {(OUT_BITS-1){1'b0}}, hs_ar}) < MAX_OUT_W) begin
        arvalid_d = 1'b1;
        araddr_d  = next_q;
        arlen_d   = n_beats[7:0] - 8'd1;
        next_d    = next_q + ({8'd0, n_beats} << SIZE);
        rem_d     = rem_q - n_beats;
      end else begin
        arvalid_d = 1'b0;
        if (rem_q == 24'd0 && !abort_i && fl_next < layers_i) begin
          fl_d   = fl_next;
          next_d = nl_addr;
          rem_d  = nl_beats;
          // a stream that is not beat-aligned is never fetched
          if (nl_beats != 24'd0 && nl_addr[SIZE-1:0] != {SIZE{1'b0}}) begin
            rem_d = 24'd0;
            err_stream_ar = 1'b1;
          end
        end
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      arvalid_q <= 1'b0;
      araddr_q  <= 32'd0;
      arlen_q   <= 8'd0;
      fl_q      <= {(LAYER_BITS+1){1'b1}};
      next_q    <= 32'd0;
      rem_q     <= 24'd0;
      out_q     <= {OUT_BITS{1'b0}};
    end else if (start_i) begin
      arvalid_q <= 1'b0;
      fl_q      <= {(LAYER_BITS+1){1'b1}};
      rem_q     <= 24'd0;
      out_q     <= {OUT_BITS{1'b0}};
    end else begin
      arvalid_q <= arvalid_d;
      araddr_q  <= araddr_d;
      arlen_q   <= arlen_d;
      fl_q      <= fl_d;
      next_q    <= next_d;
      rem_q     <= rem_d;
      out_q     <= out_d;
    end
  end

  // ---- R side ----------------------------------------------------------------------------------
  reg [31:0]                     rec_wr_q;
  reg [15:0]                     left_q;      // rows of the current set still to come; 0: a header is next
  reg [FIFO_BITS:0]              cnt_q;
  reg [FIFO_BITS-1:0]            rd_q, wr_q;
  reg [31:0]                     f_base_q [0:FIFO_DEPTH-1];
  reg [15:0]                     f_rows_q [0:FIFO_DEPTH-1];
  reg [15:0]                     f_chan_q [0:FIFO_DEPTH-1];

  assign m_axi_rready_o = abort_i || ((rec_wr_q - rec_freed_i) < DEPTH_W && cnt_q < FIFO_FULL);

  // Per beat, from the decoding below: the beat completes a record (rec_done), a header when
  // is_hdr ({h_rows, h_chan}), else the row `record`; err_dec: a corrupt coded stream.
  wire                           rec_done;
  wire                           is_hdr = left_q == 16'd0;
  wire [15:0]                    h_rows, h_chan;
  wire [REC_BEATS*DATA_BITS-1:0] record;
  wire                           err_dec;
  generate
    if (RLE == 0) begin : g_plain
      // Plain records of REC_BEATS beats: beats 0.. in asm_q, the last from the bus.
      reg [BEAT_BITS-1:0]           beat_q;
      reg [REC_BEATS*DATA_BITS-1:0] asm_q;
      if (REC_BEATS > 1) begin : g_multi
        assign record = {m_axi_rdata_i, asm_q[(REC_BEATS-1)*DATA_BITS-1:0]};
        wire unused_asm_top = ^asm_q[REC_BEATS*DATA_BITS-1:(REC_BEATS-1)*DATA_BITS];
      end else begin : g_single
        assign record = m_axi_rdata_i;
        wire unused_asm = ^asm_q;
      end
      assign rec_done = hs_r && beat_q == LAST_BEAT && !abort_i;
      assign h_rows   = record[ROWS_LSB +: 16];
      assign h_chan   = record[CHAN_LSB +: 16];
      assign err_dec  = 1'b0;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) beat_q <= {BEAT_BITS{1'b0}};
        else if (start_i) beat_q <= {BEAT_BITS{1'b0}};
        else if (hs_r) beat_q <= (beat_q == LAST_BEAT) ? {BEAT_BITS{1'b0}} : beat_q + 1'b1;
      end
      integer i;
      always @(posedge clk_i) begin
        if (hs_r) begin
          for (i = 0; i < REC_BEATS; i = i + 1) if (beat_q == i[BEAT_BITS-1:0]) asm_q[i*DATA_BITS +: DATA_BITS] <= m_axi_rdata_i;
        end
      end
    end else begin : g_rle
      // Run-length coded sets (docs/architecture.md sections 5.2 and 11). A header of hdr_beats beats
      // ({rows, chan} and every row's control word) into hdr_q; then the slot stream: each beat's
      // RLE_ENTRIES entries {run, value} in one cycle, each producing run zeros and its value from
      // slot position pos_q on, into a row-assembly register of two rows (ext). A row is written in
      // the cycle of the beat that completes it, with its control word from the header; entries
      // after the set's last slot are padding and are not read.
      localparam integer POS_BITS = $clog2(3 * SLOTS + 2);
      localparam integer ROW_W = SLOTS * SLOT_W;
      localparam integer HDR_W = HDR_BEATS * DATA_BITS;
      localparam [POS_BITS-1:0] SLOTS_P = SLOTS[POS_BITS-1:0];
      localparam [31:0] HDR_CTRL_LSB_W = HDR_CTRL_LSB;
      localparam [31:0] CTRL_BITS_W = CTRL_BITS;
      localparam [31:0] DATA_BITS_W = DATA_BITS;
      reg [HDR_W-1:0]    hdr_q;     // the current set's header
      reg [15:0]         hb_q;      // header beats taken
      reg [15:0]         ri_q;      // row of the set being assembled
      reg [POS_BITS-1:0] pos_q;     // slots of that row already produced
      reg [ROW_W-1:0]    asm_q;     // those slots; zero from pos_q on
      // the header's rows and chan: beat 0 from the bus, later beats from hdr_q
      assign h_rows = (hb_q == 16'd0) ? m_axi_rdata_i[ROWS_LSB +: 16] : hdr_q[ROWS_LSB +: 16];
      assign h_chan = (hb_q == 16'd0) ? m_axi_rdata_i[CHAN_LSB +: 16] : hdr_q[CHAN_LSB +: 16];
      wire [31:0] hdr_bits  = HDR_CTRL_LSB_W + {16'd0, h_rows} * CTRL_BITS_W;
      wire [31:0] hdr_beats = (hdr_bits + DATA_BITS_W - 32'd1) / DATA_BITS_W;
      wire        hdr_last  = {16'd0, hb_q} + 32'd1 >= hdr_beats;
      wire        last_row  = left_q == 16'd1;
      wire        take      = hs_r && !abort_i;

      // the beat's entries, entry e at [e*ENTRY_BITS +: ENTRY_BITS]
      wire [RLE_ENTRIES*ENTRY_BITS-1:0]  ents;
      genvar g;
      for (g = 0; g < RLE_ENTRIES; g = g + 1) begin : g_ent
        assign ents[g*ENTRY_BITS +: ENTRY_BITS] = m_axi_rdata_i[g*ENTRY_BITS +: ENTRY_BITS];
      end
      if (DATA_BITS > RLE_ENTRIES*ENTRY_BITS) begin : g_beat_top
        wire unused_beat_top = ^m_axi_rdata_i[DATA_BITS-1:RLE_ENTRIES*ENTRY_BITS];
      end
      reg [(RLE_ENTRIES+1)*POS_BITS-1:0] at;   // start position of entry e at [e*POS_BITS +: POS_BITS]; the end last
      reg [RLE_ENTRIES*POS_BITS-1:0]     vpos; // where entry e's value goes
      reg [RLE_ENTRIES-1:0]              used; // entry e is part of the set
      reg [2*ROW_W-1:0]                  ext;  // this row and the next, after this beat
      reg                                overrun;
      reg [POS_BITS-1:0]                 run_e;
      integer e, s;
      always @* begin
        at = {((RLE_ENTRIES+1)*POS_BITS){1'b0}};
        at[0 +: POS_BITS] = pos_q;
        vpos = {(RLE_ENTRIES*POS_BITS){1'b0}};
        used = {RLE_ENTRIES{1'b0}};
        overrun = 1'b0;
        for (e = 0; e < RLE_ENTRIES; e = e + 1) begin
          run_e = { {(POS_BITS-RUN_BITS){1'b0}}, ents[e*ENTRY_BITS + RUN_LSB +: RUN_BITS]};
          used[e] = !last_row || at[e*POS_BITS +: POS_BITS] < SLOTS_P;
          vpos[e*POS_BITS +: POS_BITS] = at[e*POS_BITS +: POS_BITS] + run_e;
          at[(e+1)*POS_BITS +: POS_BITS] = used[e] ? vpos[e*POS_BITS +: POS_BITS] + 1'b1 : at[e*POS_BITS +: POS_BITS];
          if (used[e] && last_row && vpos[e*POS_BITS +: POS_BITS] >= SLOTS_P) overrun = 1'b1;
        end
        ext = { {ROW_W{1'b0}}, asm_q};
        for (s = 0; s < 2 * SLOTS; s = s + 1) begin
          for (e = 0; e < RLE_ENTRIES; e = e + 1) begin
            if (used[e] && vpos[e*POS_BITS +: POS_BITS] == s[POS_BITS-1:0]) ext[s*SLOT_W +: SLOT_W] = ents[e*ENTRY_BITS +: SLOT_W];
          end
        end
      end
      wire [POS_BITS-1:0] end_pos  = at[RLE_ENTRIES*POS_BITS +: POS_BITS];
      wire                row_done = end_pos >= SLOTS_P;
      wire [CTRL_BITS-1:0] ctrl    = hdr_q[HDR_CTRL_LSB + ri_q*CTRL_BITS +: CTRL_BITS];
      assign rec_done = take && (is_hdr ? hdr_last : row_done);
      assign err_dec  = take && !is_hdr && overrun;
      if (REC_BEATS*DATA_BITS > ROW_W + CTRL_BITS) begin : g_pad
        assign record = { {(REC_BEATS*DATA_BITS-ROW_W-CTRL_BITS){1'b0}}, ctrl, ext[0 +: ROW_W]};
      end else begin : g_nopad
        assign record = {ctrl, ext[0 +: ROW_W]};
      end
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          hb_q  <= 16'd0;
          ri_q  <= 16'd0;
          pos_q <= {POS_BITS{1'b0}};
          asm_q <= {ROW_W{1'b0}};
        end else if (start_i) begin
          hb_q  <= 16'd0;
          ri_q  <= 16'd0;
          pos_q <= {POS_BITS{1'b0}};
          asm_q <= {ROW_W{1'b0}};
        end else if (take) begin
          if (is_hdr) begin
            hb_q  <= hdr_last ? 16'd0 : hb_q + 16'd1;
            ri_q  <= 16'd0;
            pos_q <= {POS_BITS{1'b0}};
            asm_q <= {ROW_W{1'b0}};
          end else if (row_done) begin
            ri_q  <= ri_q + 16'd1;
            pos_q <= end_pos - SLOTS_P;
            asm_q <= ext[ROW_W +: ROW_W];
          end else begin
            pos_q <= end_pos;
            asm_q <= ext[0 +: ROW_W];
          end
        end
      end
      integer i;
      always @(posedge clk_i) begin
        if (take && is_hdr) begin
          for (i = 0; i < HDR_BEATS; i = i + 1) if (hb_q == i[15:0]) hdr_q[i*DATA_BITS +: DATA_BITS] <= m_axi_rdata_i;
        end
      end
    end
  endgenerate
  wire        push     = rec_done && is_hdr;
  wire        pop      = hdr_pop_i && cnt_q != {(FIFO_BITS+1){1'b0}};
  wire        err_hdr  = push && (h_rows == 16'd0 || {16'd0, h_rows} + 32'd1 > DEPTH_W);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rec_wr_q <= 32'd0;
      left_q   <= 16'd0;
      cnt_q    <= {(FIFO_BITS+1){1'b0}};
      rd_q     <= {FIFO_BITS{1'b0}};
      wr_q     <= {FIFO_BITS{1'b0}};
    end else if (start_i) begin
      rec_wr_q <= 32'd0;
      left_q   <= 16'd0;
      cnt_q    <= {(FIFO_BITS+1){1'b0}};
      rd_q     <= {FIFO_BITS{1'b0}};
      wr_q     <= {FIFO_BITS{1'b0}};
    end else begin
      if (rec_done) begin
        rec_wr_q <= rec_wr_q + 32'd1;
        left_q   <= is_hdr ? h_rows : left_q - 16'd1;
      end
      if (push) wr_q <= wr_q + 1'b1;
      if (pop) rd_q <= rd_q + 1'b1;
      cnt_q <= cnt_q + { {FIFO_BITS{1'b0}}, push} - { {FIFO_BITS{1'b0}}, pop};
    end
  end

  always @(posedge clk_i) begin
    if (push) begin
      f_base_q[wr_q] <= rec_wr_q + 32'd1;
      f_rows_q[wr_q] <= h_rows;
      f_chan_q[wr_q] <= h_chan;
    end
  end

  // ---- protocol: RLAST must end each burst on its last beat -------------------------------------
  reg [7:0] lens_q [0:(1<<OUT_BITS)-1];
  reg [OUT_BITS-1:0] lwr_q, lrd_q;
  reg [7:0] rbeat_q;
  wire [7:0] cur_len = lens_q[lrd_q];
  wire rlast_bad = hs_r && (m_axi_rlast_i != (rbeat_q == cur_len));
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lwr_q   <= {OUT_BITS{1'b0}};
      lrd_q   <= {OUT_BITS{1'b0}};
      rbeat_q <= 8'd0;
    end else if (start_i) begin
      lwr_q   <= {OUT_BITS{1'b0}};
      lrd_q   <= {OUT_BITS{1'b0}};
      rbeat_q <= 8'd0;
    end else begin
      if (hs_ar) lwr_q <= (lwr_q == MAX_OUT_W - 1'b1) ? {OUT_BITS{1'b0}} : lwr_q + 1'b1;
      if (rlast) lrd_q <= (lrd_q == MAX_OUT_W - 1'b1) ? {OUT_BITS{1'b0}} : lrd_q + 1'b1;
      if (hs_r) rbeat_q <= m_axi_rlast_i ? 8'd0 : rbeat_q + 8'd1;
    end
  end
  always @(posedge clk_i) if (hs_ar) lens_q[lwr_q] <= arlen_q;

  assign m_axi_arvalid_o = arvalid_q;
  assign m_axi_araddr_o  = araddr_q;
  assign m_axi_arlen_o   = arlen_q;
  assign m_axi_arsize_o  = SIZE[2:0];
  assign m_axi_arburst_o = 2'b01;  // INCR
  assign wm_we_o    = rec_done && !is_hdr;
  assign wm_waddr_o = rec_wr_q[RING_BITS-1:0];
  assign wm_wrec_o  = record;
  assign rec_wr_o   = rec_wr_q;
  assign hdr_valid_o = cnt_q != {(FIFO_BITS+1){1'b0}};
  assign hdr_base_o  = f_base_q[rd_q];
  assign hdr_rows_o  = f_rows_q[rd_q];
  assign hdr_chan_o  = f_chan_q[rd_q];
  assign beat_o      = hs_r;
  assign err_stream_o = err_stream_ar || err_hdr || err_dec;
  assign err_axi_o    = (hs_r && m_axi_rresp_i != 2'b00) || rlast_bad;
  assign idle_o       = !arvalid_q && out_q == {OUT_BITS{1'b0}};

`ifndef SYNTHESIS
  // Contract checks: the ring never overwrites a record in use; ARVALID holds its request until taken.
  reg [31:0] chk_araddr_q;
  reg        chk_pending_q;
  always @(posedge clk_i) begin
    if (wm_we_o && (rec_wr_q - rec_freed_i) >= DEPTH_W)
      $error("st_assert: ring-overflow: record %0d written while %0d records are in use", rec_wr_q, rec_wr_q - rec_freed_i);
    if (chk_pending_q && (!arvalid_q || araddr_q != chk_araddr_q))
      $error("st_assert: axi-ar-stable: ARVALID or ARADDR changed before ARREADY");
    chk_pending_q <= arvalid_q && !m_axi_arready_i && !start_i;
    chk_araddr_q  <= araddr_q;
  end
`endif
endmodule
