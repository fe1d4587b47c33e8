/** The harness catches real bugs: a few mutants of the tiny RTL, and the run-length decoder's of tiny-rle, each caught by the quick workloads. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('sparsetile mutate', () => {
  it('catches datapath, cycle-count, address-generator, weight-stream, AXI, ring and ping-pong faults', async () => {
    const out = mkdtempSync(join(tmpdir(), 'st-mutate-'));
    const only = ['mux-swap', 'no-saturate', 'skip-wrap', 'cycles-off-by-one', 'done-sticky', 'fill-pad-left', 'credit-ignored', 'weights-ready-early', 'axi-arlen', 'ring-overflow-by-one', 'pingpong-same-half'];
    const r = await runCli(['mutate', '--config', 'tiny', '--only', only.join(','), '--out', out]);
    const text = String(r.stdout);
    expect(r.exitCode, text).toBe(0);
    for (const id of only) expect(text).toMatch(new RegExp(`^caught {3}${id} +by tiny/[a-z0-9-]+/icarus`, 'm'));
    expect(text).toMatch(/^baseline: the unmutated tiny RTL passes all \d+ cases \(icarus\)$/m);
    expect(text).toMatch(new RegExp(`^${only.length}/${only.length} mutants caught in [\\d.]+ s`, 'm'));
    expect(text).toContain('the model predicts');
    // Outputs and CYCLES are right; only a per-tile counter against the model's sees the fault.
    expect(text).toMatch(/^caught {3}credit-ignored .*: 0 output values differ in \d+ words; cycles: model (\d+), RTL \1\. icarus: tile \d's STALL_FILL counter reads \d+, but the model predicts \d+\./m);
    // Outputs, CYCLES and counters are right; only the weight ring's overflow assertion sees it.
    expect(text).toMatch(/^caught {3}ring-overflow-by-one .*: 0 output values differ in \d+ words; cycles: model (\d+), RTL \1\. icarus: \d+ RTL assertion failure\(s\) \(ring-overflow\)/m);
  }, 600_000);

  it('catches run-length decoder faults on tiny-rle: run count, entry order, row boundary, control word row, header length', async () => {
    const out = mkdtempSync(join(tmpdir(), 'st-mutate-rle-'));
    const only = ['rle-run-short', 'rle-entry-order', 'rle-row-boundary', 'rle-ctrl-row', 'rle-header-short'];
    const r = await runCli(['mutate', '--config', 'tiny-rle', '--only', only.join(','), '--out', out]);
    const text = String(r.stdout);
    expect(r.exitCode, text).toBe(0);
    for (const id of only) expect(text).toMatch(new RegExp(`^caught {3}${id} +by tiny-rle/[a-z0-9-]+/icarus`, 'm'));
    expect(text).toMatch(new RegExp(`^${only.length}/${only.length} mutants caught in [\\d.]+ s \\(tiny-rle, icarus`, 'm'));
  }, 600_000);
});
