/**
 * Support for the RTL tests: run the tools on a generated directory, and a small directed job for
 * st_top (a greedy schedule per docs/architecture.md section 4, the memory images of section 5 and
 * a reference of section 7), driven through the section 9 ports by an Icarus testbench. The full
 * co-simulation against the golden model lives in cosim/; this only checks the generated top level.
 */
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../contract/config.ts';
import { hostWidths } from '../../contract/host.ts';
import { mulberry32 } from '../../model/random.ts';
import { referenceStage } from './reference.ts';

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

export interface DirectedJob {
  filters: number;
  steps: number;
  windows: number;
  density: number;
}

export interface JobResult {
  expectedCycles: number;
  expected: bigint[]; // per output read, in the order the testbench reads them
  reads: { tile: number; addr: number; pe: number }[];
}

/**
 * Writes memory images and a testbench for a random job; returns what st_top must produce.
 * Reads every output of every filter; cycles per docs/architecture.md section 8.
 */
export function writeDirectedJob(cfg: ResolvedConfig, dir: string, job: DirectedJob, seed: number, hostWrite = false, opts: { writeWhileBusy?: boolean } = {}): JobResult {
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const { lanes: N, filtersPerTile: K, tiles: T, lookahead: h } = cfg;
  const H1 = h + 1;
  const S = job.steps;
  const Wn = job.windows;
  const Qw = Math.ceil((S + h) / H1);
  const randVal = (bits: number) => Math.floor(rand() * (1 << bits)) - (1 << (bits - 1));
  const F = job.filters;
  const weights = Array.from({ length: F }, () => Array.from({ length: S }, () => Array.from({ length: N }, () => (rand() < job.density ? randVal(cfg.weightBits) : 0))));
  const acts = Array.from({ length: Wn }, () => Array.from({ length: S }, () => Array.from({ length: N }, () => randVal(cfg.activationBits))));
  const sets = Math.ceil(F / K);
  const localSets = Array.from({ length: T }, (_, t) => Math.floor((sets - t + T - 1) / T));
  // weight images per tile and bank
  const wm: bigint[][][] = Array.from({ length: T }, () => Array.from({ length: cfg.weightDataBanks + 1 }, () => []));
  const issue = new Array<number>(T).fill(0);
  const expected: bigint[] = [];
  const reads: { tile: number; addr: number; pe: number }[] = [];
  for (let s = 0; s < sets; s++) {
    const tile = s % T;
    const local = Math.floor(s / T);
    const setW = Array.from({ length: K }, (_, k) => weights[s * K + k] ?? Array.from({ length: S }, () => new Array<number>(N).fill(0)));
    const rows = greedySchedule(cfg, setW);
    issue[tile] += Wn * rows.length;
    let prev = -1;
    rows.forEach((row, i) => {
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < N; l++) {
          const slot = (field(row.sel[k][l], cfg.selectBits) << BigInt(cfg.weightBits)) | field(row.w[k][l], cfg.weightBits);
          const bank = cfg.weightBanking === 'per-pe' ? k : k * N + l;
          const shift = cfg.weightBanking === 'per-pe' ? BigInt(l * cfg.slotBits) : 0n;
          const words = wm[tile][bank];
          const addr = words.length - (cfg.weightBanking === 'per-pe' && l > 0 ? 1 : 0);
          if (addr === words.length) words.push(0n);
          words[addr] |= slot << shift;
        }
      }
      const delta = row.step - prev;
      prev = row.step;
      const last = i === rows.length - 1 ? 1n : 0n;
      wm[tile][cfg.weightDataBanks].push((last << BigInt(cfg.deltaBits)) | BigInt(delta));
    });
    for (let w = 0; w < Wn; w++) {
      for (let k = 0; k < K; k++) {
        if (s * K + k >= F) continue;
        let acc = 0n;
        for (let t = 0; t < S; t++) for (let l = 0; l < N; l++) acc += BigInt(weights[s * K + k][t][l]) * BigInt(acts[w][t][l]);
        // the output stage is the golden model's naive reference (model/reference.ts); the schedule,
        // packing and accumulation above are this file's own
        expected.push(referenceStage(BigInt.asIntN(cfg.accumulatorBits, acc), cfg.output));
        reads.push({ tile, addr: local * Wn + w, pe: k });
      }
    }
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b <= cfg.weightDataBanks; b++) {
      const words = wm[t][b];
      writeFileSync(join(dir, `wm_t${t}_b${b}.hex`), words.length ? `${words.map((x) => x.toString(16)).join('\n')}\n` : '0\n');
    }
  }
  const amWords: string[][] = [];
  for (let b = 0; b < H1; b++) {
    const words: string[] = [];
    amWords.push(words);
    for (let w = 0; w < Wn; w++) {
      for (let q = 0; q < Qw; q++) {
        const t = q * H1 + b;
        let word = 0n;
        if (t < S) for (let l = 0; l < N; l++) word |= field(acts[w][t][l], cfg.activationBits) << BigInt(l * cfg.activationBits);
        words.push(word.toString(16));
      }
    }
    writeFileSync(join(dir, `am_b${b}.hex`), `${words.join('\n')}\n`);
  }
  const hw = hostWidths(cfg);
  const hostWrites: string[] = [];
  if (hostWrite) {
    for (let t = 0; t < T; t++) {
      for (let b = 0; b <= cfg.weightDataBanks; b++) {
        wm[t][b].forEach((word, a) => {
          hostWrites.push(`    @(negedge clk_i); wm_we_i = 1; wm_tile_i = ${t}; wm_bank_i = ${b}; wm_addr_i = ${a}; wm_wdata_i = ${hw.wmWdataBits}'h${word.toString(16)};`);
        });
      }
    }
    hostWrites.push('    @(negedge clk_i); wm_we_i = 0;');
    amWords.forEach((words, b) =>
      words.forEach((word, a) => hostWrites.push(`    @(negedge clk_i); am_we_i = 1; am_bank_i = ${b}; am_addr_i = ${a}; am_wdata_i = ${cfg.activationBankWidth}'h${word};`)),
    );
    hostWrites.push('    @(negedge clk_i); am_we_i = 0;');
  }
  const csrWrites = [
    [0x01, Wn],
    [0x02, Qw],
    ...localSets.map((n, t) => [0x10 + t, n]),
  ];
  const tb = `\`timescale 1ns/1ps
module tb;
  reg clk_i = 0, rst_ni = 0, start_i = 0, csr_we_i = 0;
  reg [7:0] csr_addr_i = 0;
  reg [31:0] csr_wdata_i = 0;
  wire [31:0] csr_rdata_o;
  wire busy_o, done_o;
  reg [${hw.tileSelBits - 1}:0] om_tile_i = 0;
  reg [${cfg.outputAddrBits - 1}:0] om_addr_i = 0;
  reg [${hw.peSelBits - 1}:0] om_pe_i = 0;
  wire [${cfg.output.bits - 1}:0] om_rdata_o;
  integer busy_seen = 0;
  reg wm_we_i = 0, am_we_i = 0;
  reg [${hw.tileSelBits - 1}:0] wm_tile_i = 0;
  reg [${hw.wmBankSelBits - 1}:0] wm_bank_i = 0;
  reg [${cfg.weightAddrBits - 1}:0] wm_addr_i = 0;
  reg [${hw.wmWdataBits - 1}:0] wm_wdata_i = 0;
  reg [${hw.amBankSelBits - 1}:0] am_bank_i = 0;
  reg [${cfg.activationAddrBits - 1}:0] am_addr_i = 0;
  reg [${cfg.activationBankWidth - 1}:0] am_wdata_i = 0;
  st_top #(.WM_INIT("${hostWrite ? '' : join(dir, 'wm')}"), .AM_INIT("${hostWrite ? '' : join(dir, 'am')}")) dut (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i), .busy_o(busy_o), .done_o(done_o),
    .csr_we_i(csr_we_i), .csr_addr_i(csr_addr_i), .csr_wdata_i(csr_wdata_i), .csr_rdata_o(csr_rdata_o),
    .wm_we_i(wm_we_i), .wm_tile_i(wm_tile_i), .wm_bank_i(wm_bank_i), .wm_addr_i(wm_addr_i), .wm_wdata_i(wm_wdata_i),
    .am_we_i(am_we_i), .am_bank_i(am_bank_i), .am_addr_i(am_addr_i), .am_wdata_i(am_wdata_i),
    .om_tile_i(om_tile_i), .om_addr_i(om_addr_i), .om_pe_i(om_pe_i), .om_rdata_o(om_rdata_o));
  always #5 clk_i = ~clk_i;
  always @(posedge clk_i) if (busy_o) busy_seen = busy_seen + 1;
  task csr_write(input [7:0] a, input [31:0] d);
    begin @(negedge clk_i); csr_we_i = 1; csr_addr_i = a; csr_wdata_i = d; @(negedge clk_i); csr_we_i = 0; end
  endtask
  task out_read(input integer t, input integer a, input integer k);
    begin @(negedge clk_i); om_tile_i = t; om_addr_i = a; om_pe_i = k; @(negedge clk_i); $display("OUT %0d", $signed(om_rdata_o)); end
  endtask
  initial begin
    #12 rst_ni = 1;
${hostWrites.join('\n')}
${csrWrites.map(([a, d]) => `    csr_write(${a}, ${d});`).join('\n')}
    @(negedge clk_i); start_i = 1; @(negedge clk_i); start_i = 0;
${opts.writeWhileBusy ? '    @(negedge clk_i); am_we_i = 1; @(negedge clk_i); am_we_i = 0;\n' : ''}    wait (done_o);
    @(negedge clk_i); csr_addr_i = 8'h03; #1 $display("CYCLES %0d", csr_rdata_o);
    csr_addr_i = 8'h00; #1 $display("STATUS %0d", csr_rdata_o);
    $display("BUSY %0d", busy_seen);
${reads.map((r) => `    out_read(${r.tile}, ${r.addr}, ${r.pe});`).join('\n')}
    $finish;
  end
  initial begin #5000000 $display("TIMEOUT"); $finish; end
endmodule
`;
  writeFileSync(join(dir, 'tb.v'), tb);
  return { expectedCycles: Math.max(...issue) + cfg.pipelineLatency, expected, reads };
}

export interface SimOutput {
  cycles: number;
  busy: number;
  status: number;
  outputs: bigint[];
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
  return {
    cycles: num('CYCLES'),
    busy: num('BUSY'),
    status: num('STATUS'),
    outputs: log.split('\n').filter((l) => l.startsWith('OUT ')).map((l) => BigInt(l.slice(4))),
    asserts: log.split('\n').filter((l) => l.includes('st_assert: ')),
    log,
  };
}
