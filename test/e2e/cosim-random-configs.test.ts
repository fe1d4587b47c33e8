/**
 * Random hardware configurations (cosim/random-configs.ts) through generator, golden model and
 * Icarus: 2 per run here, 30 in the slow tier (SPARSETILE_SLOW=1). The seed comes from
 * SPARSETILE_SEED and is printed in the title.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase } from '../../cosim/case.ts';
import { randomConfig } from '../support/random-configs.ts';
import { failLines } from '../../cosim/report.ts';
import { WORKLOADS, workloadLayers } from '../../cosim/suites.ts';
import { SEED, SLOW, seedTag } from '../support/seed.ts';

const COUNT = SLOW ? 30 : 2;
const dir = mkdtempSync(join(tmpdir(), 'st-random-configs-'));

describe(`random configurations in Icarus ${seedTag}`, () => {
  for (let i = 0; i < COUNT; i++) {
    const seed = (SEED + i * 7919) >>> 0;
    it(`configuration from seed ${seed}: random, extreme and grouped host-write workloads match the model`, { timeout: 300_000 }, async () => {
      const cfg = randomConfig(seed);
      for (const name of ['rand-s50', 'extreme', 'grouped-host']) {
        const w = WORKLOADS.find((x) => x.name === name)!;
        const res = await runCase({
          cfg, layers: workloadLayers(w, cfg, seed), scheduler: w.scheduler, memory: w.memory, plan: w.plan, requant: w.requant, sims: ['icarus'], hostWrite: w.hostWrite, dir: join(dir, `${seed}-${name}`), wavesOnFailure: false,
        });
        const why = res.ok ? '' : failLines(res.prep, res.outcomes[0]).join('\n');
        expect(res.ok, `${JSON.stringify(cfg.input)}\n${name}:\n${why}`).toBe(true);
      }
    });
  }
});
