/**
 * Full-size layers on the generated paper tile in Verilator (slow tier, SPARSETILE_SLOW=1): AlexNet-ES
 * conv3 at its published shape (384 x 256 x 3 x 3 on a 13 x 13 input, pad 1) and density, with
 * synthetic weights, read from the feature-map memory and streamed over AXI4 from the testbench's
 * memory model; every output word bit-exact, CYCLES and every per-tile counter equal to the cycle model.
 * (The demo's PaddleOCR layer chain runs full size in `make demo`.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../tools/configs.ts';
import { catalogLayer } from '../../workloads/synthetic.ts';
import { runCase } from '../../cosim/case.ts';
import { failLines } from '../../cosim/report.ts';
import { SLOW } from '../support/seed.ts';

describe.runIf(SLOW)('full-size layers in Verilator (slow tier)', () => {
  it('AlexNet-ES conv3 on paper: bit-exact, cycle-exact, counters exact', async () => {
    const cfg = loadConfig('paper');
    const layer = catalogLayer('alexnet-es', 'conv3', cfg);
    expect([layer.spec.filters, layer.spec.channels, layer.spec.kernelH, layer.spec.kernelW]).toEqual([384, 256, 3, 3]);
    const dir = mkdtempSync(join(tmpdir(), 'st-full-size-'));
    const r = await runCase({ cfg, layers: [layer], scheduler: 'heuristic', sims: ['verilator'], dir, wavesOnFailure: false, memory: { latency: 16, period: 1 } });
    const out = r.outcomes[0];
    expect(r.ok, failLines(r.prep, out).join('\n')).toBe(true);
    expect(out.actualCycles).toBe(out.expectedCycles);
    expect(out.checked).toBe(r.prep.outputsTotal);
  }, 3_600_000);
});
