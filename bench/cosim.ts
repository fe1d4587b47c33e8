/**
 * Co-simulation throughput for the tiny and paper configurations: Verilator build time, simulated
 * cycles per second and multiplier-slot MACs per second in Verilator and Icarus (each job started
 * repeatedly with +repeat so process start-up is amortized), golden-model cycles per second, and the
 * wall time of the quick regression. Builds come from the cache when present; the build time shown
 * is the one recorded when that build was made.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../tools/configs.ts';
import { randomLayer } from '../workloads/synthetic.ts';
import { lowerLayer } from '../model/lower.ts';
import { scheduleJob } from '../model/schedule.ts';
import { executeSchedule } from '../model/execute.ts';
import { buildFor, layoutOf } from '../cosim/build.ts';
import { prepareCase } from '../cosim/prepare.ts';
import { simulate } from '../cosim/simulate.ts';
import { ensureRtl } from '../cosim/rtl.ts';
import { runRegression } from '../cosim/regress.ts';
import { suiteCases } from '../cosim/suites.ts';
import { fmtRate } from '../cosim/report.ts';
import { simulator, type SimName } from '../cosim/sim/index.ts';
import { DEMO_LAYER } from '../workloads/demo-layer.ts';
import { section } from './registry.ts';

const say = (s: string) => process.stdout.write(`${s}\n`);

interface BenchLayer {
  readonly shape: readonly number[];
  readonly sparsity: number;
  readonly inputSize: [number, number];
  readonly pad: number;
  readonly repeat: number;
}

/** Icarus interprets all 1024 paper multipliers every cycle (tens of cycles/s): it gets a small layer. */
const LAYERS: Record<'tiny' | 'paper', Record<SimName, BenchLayer>> = {
  tiny: {
    verilator: { shape: [4, 8, 3, 3], sparsity: 0.5, inputSize: [10, 10], pad: 0, repeat: 400 },
    icarus: { shape: [4, 8, 3, 3], sparsity: 0.5, inputSize: [10, 10], pad: 0, repeat: 20 },
  },
  paper: {
    verilator: { shape: DEMO_LAYER.shape, sparsity: DEMO_LAYER.sparsity, inputSize: DEMO_LAYER.inputSize, pad: DEMO_LAYER.pad, repeat: 20 },
    icarus: { shape: [16, 16, 3, 3], sparsity: 0.5, inputSize: [4, 4], pad: 0, repeat: 4 },
  },
};

section('co-simulation throughput (tiny, paper)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-bench-cosim-'));
  for (const name of ['tiny', 'paper'] as const) {
    const cfg = loadConfig(name);
    const rtl = await ensureRtl(cfg);
    const layout = await layoutOf(rtl, cfg);
    for (const sim of ['verilator', 'icarus'] as SimName[]) {
      const L = LAYERS[name][sim];
      const layer = randomLayer(L.shape, L.sparsity, 7, cfg, { inputSize: L.inputSize, pad: L.pad });
      const prep = await prepareCase({ cfg, layout, layer, scheduler: 'heuristic', dir: join(dir, name, sim) });
      const what = `${L.shape.join('x')} conv on ${L.inputSize.join('x')}: ${prep.expectedCycles} cycles (dense ${prep.denseCycles}), ${prep.outputsTotal} outputs`;
      if (sim === 'verilator') {
        // Golden model: modeled cycles per second of executeSchedule (the exact outputs).
        const job = lowerLayer(layer, cfg.lanes)[0];
        const sched = await scheduleJob(job, cfg, 'heuristic');
        let reps = 0;
        const m0 = performance.now();
        while (performance.now() - m0 < 1000 || reps < 2) {
          executeSchedule(job, sched, cfg);
          reps++;
        }
        const modelRate = (reps * prep.expectedCycles) / ((performance.now() - m0) / 1000);
        say(`${name} (${cfg.multipliers} multipliers)`);
        say(`  golden model: ${fmtRate(modelRate)} cycles/s, ${fmtRate(modelRate * cfg.multipliers)} MAC slots/s (${what})`);
      }
      if (!(await simulator(sim).available())) {
        say(`  ${sim}: not installed`);
        continue;
      }
      const build = await buildFor(sim, cfg, rtl, { hostWrite: false });
      const stamp = join(build.dir, 'BUILD_OK');
      const buildSeconds = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) : build.seconds;
      const out = await simulate(prep, build, { hostWrite: false, repeat: L.repeat });
      const rate = out.simCycles / out.runSeconds;
      say(
        `  ${sim}: ${out.ok ? 'pass' : 'FAIL'}, ${fmtRate(rate)} cycles/s, ${fmtRate(rate * cfg.multipliers)} MAC slots/s ` +
          `(${out.simCycles} cycles with the job started ${L.repeat}x, ${out.runSeconds.toFixed(1)} s; ${what}); build ${buildSeconds.toFixed(1)} s${build.cached ? ' (cached)' : ''}`,
      );
    }
  }
  const cases = suiteCases('quick', 1);
  const t0 = performance.now();
  const results = await runRegression({ cases, jobs: 2, outRoot: join(dir, 'regress'), suiteName: 'bench quick' });
  const failed = results.filter((r) => !r.ok).length;
  say(`quick regression: ${results.length} cases, ${failed} failed, ${((performance.now() - t0) / 1000).toFixed(1)} s wall with -j 2 (builds cached where present)`);
});
