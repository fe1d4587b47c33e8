/** The regression matrix: every case fits its configuration and packs; sharding is a partition. */
import { describe, expect, it } from 'vitest';
import { layoutFromConfig } from '../../../contract/layout.ts';
import { packJob } from '../../../model/memory-images.ts';
import { lowerLayer } from '../../../model/lower.ts';
import { checkLegality, scheduleJob } from '../../../model/schedule.ts';
import { caseConfig, shardCases, suiteCases } from '../../../cosim/suites.ts';

describe('regression suites', () => {
  it('quick has tiny and mini in both simulators, and a host-write case', () => {
    const ids = suiteCases('quick', 1).map((c) => c.id);
    expect(ids).toContain('tiny/rand-s50/verilator');
    expect(ids).toContain('tiny/rand-s50/icarus');
    expect(ids).toContain('mini/acc-wrap/icarus');
    expect(ids).toContain('tiny/host-write/verilator');
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

  it('every full-suite workload fits its configuration and packs', async () => {
    const seen = new Set<string>();
    for (const c of suiteCases('full', 1)) {
      const key = `${c.configRef}/${c.workload.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cfg = caseConfig(c);
      const L = layoutFromConfig(cfg);
      for (const job of lowerLayer(c.workload.make(cfg, c.seed), cfg.lanes)) {
        const sched = await scheduleJob(job, cfg, c.workload.scheduler);
        checkLegality(job, sched, cfg);
        expect(() => packJob(L, job, sched, cfg.name), key).not.toThrow();
      }
    }
  });
});
