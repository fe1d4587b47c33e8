/** The harness catches real bugs: a few mutants of the tiny RTL, each caught by the quick workloads. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('sparsetile mutate', () => {
  it('catches mux, accumulator, saturation, skip, address, cycle-count, early-done, restart and assertion-only faults', async () => {
    const out = mkdtempSync(join(tmpdir(), 'st-mutate-'));
    const only = ['mux-swap', 'acc-bit', 'no-saturate', 'skip-wrap', 'drain-off-by-one', 'drain-short', 'write-late', 'bank-addr-swap', 'out-addr-no-reset', 'out-write-glitch'];
    const r = await runCli(['mutate', '--config', 'tiny', '--only', only.join(','), '--out', out]);
    const text = String(r.stdout);
    expect(r.exitCode, text).toBe(0);
    for (const id of only) expect(text).toMatch(new RegExp(`^caught {3}${id} +by tiny/[a-z0-9-]+/icarus`, 'm'));
    expect(text).toMatch(/^baseline: the unmutated tiny RTL passes all \d+ cases \(icarus\)$/m);
    expect(text).toMatch(/^10\/10 mutants caught in [\d.]+ s/m);
    expect(text).toContain('the model predicts');
    // CYCLES matches the model; only the read at done sees the late output write.
    expect(text).toMatch(/^caught {3}write-late .*cycles: model (\d+), RTL \1\. icarus: job 0: done_o rose before tile \d+'s last output/m);
    // Outputs, CYCLES and done are right; only the RTL's pipeline-latency assertion sees the glitch.
    expect(text).toMatch(/^caught {3}out-write-glitch .*: 0 of \d+ outputs differ; cycles: model (\d+), RTL \1\. icarus: job 0: \d+ RTL assertion failure\(s\) \(pipeline-latency\)/m);
  });
});
