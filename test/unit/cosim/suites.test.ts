/** The regression matrix: every case fits its configuration and packs; sharding is a partition. */
import { describe, expect, it } from 'vitest';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { buildProgram } from '../../../model/program.ts';
import { caseConfig, shardCases, suiteCases, workloadLayers } from '../../../cosim/suites.ts';
import { extDepth } from '../../../cosim/tb.ts';

describe('regression suites', () => {
  it('quick has tiny, mini and fpga in both simulators, a host-write case, chains, memory settings and the split-windows plan', () => {
    const ids = suiteCases('quick', 1).map((c) => c.id);
    expect(ids).toContain('tiny/rand-s50/verilator');
    expect(ids).toContain('tiny/rand-s50/icarus');
    expect(ids).toContain('mini/acc-wrap/icarus');
    // the small FPGA configuration (configs/fpga.json) runs every workload in both simulators
    for (const w of ['rand-s50', 'chain', 'acc-wrap', 'host-write']) for (const sim of ['verilator', 'icarus']) expect(ids).toContain(`fpga/${w}/${sim}`);
    expect(ids).toContain('tiny/host-write/verilator');
    for (const w of ['chain', 'mem-slow', 'split-windows', 'ring-full', 'strided-skew', 'conv1d', 'depthwise']) expect(ids).toContain(`mini/${w}/icarus`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('full adds paper in Verilator only', () => {
    const ids = suiteCases('full', 1).map((c) => c.id);
    expect(ids.filter((i) => i.startsWith('paper/')).every((i) => i.endsWith('/verilator'))).toBe(true);
    expect(ids.some((i) => i.startsWith('paper/'))).toBe(true);
  });

  it('shards partition the cases deterministically', () => {
    const all = suiteCases('full', 7);
    const parts = [1, 2, 3].map((i) => shardCases(all, i, 3));
    expect(parts.flat().map((c) => c.id).sort()).toEqual(all.map((c) => c.id).sort());
    expect(shardCases(suiteCases('full', 7), 2, 3).map((c) => c.id)).toEqual(parts[1].map((c) => c.id));
  });

  it('every full-suite workload fits its configuration, packs and fits the testbench memory', async () => {
    const seen = new Set<string>();
    for (const c of suiteCases('full', 1)) {
      const key = `${c.configRef}/${c.workload.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cfg = caseConfig(c);
      const L = layoutFromConfig(cfg);
      const w = c.workload;
      const p = await buildProgram(cfg, L, workloadLayers(w, cfg, c.seed), { scheduler: w.scheduler, plan: w.plan, requant: w.requant });
      expect(p.extBeats.length, key).toBeLessThanOrEqual(extDepth(cfg));
    }
  });
});
