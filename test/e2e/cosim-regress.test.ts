/**
 * The quick regression, as `make test` runs it: tiny, mini and fpga in Verilator and Icarus,
 * tiny-rle (run-length coded weight streams) in Verilator and on the decoder's hard cases in Icarus,
 * mini-rle and mini-dense in Icarus, every workload (random sparsities, all-zero and dense weights, ragged C and K, a single
 * step, extreme values, accumulator wrap, grouped, FC, strided, host-write loading), and the
 * junction-chain cases of cosim/junction/suite.ts.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSuiteCases } from '../../cli/regress.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'st-regress-'));

describe('sparsetile regress --suite quick', () => {
  it('passes every case in both simulators and writes JUnit XML', { timeout: 900_000 }, async () => {
    const junit = join(dir, 'quick.xml');
    const r = await runCli(['regress', '--suite', 'quick', '-j', '2', '--junit', junit, '--out', join(dir, 'cases')], { timeout: 900_000 });
    const out = String(r.stdout);
    const n = allSuiteCases('quick', 1).length;
    expect(r.exitCode, out.slice(-3000)).toBe(0);
    expect(out).toMatch(new RegExp(`^PASS: ${n}/${n} cases passed in [\\d.]+ s; JUnit XML in `, 'm'));
    expect(out).toMatch(/^config\s+simulator\s+cases\s+pass\s+fail/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuites name="sparsetile regress quick" tests="${n}" failures="0"`);
    expect(xml).toMatch(/<testcase classname="tiny\.verilator" name="host-write" time="[\d.]+"\/>/);
    expect(xml).toMatch(/<testcase classname="junction:tiny\.verilator" name="train-pipelined" time="[\d.]+"\/>/);
    // Passing cases leave no directories behind.
    expect(existsSync(join(dir, 'cases', 'quick', 'tiny__rand-s50__icarus'))).toBe(false);
  });

  it('lists a shard deterministically', async () => {
    const a = await runCli(['regress', '--list', '--shard', '2/3']);
    const b = await runCli(['regress', '--list', '--shard', '2/3']);
    expect(a.exitCode).toBe(0);
    expect(String(a.stdout)).toBe(String(b.stdout));
    const ids = String(a.stdout).split('\n').map((l) => l.split(' ')[0]);
    expect(ids).toEqual(allSuiteCases('quick', 1).filter((_, i) => i % 3 === 1).map((c) => c.id));
  });

  it('rejects a malformed shard', async () => {
    const r = await runCli(['regress', '--shard', '4/3']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toBe('error: --shard must be i/n with 1 <= i <= n (this machine\'s part of n equal parts), got "4/3"; e.g. --shard 2/4.');
  });
});
