/**
 * The `tiny` RTL: a file snapshot of every generated module, verified independently in the same
 * file by Verilator lint, Icarus compilation, directed Icarus simulations of st_top through the
 * section 9 ports (outputs against the naive reference, the issue counter and busy cycles), the
 * contract checks, and Yosys synthesis.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../tools/configs.ts';
import { generateRtl, type GeneratedFile } from '../../generators/rtl.ts';
import { synthesizeArea } from '../../generators/synth/area.ts';
import { indexBits } from '../../contract/bits.ts';
import { ERROR_BITS, layersCountBits } from '../../contract/registers.ts';
import { icarusCompile, lint, runIcarus, writeDirectedJob, type DirectedJob } from '../support/rtl-support.ts';

const cfg = loadConfig('tiny');
let dir: string;
let rtl: GeneratedFile[];
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'st-rtl-tiny-'));
  rtl = generateRtl(cfg);
  files = rtl.map((f) => f.path);
  for (const f of rtl) writeFileSync(join(dir, f.path), f.text);
});

describe('tiny RTL', () => {
  it('matches the snapshot, module by module', async () => {
    for (const f of rtl) await expect(f.text).toMatchFileSnapshot(`__snapshots__/rtl-tiny/${f.path}`);
  });

  it('passes verilator --lint-only -Wall with no warnings', async () => {
    expect(await lint(dir, files)).toBe('');
  });

  it('compiles with iverilog -g2012', async () => {
    expect(await icarusCompile(dir, files, ['-s', 'st_top'])).toBe('');
  });

  it.each([
    { filters: 2, channels: 3, kernel: [3, 3], input: [3, 4], pad: 1, density: 0.5, seed: 1 },
    { filters: 8, channels: 4, kernel: [3, 3], input: [5, 5], density: 0.3, seed: 2 },
    { filters: 5, channels: 9, kernel: [2, 3], input: [4, 6], stride: [1, 2], pad: 1, density: 0.1, seed: 3 },
    { filters: 9, channels: 5, kernel: [3, 3], input: [4, 4], pad: 1, density: 0, seed: 5 },
    { filters: 4, channels: 12, kernel: [3, 2], input: [5, 4], stride: [2, 1], density: 0.9, seed: 6 },
  ] as (DirectedJob & { seed: number })[])('st_top runs a directed job: outputs as the reference says ($filters filters of $channels x $kernel on $input, density $density)', async (job) => {
    const jobDir = join(dir, `job-${job.seed}`);
    const want = writeDirectedJob(cfg, jobDir, job, job.seed);
    const got = await runIcarus(dir, files, jobDir);
    expect(got.log).not.toContain('TIMEOUT');
    expect(got.asserts, 'RTL assertions').toEqual([]);
    expect(got.status, 'STATUS after the job: done, not busy, no error').toBe(2);
    expect(got.error).toBe(0);
    expect(got.busy, 'busy_o cycles = CYCLES').toBe(got.cycles);
    // tile 0 issues each of its sets' rows once per window (counted from the directed schedule)
    expect(got.issue0).toBe(want.issue0);
    // CYCLES as the golden model's cycle simulation predicts it for this independently packed stream
    expect(got.cycles).toBe(want.expectedCycles);
    expect(got.outputs).toEqual(want.expected);
  });

  it('the RTL\'s contract checks fire: a select code out of range, a zero delta, a host write while busy', async () => {
    const jobDir = join(dir, 'job-asserts');
    writeDirectedJob(cfg, jobDir, { filters: 2, channels: 4, kernel: [2, 3], input: [3, 3], density: 0.5 }, 11, { writeWhileBusy: true });
    // tiny: 6 mux inputs in 3 select bits; the first row record (beats 2 and 3: after the header's two)
    // has PE 0 lane 0's select field at bits 8..10 and the control word at bit 88 (beat 1, bit 24)
    const lines = readFileSync(join(jobDir, 'ext.hex'), 'utf8').trim().split('\n');
    lines[2] = (BigInt(`0x${lines[2]}`) | (7n << 8n)).toString(16).padStart(16, '0');
    lines[3] = (BigInt(`0x${lines[3]}`) & ~(3n << 24n)).toString(16).padStart(16, '0');
    writeFileSync(join(jobDir, 'ext.hex'), `${lines.join('\n')}\n`);
    const got = await runIcarus(dir, files, jobDir);
    const checks = new Set(got.asserts.map((l) => /st_assert: ([a-z-]+):/.exec(l)?.[1]));
    expect([...checks].sort()).toEqual(['delta-range', 'descriptor', 'select-range', 'write-while-busy']);
    // the corrupt control word also sets the sticky CONTROL error bit (bit 9) and ends the job
    expect(got.error & (1 << 9)).not.toBe(0);
    expect(got.status & 6).toBe(6);
  });

  it('a LAYERS count of 0 or above maxLayers sets the LAYERS error and runs nothing, also a count that the layer index width would truncate into a valid one', async () => {
    const layerBits = indexBits(cfg.maxLayers);
    const counts = [0, cfg.maxLayers + 1, 2 ** (layerBits + 1) + 1, 2 ** layersCountBits() - 1];
    expect((2 ** (layerBits + 1) + 1) % 2 ** (layerBits + 1), 'the truncating count wraps to a valid count').toBe(1);
    for (const layers of counts) {
      const jobDir = join(dir, `job-layers-${layers}`);
      writeDirectedJob(cfg, jobDir, { filters: 2, channels: 3, kernel: [3, 3], input: [3, 3], density: 0.5 }, 21, { layers });
      const got = await runIcarus(dir, files, jobDir);
      expect(got.log, `LAYERS = ${layers}`).not.toContain('TIMEOUT');
      expect(got.layers, `LAYERS = ${layers} reads back whole`).toBe(layers);
      expect(got.error, `LAYERS = ${layers}: only the LAYERS error bit`).toBe(1 << ERROR_BITS.LAYERS);
      expect(got.status & 6, `LAYERS = ${layers}: done and error`).toBe(6);
      expect(got.issue0, `LAYERS = ${layers}: no row issued`).toBe(0);
    }
  });

  it('synthesizes with yosys (synth to gates, memories kept as $mem cells)', async () => {
    const area = await synthesizeArea(dir, files, cfg);
    // per tile: weight ring (2 data banks + control), 3 activation-buffer banks, 4 feature-map banks
    expect(area.memories).toBe(2 * (cfg.weightDataBanks + 1 + cfg.activationBanks + cfg.featureMapBanks));
    expect(area.modules.st_pe.instances).toBe(4);
    expect(area.modules.st_interconnect.instances).toBe(4);
    expect(area.logicTransistors).toBeGreaterThan(10_000);
  });
});
