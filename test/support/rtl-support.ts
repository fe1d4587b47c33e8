/**
 * Support for the RTL tests: run the tools on a generated directory, and a small directed job for
 * st_top that shares no code with the golden model's lowering, scheduling or packing: a random
 * convolution, lowered and scheduled greedily here (docs/architecture.md sections 3 and 4), its
 * weight stream, feature map and descriptor written from sections 5 and 9 directly, and its outputs
 * from the naive reference (test/support/reference.ts). An Icarus testbench written here drives the
 * section 9 ports: AXI4-Lite writes, a simple AXI4 memory per tile, the feature-map preload, and the
 * read-out. The full co-simulation against the golden model lives in cosim/.
 */
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { GLOBAL_REGS, LAYER_REGS, LAYER_TILE_REGS, layerRegAddr, layerTileRegAddr, packReg, regNamed, tileCounterAddr } from '../../contract/registers.ts';
import type { MemoryModel } from '../../contract/bus.ts';
import type { LayerDescriptor } from '../../contract/descriptors.ts';
import { mulberry32 } from '../../model/random.ts';
import { simulateTiming, type TimedLayer, type TimedSet } from '../../model/timing.ts';
import { plainRecordEnds } from '../../contract/stream.ts';
import type { LayerData } from '../../model/types.ts';
import { referenceConv, referenceStage } from './reference.ts';

export async function lint(dir: string, files: string[]): Promise<string> {
  const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', 'st_top', ...files], { cwd: dir, reject: false, all: true });
  return `${r.all ?? ''}`.trim() + (r.exitCode === 0 ? '' : `\n(exit ${r.exitCode})`);
}

export async function icarusCompile(dir: string, files: string[], extra: string[] = []): Promise<string> {
  const r = await execa('iverilog', ['-g2012', '-o', join(dir, 'a.vvp'), ...extra, ...files.map((f) => join(dir, f))], { reject: false, all: true });
  return `${r.all ?? ''}`.trim() + (r.exitCode === 0 ? '' : `\n(exit ${r.exitCode})`);
}

/** The project's seeded PRNG (model/random.ts), so the directed jobs are reproducible. */
export const rng = (seed: number): (() => number) => mulberry32(seed).next;

interface Row {
  step: number;
  w: number[][]; // [K][N]
  sel: number[][];
}

/** Greedy schedule of one set, weights [K][S][N] (docs/architecture.md section 4). */
export function greedySchedule(cfg: ResolvedConfig, weights: number[][][]): Row[] {
  const K = cfg.filtersPerTile;
  const N = cfg.lanes;
  const S = weights[0].length;
  const h = cfg.lookahead;
  const w = weights.map((f) => f.map((r) => [...r]));
  const rows: Row[] = [];
  let skipped = 0;
  for (let t = 0; t < S; t++) {
    const empty = w.every((f) => f[t].every((x) => x === 0));
    if (skipped < h && empty) {
      skipped++;
      continue;
    }
    skipped = 0;
    const sel = Array.from({ length: K }, () => new Array<number>(N).fill(0));
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < N; l++) {
        if (w[k][t][l] !== 0) continue;
        for (let c = 1; c < cfg.offsets.length; c++) {
          const [a, d] = cfg.offsets[c];
          const src = (((l + d) % N) + N) % N;
          if (t + a < S && w[k][t + a][src] !== 0) {
            w[k][t][l] = w[k][t + a][src];
            w[k][t + a][src] = 0;
            sel[k][l] = c;
            break;
          }
        }
      }
    }
    rows.push({ step: t, w: w.map((f) => [...f[t]]), sel });
  }
  while (rows.length > 0 && rows[rows.length - 1].w.every((r) => r.every((x) => x === 0))) rows.pop();
  if (rows.length === 0) rows.push({ step: 0, w: Array.from({ length: K }, () => new Array<number>(N).fill(0)), sel: Array.from({ length: K }, () => new Array<number>(N).fill(0)) });
  return rows;
}

const mask = (bits: number) => (1n << BigInt(bits)) - 1n;
const field = (v: number, bits: number) => BigInt(v) & mask(bits);
const hexOf = (v: bigint, bits: number) => v.toString(16).padStart(Math.ceil(bits / 4), '0');

export interface DirectedJob {
  filters: number;
  channels: number;
  kernel: [number, number];
  input: [number, number];
  stride?: [number, number];
  pad?: number;
  density: number;
}

export interface JobResult {
  /** Expected output words by feature-map address (both halves). */
  expected: Map<number, bigint>;
  layer: LayerData;
  /** Set rows (steps) in stream order per tile, for the cycle model. */
  setsPerTile: TimedSet[][];
  /** CYCLES as the golden model's cycle simulation (model/timing.ts) predicts it for this job. */
  expectedCycles: number;
  /** Tile 0's ISSUE counter: its rows times its windows (counted here, not by the model). */
  issue0: number;
}

/**
 * Writes the preload files, the external memory and a testbench for a random convolution; returns
 * the output words st_top must leave. Sets are spread round-robin over the tiles, every tile over all
 * windows; the input is in half 0 from word 0, the output in half 1 from word 0.
 */
export interface DirectedOptions {
  writeWhileBusy?: boolean;
  /** The value written to the LAYERS register (default 1, the one descriptor written). */
  layers?: number;
  /** The testbench's external memory (default DIRECTED_MEMORY). */
  memory?: MemoryModel;
}

export const DIRECTED_MEMORY: MemoryModel = { latency: 3, period: 1 };

export function writeDirectedJob(cfg: ResolvedConfig, dir: string, job: DirectedJob, seed: number, opts: DirectedOptions = {}): JobResult {
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const { lanes: N, filtersPerTile: K, tiles: T, lookahead: h } = cfg;
  const H1 = h + 1;
  const F = job.filters;
  const C = job.channels;
  const [R, Q] = job.kernel;
  const [H, W] = job.input;
  const [sh, sw] = job.stride ?? [1, 1];
  const pad = job.pad ?? 0;
  const Gc = Math.ceil(C / N);
  const S = R * Q * Gc;
  const Ho = Math.floor((H + 2 * pad - R) / sh) + 1;
  const Wo = Math.floor((W + 2 * pad - Q) / sw) + 1;
  const randVal = (bits: number) => Math.floor(rand() * (1 << bits)) - (1 << (bits - 1));
  const weights = Int32Array.from({ length: F * C * R * Q }, () => (rand() < job.density ? randVal(cfg.weightBits) : 0));
  const acts = Int32Array.from({ length: C * H * W }, () => randVal(cfg.activationBits));
  const layer: LayerData = {
    spec: { name: 'directed', kind: 'conv', filters: F, channels: C, kernelH: R, kernelW: Q, inH: H, inW: W, strideH: sh, strideW: sw, padTop: pad, padBottom: pad, padLeft: pad, padRight: pad, dilationH: 1, dilationW: 1, groups: 1 },
    weights, acts,
  };
  // ---- feature map: brick words of half 0, bank a mod B at row a / B --------------------------
  const B = cfg.featureMapBanks;
  const rows = cfg.featureMapBankDepth;
  const banks = Array.from({ length: B }, () => new Array<bigint>(rows).fill(0n));
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let g = 0; g < Gc; g++) {
    let word = 0n;
    for (let l = 0; l < N && g * N + l < C; l++) word |= field(acts[((g * N + l) * H + y) * W + x], cfg.activationBits) << BigInt(l * cfg.activationBits);
    const a = (y * W + x) * Gc + g;
    banks[a % B][Math.floor(a / B)] = word;
  }
  banks.forEach((words, b) => writeFileSync(join(dir, `fm_b${b}.hex`), `${words.map((w) => hexOf(w, cfg.activationBankWidth)).join('\n')}\n`));
  // ---- weights: lowered [F][S][N], sets of K, greedy rows, records of the stream ----------------
  const lowered = (f: number) => Array.from({ length: S }, (_, t) => Array.from({ length: N }, (_, l) => {
    const g = t % Gc;
    const pos = (t - g) / Gc;
    const c = g * N + l;
    return f < F && c < C ? weights[((f * C + c) * R + Math.floor(pos / Q)) * Q + (pos % Q)] : 0;
  }));
  const nSets = Math.ceil(F / K);
  const dataBits = cfg.axi.dataBits;
  const recBits = cfg.recordBeats * dataBits;
  const beats: bigint[] = [];
  const pushRecord = (r: bigint) => {
    for (let i = 0; i < cfg.recordBeats; i++) beats.push((r >> BigInt(i * dataBits)) & mask(dataBits));
  };
  const streams: { addr: number; beats: number; sets: number }[] = [];
  const setsPerTile: TimedSet[][] = Array.from({ length: T }, () => []);
  for (let t = 0; t < T; t++) {
    const start = beats.length;
    let count = 0;
    for (let s = t; s < nSets; s += T) {
      const sched = greedySchedule(cfg, Array.from({ length: K }, (_, k) => lowered(s * K + k)));
      let prev = -1;
      const slots: bigint[] = [];
      const ctrls = sched.map((row, i) => {
        for (let k = 0; k < K; k++) for (let l = 0; l < N; l++) slots.push((field(row.sel[k][l], cfg.selectBits) << BigInt(cfg.weightBits)) | field(row.w[k][l], cfg.weightBits));
        const ctrl = (BigInt(i === sched.length - 1 ? 1 : 0) << BigInt(cfg.deltaBits)) | BigInt(row.step - prev);
        prev = row.step;
        return ctrl;
      });
      let recordEnds: number[];
      if (cfg.weightStream.coding === 'none') {
        pushRecord(BigInt(sched.length) | (BigInt(s * K) << 16n));
        ctrls.forEach((ctrl, i) => {
          let rec = ctrl << BigInt(K * N * cfg.slotBits);
          for (let j = 0; j < K * N; j++) rec |= slots[i * K * N + j] << BigInt(j * cfg.slotBits);
          if (rec >> BigInt(recBits)) throw new Error('internal: record wider than its beats');
          pushRecord(rec);
        });
        recordEnds = plainRecordEnds(cfg.recordBeats, sched.length);
      } else {
        recordEnds = pushCoded(cfg, beats, BigInt(sched.length) | (BigInt(s * K) << 16n), ctrls, slots);
      }
      setsPerTile[t].push({ steps: sched.map((r) => r.step), chanBase: s * K, recordEnds });
      count++;
    }
    streams.push({ addr: start * (dataBits / 8), beats: beats.length - start, sets: count });
  }
  writeFileSync(join(dir, 'ext.hex'), `${(beats.length ? beats : [0n]).map((b) => hexOf(b, dataBits)).join('\n')}\n`);
  // ---- expected outputs: the reference's output stage, brick layout of half 1 --------------------
  const ref = referenceConv(layer, cfg.accumulatorBits);
  const outCg = Math.ceil(F / N);
  const half = cfg.featureMapHalfWords;
  const expected = new Map<number, bigint>();
  for (let w = 0; w < Ho * Wo; w++) for (let g = 0; g < outCg; g++) {
    let word = 0n;
    for (let l = 0; l < N && g * N + l < F; l++) word |= field(Number(referenceStage(ref.out[(g * N + l) * Ho * Wo + w], cfg.output)), cfg.activationBits) << BigInt(l * cfg.activationBits);
    expected.set(half + w * outCg + g, word);
  }
  // ---- descriptor writes --------------------------------------------------------------------------
  const r = (name: string, v: Record<string, number>) => ({ addr: layerRegAddr(0, name), value: packReg(regNamed(LAYER_REGS, name), v) });
  const writes = [
    { addr: regNamed(GLOBAL_REGS, 'LAYERS').offset, value: opts.layers ?? 1 },
    r('CONTROL', { IN_HALF: 0, RELU: cfg.output.relu ? 1 : 0, SATURATE: cfg.output.saturate ? 1 : 0, SHIFT: cfg.output.shift }),
    r('IN_BASE', { WORD: 0 }), r('IN_SIZE', { H, W }), r('IN_CGROUPS', { GROUPS: Gc }), r('KERNEL', { H: R, W: Q }), r('STRIDE', { H: sh, W: sw }),
    r('DILATION', { H: 1, W: 1 }), r('PAD', { TOP: pad, LEFT: pad, BOTTOM: pad, RIGHT: pad }), r('OUT_BASE', { WORD: 0 }), r('OUT_SIZE', { H: Ho, W: Wo }),
    r('OUT_CHANNELS', { COUNT: F }), r('OUT_CGROUPS', { GROUPS: outCg }), r('WIN_STRIDE', { LINES: Math.ceil((S + h) / H1) }),
    ...streams.flatMap((st, t) => [
      { addr: layerTileRegAddr(0, t, 'SETS'), value: packReg(regNamed(LAYER_TILE_REGS, 'SETS'), { COUNT: st.sets }) },
      { addr: layerTileRegAddr(0, t, 'WIN_BASE'), value: 0 },
      { addr: layerTileRegAddr(0, t, 'WIN_COUNT'), value: st.sets > 0 ? Ho * Wo : 0 },
      { addr: layerTileRegAddr(0, t, 'WIN_START'), value: 0 },
      { addr: layerTileRegAddr(0, t, 'WSTREAM_ADDR'), value: st.addr },
      { addr: layerTileRegAddr(0, t, 'WSTREAM_BEATS'), value: st.beats },
    ]),
  ];
  writeFileSync(join(dir, 'tb.v'), directedTestbench(cfg, dir, writes, [...expected.keys()], beats.length, opts));
  // ---- the cycles the golden model's timing simulation predicts for this very stream and geometry ----
  const desc: LayerDescriptor = {
    name: 'directed', inHalf: 0, inBase: 0, inH: H, inW: W, inCgroups: Gc, kernelH: R, kernelW: Q, strideH: sh, strideW: sw, dilationH: 1, dilationW: 1,
    padTop: pad, padLeft: pad, padBottom: pad, padRight: pad, outBase: 0, outH: Ho, outW: Wo, outChannels: F, outCgroups: outCg,
    relu: cfg.output.relu, saturate: cfg.output.saturate, shift: cfg.output.shift,
    tiles: streams.map((st) => ({ sets: st.sets, winBase: 0, winCount: st.sets > 0 ? Ho * Wo : 0, streamAddr: st.addr, streamBeats: st.beats })),
  };
  const timed: TimedLayer = { desc, tiles: desc.tiles.map((t, i) => ({ ...t, sets: setsPerTile[i] })) };
  const timing = simulateTiming(cfg, [timed], opts.memory ?? DIRECTED_MEMORY);
  return { expected, layer, setsPerTile, expectedCycles: timing.cycles, issue0: setsPerTile[0].reduce((a, x) => a + x.steps.length, 0) * Ho * Wo };
}

/**
 * A run-length coded set as docs/architecture.md sections 5.2 and 11 word it, written here without
 * contract/rle.ts: the header beats with every control word, then the slots coded with the escape
 * rule, P entries a beat. Returns each record's completing beat, relative to the set's first.
 */
function pushCoded(cfg: ResolvedConfig, beats: bigint[], rowsChan: bigint, ctrls: readonly bigint[], slots: readonly bigint[]): number[] {
  if (cfg.weightStream.coding !== 'rle') throw new Error('internal: not a coded configuration');
  const W = cfg.axi.dataBits;
  const R = cfg.weightStream.format.runBits;
  const V = cfg.slotBits;
  const P = Math.floor(W / (R + V));
  const M = 2 ** R - 1;
  const KN = cfg.filtersPerTile * cfg.lanes;
  let header = rowsChan;
  ctrls.forEach((c, i) => (header |= c << BigInt(32 + i * cfg.controlBits)));
  const hb = Math.ceil((32 + ctrls.length * cfg.controlBits) / W);
  const first = beats.length;
  for (let i = 0; i < hb; i++) beats.push((header >> BigInt(i * W)) & mask(W));
  const entries: { run: number; value: bigint; end: number }[] = [];
  let run = 0;
  slots.forEach((v, i) => {
    if (v !== 0n) {
      entries.push({ run, value: v, end: i + 1 });
      run = 0;
    } else if (run === M) {
      entries.push({ run: M, value: 0n, end: i + 1 });
      run = 0;
    } else run++;
  });
  if (run > 0) entries.push({ run: run - 1, value: 0n, end: slots.length });
  const ends = [hb - 1];
  for (let i = 0; i < entries.length; i += P) {
    let word = 0n;
    entries.slice(i, i + P).forEach((e, j) => {
      word |= ((BigInt(e.run) << BigInt(V)) | e.value) << BigInt(j * (R + V));
      while (ends.length <= Math.floor(e.end / KN)) ends.push(beats.length - first); // the entry completes a row
    });
    beats.push(word);
  }
  return ends;
}

function directedTestbench(cfg: ResolvedConfig, dir: string, writes: { addr: number; value: number }[], reads: number[], extBeats: number, opts: DirectedOptions): string {
  const hw = hostWidths(cfg);
  const mem = opts.memory ?? DIRECTED_MEMORY;
  const T = cfg.tiles;
  const D = cfg.axi.dataBits;
  const size = cfg.axi.size;
  const ports = Array.from({ length: T }, (_, t) => `
    .m_axi${t}_arvalid_o(arvalid[${t}]), .m_axi${t}_arready_i(1'b1), .m_axi${t}_araddr_o(araddr[${t}*32 +: 32]), .m_axi${t}_arlen_o(arlen[${t}*8 +: 8]),
    .m_axi${t}_arsize_o(), .m_axi${t}_arburst_o(), .m_axi${t}_arid_o(), .m_axi${t}_rvalid_i(rvalid[${t}]), .m_axi${t}_rready_o(rready[${t}]),
    .m_axi${t}_rdata_i(rdata[${t}*${D} +: ${D}]), .m_axi${t}_rresp_i(2'b00), .m_axi${t}_rlast_i(rlast[${t}]), .m_axi${t}_rid_i(4'd0),`).join('');
  return `\`timescale 1ns/1ps
module tb;
  reg clk_i = 0, rst_ni = 0;
  reg awvalid = 0, wvalid = 0, bready = 1, arvalid_l = 0, rready_l = 1;
  reg [${hw.regAddrBits - 1}:0] awaddr = 0, araddr_l = 0;
  reg [31:0] wdata = 0;
  wire awready, wready, bvalid, arready_l, rvalid_l, busy_o, done_o;
  wire [1:0] bresp, rresp_l;
  wire [31:0] rdata_l;
  reg fm_we_i = 0;
  reg [${hw.fmAddrBits - 1}:0] fm_addr_i = 0, fm_raddr_i = 0;
  reg [${hw.fmDataBits - 1}:0] fm_wdata_i = 0;
  wire [${hw.fmDataBits - 1}:0] fm_rdata_o;
  wire [${T - 1}:0] arvalid, rready;
  wire [${T * 32 - 1}:0] araddr;
  wire [${T * 8 - 1}:0] arlen;
  reg [${T - 1}:0] rvalid = 0, rlast = 0;
  reg [${T * D - 1}:0] rdata = 0;
  reg [${D - 1}:0] ext [0:${Math.max(1, extBeats) - 1}];
  integer busy_seen = 0;
  st_top #(.FM_INIT("${join(dir, 'fm')}")) dut (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .s_axil_awvalid_i(awvalid), .s_axil_awready_o(awready), .s_axil_awaddr_i(awaddr), .s_axil_awprot_i(3'b000),
    .s_axil_wvalid_i(wvalid), .s_axil_wready_o(wready), .s_axil_wdata_i(wdata), .s_axil_wstrb_i(4'hF),
    .s_axil_bvalid_o(bvalid), .s_axil_bready_i(bready), .s_axil_bresp_o(bresp),
    .s_axil_arvalid_i(arvalid_l), .s_axil_arready_o(arready_l), .s_axil_araddr_i(araddr_l), .s_axil_arprot_i(3'b000),
    .s_axil_rvalid_o(rvalid_l), .s_axil_rready_i(rready_l), .s_axil_rdata_o(rdata_l), .s_axil_rresp_o(rresp_l),${ports}
    .fm_we_i(fm_we_i), .fm_addr_i(fm_addr_i), .fm_wdata_i(fm_wdata_i), .fm_raddr_i(fm_raddr_i), .fm_rdata_o(fm_rdata_o),
    .busy_o(busy_o), .done_o(done_o));
  always #5 clk_i = ~clk_i;
  always @(posedge clk_i) if (busy_o) busy_seen = busy_seen + 1;
  // The external memory of contract/bus.ts, written here from its definition: ARREADY always high; a
  // burst taken in cycle a presents its first beat no earlier than a + LATENCY; after a beat is taken
  // in cycle c the next one is presented no earlier than c + PERIOD; bursts in order.
  integer now = 0;
  always @(posedge clk_i) now <= now + 1;
  genvar g;
  generate for (g = 0; g < ${T}; g = g + 1) begin : mem
    integer qa [0:15], ql [0:15], qt [0:15];
    integer qn = 0, left = 0, beat = 0, earliest = 0, free_at = 0, k;
    always @(posedge clk_i) begin
      if (arvalid[g]) begin qa[qn] = araddr[g*32 +: 32] >> ${size}; ql[qn] = arlen[g*8 +: 8] + 1; qt[qn] = now; qn = qn + 1; end
      if (rvalid[g] && rready[g]) begin left = left - 1; beat = beat + 1; free_at = now + ${mem.period}; end
      if (left == 0 && qn > 0) begin
        beat = qa[0]; left = ql[0];
        earliest = (qt[0] + ${mem.latency} > free_at) ? qt[0] + ${mem.latency} : free_at;
        for (k = 0; k < 15; k = k + 1) begin qa[k] = qa[k+1]; ql[k] = ql[k+1]; qt[k] = qt[k+1]; end
        qn = qn - 1;
      end
      rvalid[g] <= left > 0 && now + 1 >= earliest;
      rlast[g] <= left == 1;
      rdata[g*${D} +: ${D}] <= ext[beat];
    end
  end endgenerate
  task reg_write(input [31:0] a, input [31:0] d);
    begin
      @(negedge clk_i); awvalid = 1; wvalid = 1; awaddr = a; wdata = d;
      @(posedge clk_i); while (!(awready && wready)) @(posedge clk_i);
      #1 awvalid = 0; wvalid = 0;
      @(posedge clk_i); while (!bvalid) @(posedge clk_i);
    end
  endtask
  task reg_read(input [31:0] a, output [31:0] d);
    begin
      @(negedge clk_i); arvalid_l = 1; araddr_l = a;
      @(posedge clk_i); while (!arready_l) @(posedge clk_i);
      #1 arvalid_l = 0;
      @(posedge clk_i); while (!rvalid_l) @(posedge clk_i);
      d = rdata_l;
    end
  endtask
  reg [31:0] v;
  initial begin
    $readmemh("${join(dir, 'ext.hex')}", ext);
    #12 rst_ni = 1;
${writes.map((w) => `    reg_write(${w.addr}, ${w.value >>> 0});`).join('\n')}
    reg_write(0, 1);
${opts.writeWhileBusy ? '    @(negedge clk_i); fm_we_i = 1; @(negedge clk_i); fm_we_i = 0;\n' : ''}    wait (done_o);
    reg_read(${regNamed(GLOBAL_REGS, 'CYCLES').offset}, v); $display("CYCLES %0d", v);
    reg_read(${regNamed(GLOBAL_REGS, 'STATUS').offset}, v); $display("STATUS %0d", v);
    reg_read(${regNamed(GLOBAL_REGS, 'ERROR').offset}, v); $display("ERROR %0d", v);
    reg_read(${regNamed(GLOBAL_REGS, 'LAYERS').offset}, v); $display("LAYERS %0d", v);
    reg_read(${tileCounterAddr(0, 'ISSUE')}, v); $display("ISSUE0 %0d", v);
    $display("BUSY %0d", busy_seen);
${reads.map((a) => `    @(negedge clk_i); fm_raddr_i = ${a}; @(negedge clk_i); $display("OUT ${a} %h", fm_rdata_o);`).join('\n')}
    $finish;
  end
  initial begin #20000000 $display("TIMEOUT"); $finish; end
endmodule
`;
}

export interface SimOutput {
  cycles: number;
  busy: number;
  status: number;
  error: number;
  /** LAYERS read back after the job. */
  layers: number;
  issue0: number;
  outputs: Map<number, bigint>;
  /** Messages of the RTL's contract checks that fired (`st_assert: ...`). */
  asserts: string[];
  log: string;
}

export async function runIcarus(rtlDir: string, rtlFiles: string[], jobDir: string): Promise<SimOutput> {
  const vvp = join(jobDir, 'tb.vvp');
  const c = await execa('iverilog', ['-g2012', '-s', 'tb', '-o', vvp, join(jobDir, 'tb.v'), ...rtlFiles.map((f) => join(rtlDir, f))], { reject: false, all: true });
  if (c.exitCode !== 0) throw new Error(`iverilog failed:\n${c.all}`);
  const r = await execa('vvp', ['-n', vvp], { reject: false, all: true });
  const log = `${r.all ?? ''}`;
  const num = (key: string) => Number(/^(\w+) (-?\d+)$/m.exec(log.split('\n').find((l) => l.startsWith(`${key} `)) ?? '')?.[2] ?? NaN);
  const outputs = new Map<number, bigint>();
  for (const l of log.split('\n')) {
    const m = /^OUT (\d+) ([0-9a-fA-FxXzZ]+)$/.exec(l);
    if (m) outputs.set(Number(m[1]), /^[0-9a-f]+$/i.test(m[2]) ? BigInt(`0x${m[2]}`) : -1n);
  }
  return { cycles: num('CYCLES'), busy: num('BUSY'), status: num('STATUS'), error: num('ERROR'), layers: num('LAYERS'), issue0: num('ISSUE0'), outputs, asserts: log.split('\n').filter((l) => l.includes('st_assert: ')), log };
}
