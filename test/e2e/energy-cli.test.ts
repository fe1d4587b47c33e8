/** `sparsetile energy` and `sparsetile compress` as a user runs them: tables, JSON and CSV files, errors. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const LAYER = ['--config', 'tiny', '--random', '--shape', '8,16,3,3', '--sparsity', '0.7', '--seed', '3'];

describe('sparsetile energy and compress', () => {
  it('energy: table on stdout, JSON and CSV files; skipping cycles agree with `run`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-energy-'));
    const [e, r] = await Promise.all([
      runCli(['energy', ...LAYER, '--json', join(dir, 'e.json'), '--csv', join(dir, 'e.csv')]),
      runCli(['run', ...LAYER, '--out', join(dir, 'run')]),
    ]);
    expect(e.exitCode, String(e.all)).toBe(0);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(e.stdout)).toMatch(/^random-8x16x3x3-s0\.7-seed3 on tiny, scheduler heuristic; energy table 45nm; off-chip weights plain, 128-bit bus/);
    expect(String(e.stdout)).toMatch(/\nbreakdown:\ncomponent +dense uJ +gating uJ +skipping uJ/);
    const json = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8'));
    const stats = JSON.parse(readFileSync(join(dir, 'run', 'stats.json'), 'utf8'));
    const layer = json.layers[0];
    expect(layer.energy.modes.skipping.cycles).toBe(stats.cycles);
    expect(layer.energy.modes.dense.cycles).toBe(stats.denseCycles);
    expect(layer.energy.modes.gating.cycles).toBe(stats.denseCycles);
    for (const m of ['dense', 'gating', 'skipping']) {
      const parts = json.breakdown.filter((b: { mode: string }) => b.mode === m).reduce((a: number, b: { energyPJ: number }) => a + b.energyPJ, 0);
      expect(parts).toBeCloseTo(layer.energy.modes[m].totalPJ, 6);
      expect(json.total[m].totalPJ).toBe(layer.energy.modes[m].totalPJ);
    }
    expect(layer.energy.modes.gating.totalPJ).toBeLessThan(layer.energy.modes.dense.totalPJ);
    const csv = readFileSync(join(dir, 'e.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('layer,mode,cycles,issuedRows,totalPJ,weightMemoryPJ,activationMemoryPJ,activationBufferPJ,outputFifoPJ,offChipPJ,multipliersPJ,addersPJ,offChipWeightBits,offChipWeightBitsRle,offChipInputBits,offChipOutputBits');
    expect(csv.slice(1).map((l) => l.split(',')[1])).toEqual(['dense', 'gating', 'skipping']);
  });

  it('compress: formats and images per layer; a catalog network gets one row per layer and a total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-compress-'));
    const [one, net] = await Promise.all([
      runCli(['compress', ...LAYER, '--json', join(dir, 'c.json'), '--csv', join(dir, 'c.csv')]),
      runCli(['compress', '--network', 'alexnet-es', '--config', 'paper', '--layers', '^conv[45]$']),
    ]);
    expect(one.exitCode, String(one.all)).toBe(0);
    expect(String(one.stdout)).toMatch(/index widths: row 3, column 8, pointer \d+, run 4 bits/); // 8 filters, 16 x 3 x 3 = 144 columns
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    const l = json.layers[0];
    expect(l.formats.map((s: { format: string }) => s.format)).toEqual(['dense', 'csr', 'csc', 'coo', 'bitmap', 'rle']);
    expect(l.images.map((s: { format: string }) => s.format)).toEqual(['dense image', 'dense image + rle', 'scheduled image', 'scheduled image + rle']);
    expect(l.formats[0].totalBits).toBe(8 * 144 * 8);
    const bitmap = l.formats[4];
    expect(bitmap.totalBits).toBe(l.nonZeros * 8 + 8 * 144);
    const csv = readFileSync(join(dir, 'c.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 10);
    expect(net.exitCode, String(net.all)).toBe(0);
    expect(String(net.stdout)).toMatch(/\nconv4 .*\nconv5 .*\n-+.*\nTOTAL \(2 layers\)/);
  });

  it('a bad or missing energy table exits 2 with one sentence and writes nothing (flag errors: test/unit/cli/layer-reports.test.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-energy-bad-'));
    const table = join(dir, 'bad.yaml');
    writeFileSync(table, 'format: sparsetile-energy/1\nname: bad\nunit: pJ\ncomponents: []\n');
    const out = join(dir, 'never.json');
    const runs = await Promise.all([
      runCli(['energy', ...LAYER, '--table', table, '--json', out]),
      runCli(['energy', ...LAYER, '--table', join(dir, 'missing.yaml')]),
    ]);
    const errs = runs.map((r) => {
      expect(r.exitCode, String(r.all)).toBe(2);
      expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
      return String(r.stderr);
    });
    expect(errs[0]).toContain('bad.yaml: field "components" must list at least one component, got [].');
    expect(errs[1]).toMatch(/^error: --table .*missing\.yaml: cannot be read \(ENOENT\)\. Give an existing YAML or JSON energy table/);
    expect(existsSync(out)).toBe(false);
  });
});
