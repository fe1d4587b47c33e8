/**
 * st_desc_check against the rules of docs/architecture.md 9.5, written out here with exact integers:
 * Icarus evaluates the module of a named configuration on seeded random descriptors aimed at every
 * rule's boundary (region sizes at featureMapHalfWords, S at 65535, WIN_STRIDE at ceil((S + h)/(h+1)),
 * WIN_BASE at HO*OUT_W + WO, WIN_BASE + WIN_COUNT at OUT_H*OUT_W), every error bit compared.
 */
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../contract/config.ts';
import { generateRtl } from '../../generators/rtl.ts';
import { loadConfig } from '../../tools/configs.ts';
import { rng } from '../support/rtl-support.ts';
import { SEED, seedTag } from '../support/seed.ts';

/** The fields in the module's port order, with their widths; then per tile SETS, WIN_BASE, WIN_COUNT, HO, WO. */
const LAYER_FIELDS = [
  ['inBase', 24], ['inH', 16], ['inW', 16], ['inCg', 16], ['kh', 8], ['kw', 8], ['sh', 8], ['sw', 8], ['dh', 8], ['dw', 8],
  ['outBase', 24], ['outH', 16], ['outW', 16], ['outChannels', 16], ['outCg', 16], ['qw', 16],
] as const;
const TILE_FIELDS = [['sets', 16], ['winBase', 24], ['winCount', 24], ['ho', 16], ['wo', 16]] as const;
type Layer = Record<(typeof LAYER_FIELDS)[number][0], number>;
type Tile = Record<(typeof TILE_FIELDS)[number][0], number>;
interface Vector { readonly layer: Layer; readonly tiles: readonly Tile[] }

/** ERROR bits 1..6 as the table of section 9.5 states them. */
function expectedBits(cfg: ResolvedConfig, v: Vector): number {
  const d = v.layer;
  const half = cfg.featureMapHalfWords;
  const h = cfg.activationBanks - 1;
  const S = d.kh * d.kw * d.inCg;
  const zero = [d.inH, d.inW, d.inCg, d.kh, d.kw, d.sh, d.sw, d.dh, d.dw, d.outH, d.outW, d.outCg].includes(0);
  const geometry = zero || S > 65535;
  const inBounds = d.inBase + d.inH * d.inW * d.inCg > half;
  const outBounds = d.outBase + d.outH * d.outW * d.outCg > half;
  const winStride = d.qw === 0 || d.qw * (h + 1) < S + h || (d.qw - 1) * (h + 1) >= S + h;
  const windows = v.tiles.some((t) => t.sets !== 0 && t.winCount !== 0 && (t.winBase + t.winCount > d.outH * d.outW || t.winBase !== t.ho * d.outW + t.wo || t.wo >= d.outW));
  const channels = d.outChannels === 0 || d.outChannels > d.outCg * cfg.lanes;
  return [geometry, inBounds, outBounds, winStride, windows, channels].reduce((bits, b, i) => bits | (b ? 1 << i : 0), 0);
}

/** Seeded descriptors: each field random, small, at a power-of-two edge, or set to meet a rule's boundary. */
function vectors(cfg: ResolvedConfig, seed: number, count: number): Vector[] {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const max = (bits: number) => 2 ** bits - 1;
  const field = (bits: number) => {
    const k = int(8);
    const v = k === 0 ? int(3) : k === 1 ? int(16) : k === 2 ? max(bits) - int(2) : k === 3 ? cfg.featureMapHalfWords + int(3) - 1 : k < 6 ? int(64) : int(2 ** bits);
    return Math.max(0, Math.min(max(bits), v));
  };
  /** A factor c so that base + a*b*c lands at half - 1, half or half + 1 (when a*b allows it). */
  const third = (base: number, a: number, b: number) => Math.max(0, Math.min(max(16), Math.floor((cfg.featureMapHalfWords - base) / Math.max(1, a * b)) + int(2)));
  const out: Vector[] = [];
  for (let i = 0; i < count; i++) {
    const d = Object.fromEntries(LAYER_FIELDS.map(([name, bits]) => [name, field(bits)])) as Layer;
    if (int(2)) d.inCg = third(d.inBase, d.inH, d.inW);
    if (int(2)) d.outCg = third(d.outBase, d.outH, d.outW);
    if (int(3) === 0) d.inCg = Math.min(max(16), Math.floor(65535 / Math.max(1, d.kh * d.kw)) + int(2));
    const S = d.kh * d.kw * d.inCg;
    const h1 = cfg.activationBanks;
    if (int(2)) d.qw = Math.max(0, Math.min(max(16), Math.ceil((S + h1 - 1) / h1) + int(3) - 1));
    const tiles = Array.from({ length: cfg.tiles }, () => {
      const t = Object.fromEntries(TILE_FIELDS.map(([name, bits]) => [name, field(bits)])) as Tile;
      if (int(4) !== 0) t.wo = d.outW === 0 ? 0 : int(d.outW) + (int(8) === 0 ? d.outW : 0);
      if (int(4) !== 0) t.ho = int(Math.max(1, d.outH));
      if (int(4) !== 0) t.winBase = Math.min(max(24), t.ho * d.outW + t.wo + (int(6) === 0 ? 1 : 0));
      if (int(2)) t.winCount = Math.max(0, Math.min(max(24), d.outH * d.outW - t.winBase + int(3) - 1));
      return t;
    });
    out.push({ layer: d, tiles });
  }
  return out;
}

function testbench(cfg: ResolvedConfig, count: number): string {
  const T = cfg.tiles;
  const per = LAYER_FIELDS.length + TILE_FIELDS.length * T;
  const conn = [
    ...LAYER_FIELDS.map(([name, bits], k) => `    .${portName(name)}(v[${k}][${bits - 1}:0]),`),
    ...TILE_FIELDS.map(([name, bits], k) => `    .${portName(name)}({${Array.from({ length: T }, (_, t) => `v[${LAYER_FIELDS.length + (T - 1 - t) * TILE_FIELDS.length + k}][${bits - 1}:0]`).join(', ')}}),`),
  ];
  return `module tb;
  reg [31:0] mem [0:${count * per - 1}];
  reg [31:0] v [0:${per - 1}];
  wire [6:1] err;
  integer i, k;
  st_desc_check #(.TILES(${T}), .LANES(${cfg.lanes}), .BANKS(${cfg.activationBanks}), .HALF_WORDS(${cfg.featureMapHalfWords})) dut (
${conn.join('\n')}
    .err_o(err)
  );
  initial begin
    $readmemh("vectors.hex", mem);
    for (i = 0; i < ${count}; i = i + 1) begin
      for (k = 0; k < ${per}; k = k + 1) v[k] = mem[i * ${per} + k];
      #1 $display("%b", err);
    end
    $finish;
  end
endmodule
`;
}

const PORTS: Record<string, string> = {
  inBase: 'in_base_i', inH: 'in_h_i', inW: 'in_w_i', inCg: 'in_cg_i', kh: 'kh_i', kw: 'kw_i', sh: 'sh_i', sw: 'sw_i', dh: 'dh_i', dw: 'dw_i',
  outBase: 'out_base_i', outH: 'out_h_i', outW: 'out_w_i', outChannels: 'out_channels_i', outCg: 'out_cg_i', qw: 'qw_i',
  sets: 'sets_i', winBase: 'win_base_i', winCount: 'win_count_i', ho: 'ho0_i', wo: 'wo0_i',
};
const portName = (field: string): string => PORTS[field];

describe('st_desc_check against the rules of section 9.5 (Icarus)', () => {
  it.each(['tiny', 'fpga'])(`%s: every ERROR bit on boundary-seeking random descriptors ${seedTag}`, async (name) => {
    const cfg = loadConfig(name);
    const count = 3000;
    const vs = vectors(cfg, SEED, count);
    const dir = mkdtempSync(join(tmpdir(), `st-desc-check-${name}-`));
    const rtl = generateRtl(cfg).find((f) => f.path === 'st_desc_check.v')!;
    writeFileSync(join(dir, 'st_desc_check.v'), rtl.text);
    writeFileSync(join(dir, 'tb.v'), testbench(cfg, count));
    const words = vs.flatMap((v) => [...LAYER_FIELDS.map(([f]) => v.layer[f]), ...v.tiles.flatMap((t) => TILE_FIELDS.map(([f]) => t[f]))]);
    writeFileSync(join(dir, 'vectors.hex'), `${words.map((w) => w.toString(16)).join('\n')}\n`);
    await execa('iverilog', ['-g2012', '-s', 'tb', '-o', 'tb.vvp', 'tb.v', 'st_desc_check.v'], { cwd: dir });
    const got = (await execa('vvp', ['-n', 'tb.vvp'], { cwd: dir })).stdout.split('\n').filter((l) => /^[01]{6}$/.test(l)).map((l) => parseInt(l, 2));
    expect(got).toHaveLength(count);
    const want = vs.map((v) => expectedBits(cfg, v));
    const bad = want.map((w, i) => (w === got[i] ? null : { i, want: w.toString(2), got: got[i].toString(2), ...vs[i] })).filter((x) => x !== null);
    expect(bad.slice(0, 3), `mismatches in ${dir} (${bad.length} of ${count})`).toEqual([]);
    // the vectors reach both sides of every rule
    for (let b = 0; b < 6; b++) {
      const set = want.filter((w) => (w >> b) & 1).length;
      expect(set, `ERROR bit ${b + 1} set in ${set} of ${count}`).toBeGreaterThan(count / 50);
      expect(count - set, `ERROR bit ${b + 1} clear in ${count - set} of ${count}`).toBeGreaterThan(count / 50);
    }
  }, 120_000);
});
