/**
 * Every named configuration: Verilator lint with -Wall and Icarus compilation (make test); Yosys
 * synthesis of the large ones in the slow tier (SPARSETILE_SLOW=1). Also the `generate` command
 * itself: byte-identical output, atomic replacement, and a clear error for an unbuildable config.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, namedConfigs } from '../../tools/configs.ts';
import { generateRtl } from '../../generators/rtl.ts';
import { synthesizeArea } from '../../generators/synth/area.ts';
import { runCli } from '../support/cli.ts';
import { SLOW } from '../support/seed.ts';
import { ERROR_BITS } from '../../contract/registers.ts';
import { rleHeaderBeats } from '../../contract/stream.ts';
import { icarusCompile, lint, runIcarus, writeDirectedJob } from '../support/rtl-support.ts';

function generateInto(name: string): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), `st-rtl-${name}-`));
  const rtl = generateRtl(loadConfig(name));
  for (const f of rtl) writeFileSync(join(dir, f.path), f.text);
  return { dir, files: rtl.map((f) => f.path) };
}

describe.each(namedConfigs())('named configuration %s', (name) => {
  it('lints clean and compiles with Icarus', async () => {
    const { dir, files } = generateInto(name);
    expect(await lint(dir, files)).toBe('');
    expect(await icarusCompile(dir, files, ['-s', 'st_top'])).toBe('');
  });

  it.runIf(SLOW)('runs a directed job in Icarus (slow tier)', async () => {
    const { dir, files } = generateInto(name);
    const cfg = loadConfig(name);
    const want = writeDirectedJob(cfg, join(dir, 'job'), { filters: Math.max(1, 2 * cfg.filtersPerTile * cfg.tiles - 3), channels: cfg.lanes + 1, kernel: [3, 3], input: [4, 3], pad: 1, density: 0.3 }, 7);
    const got = await runIcarus(dir, files, join(dir, 'job'));
    expect(got.asserts, 'RTL assertions').toEqual([]);
    expect(got.cycles).toBe(want.expectedCycles);
    expect(got.outputs).toEqual(want.expected);
  }, 600_000);

  it.runIf(SLOW && name !== 'tiny')('synthesizes with yosys (slow tier)', async () => {
    const { dir, files } = generateInto(name);
    const area = await synthesizeArea(dir, files, loadConfig(name));
    expect(area.logicTransistors).toBeGreaterThan(0);
  }, 1_800_000);
});

describe('run-length decoder (tiny-rle)', () => {
  it('a coded stream whose entries run past the set raises the STREAM error and ends the job', async () => {
    const cfg = loadConfig('tiny-rle');
    if (cfg.weightStream.coding !== 'rle') throw new Error('tiny-rle is not run-length coded');
    const { format, entryBits, entriesPerBeat, maxRun } = cfg.weightStream;
    const { dir, files } = generateInto('tiny-rle');
    const jobDir = join(dir, 'job-corrupt');
    const want = writeDirectedJob(cfg, jobDir, { filters: 3, channels: 5, kernel: [3, 3], input: [4, 4], pad: 1, density: 0.4 }, 5);
    // tile 0's first set: its header beats, then its entries. Walk them (run + 1 values each) to the
    // entry that completes the set's last row, and lengthen its run (or the one before it, if it is
    // at the maximum) by one: the last entry's value then lands past the row, which the decoder
    // must flag rather than write
    const set = want.setsPerTile[0][0];
    const L = set.steps.length * cfg.filtersPerTile * cfg.lanes;
    const hb = rleHeaderBeats(set.steps.length, cfg.controlBits, cfg.axi.dataBits);
    const lines = readFileSync(join(jobDir, 'ext.hex'), 'utf8').trim().split('\n');
    const runAt = (e: number) => BigInt(e * entryBits + format.valueBits);
    const runMask = BigInt(maxRun);
    const entries: { beat: number; e: number; run: number }[] = [];
    for (let beat = hb, produced = 0; produced < L; beat++) {
      for (let e = 0; e < entriesPerBeat && produced < L; e++) {
        const run = Number((BigInt(`0x${lines[beat]}`) >> runAt(e)) & runMask);
        entries.push({ beat, e, run });
        produced += run + 1;
      }
    }
    const target = [...entries].reverse().slice(0, 2).find((x) => x.run < maxRun);
    expect(target, 'one of the last two entries can be lengthened').toBeDefined();
    const word = BigInt(`0x${lines[target!.beat]}`);
    lines[target!.beat] = ((word & ~(runMask << runAt(target!.e))) | (BigInt(target!.run + 1) << runAt(target!.e))).toString(16).padStart(lines[target!.beat].length, '0');
    writeFileSync(join(jobDir, 'ext.hex'), `${lines.join('\n')}\n`);
    const got = await runIcarus(dir, files, jobDir);
    expect(got.log).not.toContain('TIMEOUT');
    expect(got.error & (1 << ERROR_BITS.STREAM), `ERROR = ${got.error}`).not.toBe(0);
    expect(got.status & 6, 'done and error').toBe(6);
  }, 120_000);
});

describe('sparsetile generate', () => {
  it('writes the whole directory, byte-identical on a second run', async () => {
    const base = mkdtempSync(join(tmpdir(), 'st-generate-'));
    const out = join(base, 'tiny');
    const r1 = await runCli(['generate', '--config', 'tiny', '--out', out]);
    expect(r1.exitCode, String(r1.all)).toBe(0);
    expect(String(r1.stdout)).toMatch(/: 24 files for "tiny" .* 19 modules .* pipeline latency 5 cycles/);
    const names = readdirSync(out).sort();
    expect(names).toEqual(
      [
        // the marker of tools/files.ts: sparsetile wrote this folder and may replace it
        '.sparsetile-output',
        'manifest.json', 'st_act_buffer.v', 'st_act_mem.v', 'st_adder_tree.v', 'st_controller.v', 'st_desc_check.v', 'st_fill.v',
        'st_fmap_mem.v', 'st_interconnect.v', 'st_out_writer.v', 'st_output_stage.v', 'st_pe.v', 'st_regs.v', 'st_seq.v', 'st_sram.v',
        'st_sram_lanes.v', 'st_tile.v', 'st_top.v', 'st_weight_mem.v', 'st_wfetch.v', 'tiny.core', 'tiny.f', 'tiny.params.ts',
        'tiny_params.h',
      ],
    );
    const first = names.map((n) => readFileSync(join(out, n), 'utf8'));
    writeFileSync(join(out, 'stale.txt'), 'left from an earlier run');
    const r2 = await runCli(['generate', '--config', 'tiny', '--out', out]);
    expect(r2.exitCode, String(r2.all)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(names);
    expect(names.map((n) => readFileSync(join(out, n), 'utf8'))).toEqual(first);
    expect(readdirSync(base)).toEqual(['tiny']);
  });

  it('the filelist and the FuseSoC core list the modules in dependency order', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'st-generate-')), 'dense');
    expect((await runCli(['generate', '--config', 'dense', '--out', out])).exitCode).toBe(0);
    const f = readFileSync(join(out, 'dense.f'), 'utf8').trim().split('\n');
    expect(f[0]).toBe('st_sram.v');
    expect(f[f.length - 1]).toBe('st_top.v');
    expect(f).not.toContain('st_interconnect.v');
    const core = readFileSync(join(out, 'dense.core'), 'utf8');
    expect(core).toMatch(/^CAPI=2:\n/);
    expect(core).toContain('name: sparsetile:rtl:dense:');
    for (const target of ['lint:', 'icarus:', 'verilator:']) expect(core).toContain(`\n  ${target}\n`);
    // the filelist works as a Verilator -F file
    expect(await lint(out, ['-F', 'dense.f'])).toBe('');
  });

  it('refuses a configuration the hardware cannot build: one paragraph, exit status 2, nothing written', async () => {
    const base = mkdtempSync(join(tmpdir(), 'st-generate-'));
    const cfgFile = join(base, 'wide.json');
    // 32-bit outputs from 16-bit activations: the golden model runs it, the tile cannot write them back
    const input = { ...loadConfig('paper').input, name: 'wide', output: { relu: true, shift: 8, bits: 32, saturate: true } };
    writeFileSync(cfgFile, JSON.stringify(input));
    const r = await runCli(['generate', '--config', cfgFile, '--out', join(base, 'out')]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/^error: configuration "wide": field "output\.bits" must equal activationBits \(16\) for the RTL, .* got 32\. Set it to 16 .*\.$/);
    expect(readdirSync(base)).toEqual(['wide.json']);
  });
});

describe('generated TypeScript header', () => {
  it.each(namedConfigs())('%s.params.ts is accepted by the co-simulation packer (cosim/params.ts)', async (name) => {
    const { loadParamsLayout } = await import('../../cosim/params.ts');
    const { writeBundle } = await import('../../generators/bundle.ts');
    const out = join(mkdtempSync(join(tmpdir(), 'st-params-')), name);
    await writeBundle(loadConfig(name), out);
    const layout = await loadParamsLayout(join(out, `${name}.params.ts`), loadConfig(name));
    expect(layout.lanes).toBe(loadConfig(name).lanes);
  });
});

describe('sparsetile synth --fpga ice40 (slow tier)', () => {
  // The small FPGA configuration states its target: too large for an iCE40 HX8K (synth_ice40 for
  // real), so the flow skips nextpnr-ice40 and names the ECP5 whose LUTs and block RAMs hold it.
  it.runIf(SLOW)('fpga: does not fit the iCE40 HX8K and targets an ECP5 LFE5U-25F (synth_ice40 and synth_ecp5)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'st-ice40-'));
    const r = await runCli(['synth', '--config', 'fpga', '--fpga', 'ice40', '--out', out], { timeout: 1_200_000 });
    expect(r.exitCode, String(r.all)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'synth.json'), 'utf8'));
    expect(report.ice40.fits).toBe(false);
    expect(report.ice40.luts).toBeGreaterThan(7680);
    expect(report.ice40.brams).toBeLessThanOrEqual(32);
    expect(report.ice40.ecp5.device).toBe('LFE5U-25F');
    expect(report.ice40.ecp5.luts).toBeGreaterThan(12_000);
    expect(report.ice40.ecp5.luts).toBeLessThanOrEqual(24_000);
    expect(report.ice40.reason).toContain('targets an ECP5 LFE5U-25F');
  }, 1_500_000);
});
