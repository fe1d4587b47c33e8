/**
 * The `tiny` RTL: a file snapshot of every generated module, verified independently in the same
 * file by Verilator lint, Icarus compilation, directed Icarus simulations of st_top through the
 * section 9 ports (outputs and CYCLES against a reference), and Yosys synthesis.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../tools/configs.ts';
import { generateRtl, type GeneratedFile } from '../../generators/rtl.ts';
import { synthesizeArea } from '../../generators/synth/area.ts';
import { icarusCompile, lint, runIcarus, writeDirectedJob } from '../support/rtl-support.ts';

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
    { filters: 2, steps: 3, windows: 2, density: 0.5, seed: 1 },
    { filters: 8, steps: 12, windows: 5, density: 0.3, seed: 2 },
    { filters: 5, steps: 20, windows: 3, density: 0.1, seed: 3 },
    { filters: 9, steps: 17, windows: 4, density: 0, seed: 5 },
    { filters: 4, steps: 30, windows: 3, density: 0.9, seed: 6 },
  ])('st_top runs a directed job: outputs and CYCLES as the reference says ($filters filters, $steps steps, $windows windows, density $density)', async (job) => {
    const jobDir = join(dir, `job-${job.seed}`);
    const want = writeDirectedJob(cfg, jobDir, job, job.seed);
    const got = await runIcarus(dir, files, jobDir);
    expect(got.asserts, 'RTL assertions').toEqual([]);
    expect(got.log).not.toContain('TIMEOUT');
    expect(got.status, 'STATUS after the job: done, not busy').toBe(2);
    expect(got.cycles, 'CYCLES = issue cycles + pipelineLatency').toBe(want.expectedCycles);
    expect(got.busy, 'busy_o cycles').toBe(want.expectedCycles);
    expect(got.outputs).toEqual(want.expected);
  });

  it('st_top runs a job loaded through the host write ports (wm_*, am_*) instead of the preload', async () => {
    const jobDir = join(dir, 'job-host');
    const want = writeDirectedJob(cfg, jobDir, { filters: 6, steps: 9, windows: 4, density: 0.5 }, 3, true);
    const got = await runIcarus(dir, files, jobDir);
    expect(got.asserts, 'RTL assertions').toEqual([]);
    expect(got.cycles).toBe(want.expectedCycles);
    expect(got.outputs).toEqual(want.expected);
  });

  it('the RTL\'s contract checks fire: a select code out of range, a zero delta, a host write while busy', async () => {
    const jobDir = join(dir, 'job-asserts');
    const want = writeDirectedJob(cfg, jobDir, { filters: 2, steps: 6, windows: 2, density: 0.5 }, 11, false, { writeWhileBusy: true });
    // tiny: 6 mux inputs in 3 select bits; lane 0's select field of PE 0 is at bits 8..10 of data bank 0
    const edit = (file: string, f: (w: bigint) => bigint) => {
      const lines = readFileSync(join(jobDir, file), 'utf8').trim().split('\n');
      lines[0] = f(BigInt(`0x${lines[0]}`)).toString(16);
      writeFileSync(join(jobDir, file), `${lines.join('\n')}\n`);
    };
    edit('wm_t0_b0.hex', (w) => w | (7n << 8n));
    edit(`wm_t0_b${cfg.weightDataBanks}.hex`, (w) => w & ~3n);
    const got = await runIcarus(dir, files, jobDir);
    const checks = new Set(got.asserts.map((l) => /st_assert: ([a-z-]+):/.exec(l)?.[1]));
    expect([...checks].sort()).toEqual(['delta-range', 'select-range', 'write-while-busy']);
    expect(want.expected.length).toBeGreaterThan(0);
  });

  it('synthesizes with yosys (synth to gates, memories kept as $mem cells)', async () => {
    const area = await synthesizeArea(dir, files, cfg);
    expect(area.memories).toBe(2 * (cfg.weightDataBanks + 1 + cfg.activationBanks + 1));
    expect(area.modules.st_pe.instances).toBe(4);
    expect(area.modules.st_interconnect.instances).toBe(4);
    expect(area.logicTransistors).toBeGreaterThan(10_000);
  });
});
