/**
 * Junction chains (docs/junction.md): golden-model throughput (edge operations per second, FF + BP +
 * UP counted once each) on the poster's MNIST network, and co-simulation throughput (simulated cycles
 * per second, build time) of pipelined training in Verilator and Icarus. Builds come from the cache
 * when present.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJunctionCase } from '../cosim/junction/case.ts';
import { fmtRate } from '../cosim/report.ts';
import type { SimName } from '../cosim/sim/index.ts';
import { jobSlots } from '../model/junction/cycles.ts';
import { runJunctionJob } from '../model/junction/execute.ts';
import { generatePattern } from '../model/junction/pattern.ts';
import { loadJunctionConfig } from '../tools/configs.ts';
import { mnistJunctionData, randomJunctionData } from '../workloads/junction-data.ts';
import { peakRssMiB, section } from './registry.ts';

const say = (s: string) => process.stdout.write(`${s}\n`);

section('junction golden model', () => {
  for (const name of ['mnist-cl', 'mnist-pad']) {
    const cfg = loadJunctionConfig(name);
    const data = mnistJunctionData(cfg, cfg.maxInputs, 1);
    const patterns = generatePattern(cfg);
    const mode = { train: true, pipelined: true };
    const t0 = performance.now();
    const r = runJunctionJob(cfg, patterns, { ...data, mode });
    const s = (performance.now() - t0) / 1000;
    const ops = jobSlots(cfg, cfg.maxInputs, mode).reduce((n, slot) => n + slot.processes.reduce((m, p) => m + cfg.junctions[p.junction].edges, 0), 0);
    say(`${name}: ${cfg.maxInputs} inputs trained pipelined in ${s.toFixed(2)} s: ${fmtRate(ops / s)} edge operations/s, ${r.cycles} hardware cycles modelled, peak RSS ${peakRssMiB().toFixed(0)} MiB`);
  }
});

section('junction co-simulation', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sj-bench-'));
  for (const [name, sims, inputs] of [['tiny', ['verilator', 'icarus'], 16], ['mnist-pad', ['verilator'], 16]] as const) {
    const cfg = loadJunctionConfig(name);
    for (const sim of sims as readonly SimName[]) {
      const r = await runJunctionCase({ cfg, data: randomJunctionData(cfg, inputs, 1), mode: { train: true, pipelined: true }, sims: [sim], dir: join(root, `${name}-${sim}`) });
      const o = r.outcomes[0];
      say(`${name} ${sim}: ${o.ok ? 'pass' : 'FAIL'}, ${o.actualCycles} job cycles, ${o.simCycles} simulated cycles in ${o.runSeconds.toFixed(2)} s = ${fmtRate(o.simCycles / o.runSeconds)} cycles/s; build ${o.build.cached ? 'cached' : `${o.build.seconds.toFixed(1)} s`}`);
    }
  }
});
